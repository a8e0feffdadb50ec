{% autoescape off %}// The field app's service worker: keeps the app shell and its files so that the app opens
// with no signal. The data (houses, queue, photos) lives in IndexedDB, not here; API calls
// always go to the network, and the app itself decides what to do when they fail.
"use strict";

const VERSION = "{{ version }}";
const CACHE = `anju-field-${VERSION}`;
const SHELL = "{{ shell }}";
const ASSETS = {{ assets }};
const NETWORK_TIMEOUT_MS = 5000;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(ASSETS);
    // The shell only as a logged-in user gets it: a redirect to the login is not kept.
    const shell = await fetch(SHELL, { credentials: "same-origin", cache: "no-store" });
    if (shell.ok && !shell.redirected) await cache.put(SHELL, shell);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("anju-field-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

// The shell: the network when it answers soon (a fresh CSRF token, a new version, the login
// page when the session has ended), else the copy kept at the last visit.
async function shell(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (response.ok && response.type === "basic" && !response.redirected) {
      await cache.put(SHELL, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await cache.match(SHELL);
    if (kept) return kept;
    throw error;
  }
}

// The client's files are named in VERSION: the kept copy is the right one.
async function asset(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreSearch: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === SHELL) {
    event.respondWith(shell(request));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(asset(request));
  }
  // Everything else, the API above all, goes to the network untouched.
});
{% endautoescape %}
