// Keeping the phone's copy of the user's houses and of the forms up to date: the houses
// change incrementally (since the cursor of the last download), the forms are replaced.

import * as db from "./db.js";
import { API, getJSON } from "./api.js";

const MAX_PAGES = 500;

function nextUrl(next) {
  // `next` may be a whole path or only the cursor of the next page.
  if (next.startsWith("/") || next.startsWith("http")) {
    const url = new URL(next, location.origin);
    return url.pathname.startsWith(API) ? url.pathname.slice(API.length) + url.search : url.pathname + url.search;
  }
  return `/houses?since=${encodeURIComponent(next)}`;
}

/** Download what changed since the last time; returns {changed, removed, full}. */
export async function syncHouses() {
  const cursor = await db.getMeta("cursor");
  let path = cursor ? `/houses?since=${encodeURIComponent(cursor)}` : "/houses";
  let changed = 0;
  let removed = 0;
  let full = false;
  for (let page = 0; path && page < MAX_PAGES; page++) {
    const { data } = await getJSON(path, { timeout: 60000 });
    const replaceAll = page === 0 && data.full;
    const last = !data.next;
    full = full || data.full;
    // Every page carries the cursor of the whole download: it is kept with the last page
    // only, so that a download cut off half-way is started again, not skipped.
    await db.write(["houses", "meta"], (s) => {
      if (replaceAll) {
        s.houses.clear();
        s.meta.delete("cursor"); // cut off before the last page, the next download is whole
      }
      for (const house of data.houses || []) s.houses.put(house);
      for (const id of data.removed || []) s.houses.delete(id);
      if (last) {
        s.meta.put({ key: "cursor", value: data.cursor });
        s.meta.put({ key: "houses_synced_at", value: Date.now() });
      }
    });
    changed += (data.houses || []).length;
    removed += (data.removed || []).length;
    path = last ? null : nextUrl(String(data.next));
  }
  return { changed, removed, full };
}

export async function syncForms() {
  const { data } = await getJSON("/forms");
  await db.setMeta("forms", data);
  await db.setMeta("forms_synced_at", Date.now());
  return data;
}

/** A different user on this phone: their houses and cursor go; queued items stay, marked
 *  with the user who captured them, and are sent only under that user's login. */
export async function switchUser(username) {
  const previous = await db.getMeta("user");
  if (previous === username) return false;
  await db.write(["houses", "meta"], (s) => {
    s.houses.clear();
    s.meta.delete("cursor");
    s.meta.delete("houses_synced_at");
    s.meta.put({ key: "user", value: username });
  });
  return previous !== null;
}
