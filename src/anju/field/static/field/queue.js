// The capture queue: every capture is kept in IndexedDB under its own client UUID until the
// server has answered for it. Sending the same UUID twice is safe (the server stores it once
// and answers the first result), so a send cut off half-way is simply sent again.

import * as db from "./db.js";
import { ApiError, getJSON, postForm, postJSON, putBlob, session } from "./api.js";
import * as photos from "./photos.js";

export const STATES = { waiting: "等待发送", sending: "正在发送", error: "发送失败", sent: "已送达" };
export const STALE_DAYS = 3;
const BACKOFF_SECONDS = [5, 15, 30, 60, 120, 300, 600, 900];
const POLLS = 3; // polls of an `incomplete` answer before waiting for the next round
const PART_BYTES = 256 * 1024;

const listeners = new Set();
let running = null;
let timer = null;
export const state = { user: "", authNeeded: false, lastRun: null, lastError: null };

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function changed() {
  for (const fn of listeners) {
    try { fn(); } catch (e) { console.error(e); }
  }
}

function newUuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The local time with its offset, as the server's "ISO 8601 with offset" wants it. */
export function localIso(date = new Date()) {
  const pad = (n) => String(Math.abs(n)).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** Put one capture in the queue; it is sent at once when there is a signal. */
export async function enqueue({ kind, payload, house, photoHashes = [], photoSources = {}, gps = null,
                               title = "" }) {
  const now = new Date();
  const item = {
    client_uuid: newUuid(),
    user: state.user,
    kind,
    title,
    house_id: house ? house.id : null,
    captured_at: localIso(now),
    lat: gps?.lat ?? null,
    lng: gps?.lng ?? null,
    accuracy_m: gps?.accuracy_m ?? null,
    gps_source: gps?.source ?? null,
    base_version: house ? house.version ?? null : null,
    photos: photoHashes,
    photo_sources: photoSources,
    payload,
    state: "waiting",
    attempts: 0,
    next_try_at: 0,
    created_at: now.getTime(),
    error: null,
    answer: null,
  };
  await db.put("queue", item);
  changed();
  kick();
  return item;
}

export async function list() {
  const items = await db.all("queue");
  return items.sort((a, b) => b.created_at - a.created_at);
}

export function unsent(items) {
  return items.filter((i) => i.state !== "sent");
}

export function stale(items, now = Date.now()) {
  return unsent(items).filter((i) => now - i.created_at > STALE_DAYS * 86400 * 1000);
}

async function save(uuid, changes) {
  const row = await db.update("queue", uuid, (old) => (old ? { ...old, ...changes } : undefined));
  changed();
  return row;
}

export async function retry(uuid) {
  await save(uuid, { state: "waiting", next_try_at: 0, attempts: 0, error: null });
  kick();
}

export async function discard(uuid) {
  await db.remove("queue", uuid);
  await photos.prune(await list());
  changed();
}

/** Sent items older than a week leave the list (the server keeps them). */
async function tidy(items) {
  const weekAgo = Date.now() - 7 * 86400 * 1000;
  for (const item of items) {
    if (item.state === "sent" && item.sent_at && item.sent_at < weekAgo) await db.remove("queue", item.client_uuid);
  }
}

function backoff(attempts) {
  const base = BACKOFF_SECONDS[Math.min(attempts, BACKOFF_SECONDS.length - 1)];
  return Date.now() + base * 1000 * (0.8 + Math.random() * 0.4);
}

async function uploadPhoto(hash, uuid) {
  const photo = await photos.get(hash);
  if (!photo) throw new ApiError("refused", 0, { code: "photo_lost", message: "照片已不在本机，请删除此条后重新采集", field: "photos", rule: null });
  if (photo.uploaded) return;
  if (photo.blob.size > PART_BYTES * 2) {
    await uploadInParts(photo, uuid);
  } else {
    const form = new FormData();
    form.append("client_uuid", uuid);
    form.append("sha256", hash);
    form.append("file", photo.blob, `${hash}.jpg`);
    await postForm("/photos", form, { timeout: 120000 });
  }
  await photos.markUploaded(hash);
}

// A large photo goes up in parts, so that a connection lost half-way resumes where it stopped.
async function uploadInParts(photo, uuid) {
  const total = Math.ceil(photo.blob.size / PART_BYTES);
  let received = [];
  try {
    const { data } = await getJSON(`/photos/${photo.sha256}`);
    if (data?.complete) return;
    received = data?.received_parts || [];
  } catch (error) {
    if (error.retriable || error.kind === "auth") throw error;
  }
  for (let n = 0; n < total; n++) {
    if (received.includes(n)) continue;
    const part = photo.blob.slice(n * PART_BYTES, (n + 1) * PART_BYTES, "application/octet-stream");
    const query = `?total=${total}&size=${photo.blob.size}&client_uuid=${uuid}`;
    await putBlob(`/photos/${photo.sha256}/parts/${n}${query}`, part, { timeout: 120000 });
  }
}

function body(item) {
  const sent = {
    client_uuid: item.client_uuid, kind: item.kind, captured_at: item.captured_at,
    lat: item.lat, lng: item.lng, accuracy_m: item.accuracy_m, base_version: item.base_version,
    photos: item.photos, payload: item.payload,
  };
  // which control took each photo (camera or gallery), when the phone recorded it
  if (item.photo_sources && Object.keys(item.photo_sources).length) sent.photo_sources = item.photo_sources;
  return sent;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function sendOne(item) {
  await save(item.client_uuid, { state: "sending" });
  let answer;
  if (item.answer?.status === "incomplete") {
    answer = (await getJSON(`/submissions/${item.client_uuid}`)).data;
  } else {
    for (const hash of item.photos) await uploadPhoto(hash, item.client_uuid);
    answer = (await postJSON("/submissions", body(item))).data;
  }
  for (let poll = 0; answer?.status === "incomplete" && poll < POLLS; poll++) {
    for (const hash of answer.missing_photos || []) {
      // The server says it lacks this one: send it again even if we thought it went.
      await db.update("photos", hash, (row) => (row ? { ...row, uploaded: false } : undefined));
      await uploadPhoto(hash, item.client_uuid);
    }
    await sleep(1000 * (poll + 1));
    answer = (await getJSON(`/submissions/${item.client_uuid}`)).data;
  }
  return answer;
}

function outcome(answer) {
  switch (answer?.status) {
    case "applied":
      return { state: "sent", error: null };
    case "conflict":
      // Stored by the server as a conflict for the office to settle; nothing to resend.
      return { state: "sent", error: answer.error || { code: "conflict", message: "与服务器上的较新记录冲突，已留待办公室核对" } };
    case "rejected":
      return { state: "error", error: answer.error || { code: "rejected", message: "服务器拒绝了这条记录" } };
    case "incomplete":
      return { state: "waiting", error: { code: "incomplete", message: "服务器仍在等待照片，稍后再试" } };
    default:
      return { state: "error", error: { code: "unexpected", message: "服务器的回答无法识别" } };
  }
}

async function runOnce() {
  const items = await list();
  await tidy(items);
  const due = items
    .filter((i) => i.user === state.user && (i.state === "waiting" || i.state === "sending"))
    .filter((i) => i.next_try_at <= Date.now())
    .sort((a, b) => a.created_at - b.created_at);
  let applied = 0;
  let csrfRefreshed = false;
  for (let k = 0; k < due.length; k++) {
    const item = due[k];
    try {
      const answer = await sendOne(item);
      const result = outcome(answer);
      if (result.state === "waiting") {
        await save(item.client_uuid, { ...result, answer, attempts: item.attempts + 1, next_try_at: backoff(item.attempts) });
      } else {
        await save(item.client_uuid, { ...result, answer, sent_at: Date.now() });
        if (answer.status === "applied" || answer.status === "conflict") applied++;
      }
      state.authNeeded = false;
      state.lastError = null;
    } catch (error) {
      if (!(error instanceof ApiError)) {
        console.error(error);
        error = new ApiError("network", 0, { code: "client_error", message: String(error.message || error) });
      }
      if (error.kind === "csrf" && !csrfRefreshed) {
        csrfRefreshed = true;
        const who = await session().catch(() => null);
        if (who) { k--; continue; }
        error = new ApiError("auth", 401);
      }
      if (error.kind === "auth" || error.kind === "csrf") {
        state.authNeeded = true;
        await save(item.client_uuid, { state: "waiting", error: error.error });
        break; // nothing else can go until the user logs in again
      }
      if (error.retriable) {
        state.lastError = error.message;
        await save(item.client_uuid, { state: "waiting", error: error.error, attempts: item.attempts + 1, next_try_at: backoff(item.attempts) });
        if (error.kind === "network") break; // no signal: the rest would fail the same way
      } else {
        // 422 and 409 (client_uuid_reused): the server's verdict, shown as it gave it.
        await save(item.client_uuid, { state: "error", error: error.error, answer: null });
      }
    }
  }
  state.lastRun = Date.now();
  changed();
  return applied;
}

/** Send what is due; one run at a time in this tab, and one tab at a time when supported. */
export function process() {
  if (!running) {
    const run = navigator.locks
      ? navigator.locks.request("anju-field-queue", { ifAvailable: true }, (lock) => (lock ? runOnce() : 0))
      : runOnce();
    running = run.finally(() => { running = null; schedule(); });
  }
  return running;
}

/** Try again soon: after a capture, when the signal returns, when the app comes to the front. */
export function kick() {
  if (navigator.onLine === false) return;
  clearTimeout(timer);
  timer = setTimeout(() => process().then(afterRun), 50);
}

let afterRun = () => {};
export function onSent(fn) {
  afterRun = (applied) => { if (applied) fn(applied); };
}

async function schedule() {
  clearTimeout(timer);
  const items = (await list()).filter((i) => i.user === state.user && i.state === "waiting");
  if (!items.length || state.authNeeded) return;
  const next = Math.min(...items.map((i) => i.next_try_at));
  timer = setTimeout(() => process().then(afterRun), Math.max(1000, next - Date.now()));
}
