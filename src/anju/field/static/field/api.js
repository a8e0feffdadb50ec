// Calls to the field API with the session cookie and the CSRF token (the API's django_auth
// checks CSRF on writes; the token cookie is HttpOnly, so the page carries the token).

const shell = document.body.dataset;
export const API = shell.api || "/api/v1/field";
let csrfToken = shell.csrf || "";

export function setCsrf(token) {
  if (token) csrfToken = token;
}

/** Why a call failed: network (no signal, retry later), auth (log in again), csrf (refresh
 *  the token), server (5xx, retry later) or refused (the server's answer; do not retry). */
export class ApiError extends Error {
  constructor(kind, status, error) {
    super(error?.message || kindMessage(kind, status));
    this.kind = kind;
    this.status = status;
    this.error = error || { code: kind, message: this.message, field: null, rule: null };
  }

  get retriable() {
    return this.kind === "network" || this.kind === "server";
  }
}

function kindMessage(kind, status) {
  return {
    network: "网络不通，稍后自动重试",
    auth: "登录已过期，请重新登录后发送",
    csrf: "安全令牌已失效，正在刷新",
    server: `服务器暂时无法处理（${status}），稍后自动重试`,
  }[kind] || `服务器拒绝了请求（${status}）`;
}

async function send(method, url, { json, body, timeout = 30000 } = {}) {
  const headers = { Accept: "application/json" };
  if (method !== "GET" && method !== "HEAD") headers["X-CSRFToken"] = csrfToken;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  let response;
  try {
    response = await fetch(url, {
      method, headers, body, credentials: "same-origin", redirect: "manual",
      cache: "no-store", signal: controller.signal,
    });
  } catch {
    throw new ApiError("network", 0);
  } finally {
    clearTimeout(timer);
  }
  // A redirect is the login page: the session has ended.
  if (response.type === "opaqueredirect" || response.status === 401) {
    throw new ApiError("auth", response.status || 401);
  }
  let data = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    try { data = await response.json(); } catch { data = null; }
  }
  if (response.ok) return { status: response.status, data };
  const error = data?.error || null;
  if (response.status === 403 && /csrf/i.test(error?.message || "")) {
    throw new ApiError("csrf", 403, error);
  }
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    throw new ApiError("server", response.status, error);
  }
  throw new ApiError("refused", response.status, error);
}

export function getJSON(path, options) {
  return send("GET", API + path, options);
}

export function postJSON(path, json, options) {
  return send("POST", API + path, { ...options, json });
}

export function postForm(path, form, options) {
  return send("POST", API + path, { ...options, body: form });
}

export function putBlob(path, blob, options) {
  return send("PUT", API + path, { ...options, body: blob });
}

/** Who is logged in, with a fresh CSRF token; null when the session has ended. */
export async function session() {
  try {
    const { data } = await send("GET", shell.sessionUrl || "/field/session");
    setCsrf(data?.csrf_token);
    return data;
  } catch (error) {
    if (error.kind === "auth") return null;
    throw error;
  }
}
