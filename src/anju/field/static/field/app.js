// 信息采集助手: the field app's screens (my houses, a house, a capture form, the queue,
// settings) over the phone's own store; the network is used when there is one.

import * as db from "./db.js";
import { session } from "./api.js";
import { h, replace, toast, when } from "./dom.js";
import { buildForm, codeNames } from "./forms.js";
import * as queue from "./queue.js";
import * as sync from "./sync.js";
import { drawMap } from "./map.js";
import { houseStates } from "./states.js";

// Houses are counted in the unit of Anju's glossary (anju.kit.glossary): 栋, never 户.
const HOUSE_UNIT = document.body.dataset.houseUnit || "栋";

const shell = document.body.dataset;
const view = document.getElementById("view");
const LIST_LIMIT = 200;
const HOUSE_SYNC_MINUTES = 15;

const app = {
  user: shell.user,
  forms: null,
  houses: [],
  items: [],
  syncing: false,
  syncError: null,
  filter: { q: "", village: "", mode: "list" },
  openForm: null,
};

// --- start ----------------------------------------------------------------------------------

async function start() {
  queue.state.user = app.user;
  queue.subscribe(refreshQueue);
  queue.onSent(() => syncAll({ formsToo: false }));
  if (await sync.switchUser(app.user)) toast("已切换用户：上一位用户的房屋已从本机移除");
  app.forms = await db.getMeta("forms");
  app.houses = await db.all("houses");
  await refreshQueue();
  registerServiceWorker();
  askPersistentStorage();
  window.addEventListener("hashchange", route);
  window.addEventListener("online", () => { banner(); syncAll(); });
  window.addEventListener("offline", banner);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncAll({ onlyIfDue: true });
  });
  banner();
  status();
  route();
  await syncAll();
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(shell.sw, { scope: shell.scope }).catch((e) => {
    console.error(e);
  });
  navigator.serviceWorker.ready.then(() => { document.body.dataset.offlineReady = "1"; settingsIfShown(); });
}

async function askPersistentStorage() {
  if (!navigator.storage?.persist) return;
  const already = await navigator.storage.persisted();
  const granted = already || (await navigator.storage.persist());
  await db.setMeta("persisted", granted);
}

// --- talking to the server --------------------------------------------------------------------

async function syncAll({ formsToo = true, onlyIfDue = false } = {}) {
  if (navigator.onLine === false || app.syncing) return;
  if (onlyIfDue) {
    const last = await db.getMeta("houses_synced_at", 0);
    if (Date.now() - last < HOUSE_SYNC_MINUTES * 60000) { queue.kick(); return; }
  }
  app.syncing = true;
  app.syncError = null;
  status();
  try {
    const who = await session();
    if (!who) {
      queue.state.authNeeded = true;
      return;
    }
    queue.state.authNeeded = false;
    if (formsToo || !app.forms) app.forms = await sync.syncForms();
    const result = await sync.syncHouses();
    app.houses = await db.all("houses");
    if (result.changed || result.removed) route({ keepForm: true });
    queue.kick();
  } catch (error) {
    app.syncError = error.message;
    if (error.kind === "auth") queue.state.authNeeded = true;
  } finally {
    app.syncing = false;
    banner();
    status();
    settingsIfShown();
  }
}

// --- chrome: banners, status line, tab badge ---------------------------------------------

function banner() {
  document.getElementById("offline-banner").hidden = navigator.onLine !== false;
  document.getElementById("auth-banner").hidden = !queue.state.authNeeded;
  const old = queue.stale(mine());
  const staleBanner = document.getElementById("stale-banner");
  staleBanner.hidden = !old.length;
  staleBanner.textContent = old.length
    ? `有 ${old.length} 条记录超过 ${queue.STALE_DAYS} 天未发送，请尽快到有信号的地方联网发送` : "";
}

async function status() {
  const line = document.getElementById("sync-status");
  const at = await db.getMeta("houses_synced_at");
  if (app.syncing) line.textContent = "正在同步…";
  else if (app.syncError) line.textContent = `同步失败：${app.syncError}`;
  else line.textContent = at ? `本机 ${app.houses.length} ${HOUSE_UNIT} · ${when(at)} 更新` : "尚未下载房屋";
  line.dataset.state = app.syncing ? "syncing" : app.syncError ? "error" : "ok";
}

function mine() {
  return app.items.filter((i) => i.user === app.user);
}

async function refreshQueue() {
  app.items = await queue.list();
  const waiting = queue.unsent(mine()).length;
  const badge = document.getElementById("queue-badge");
  badge.textContent = String(waiting);
  badge.hidden = waiting === 0;
  badge.setAttribute("aria-label", `${waiting} 条未发送`);
  banner();
  if (location.hash.startsWith("#/queue")) showQueue();
}

function settingsIfShown() {
  if (location.hash.startsWith("#/settings")) showSettings();
}

// --- routing ------------------------------------------------------------------------------

function route(options = {}) {
  const parts = (location.hash || "#/houses").slice(2).split("/");
  const [page, a, b] = parts;
  // A background refresh must not throw away a form being filled in.
  if (options.keepForm && app.openForm && page === "capture") return;
  // On the list, only the results are drawn again: the search box keeps its text and focus.
  if (options.keepForm && app.redrawHouses && (page || "houses") === "houses") return app.redrawHouses();
  app.openForm = null;
  app.redrawHouses = null;
  for (const tab of document.querySelectorAll(".tabbar a")) {
    tab.toggleAttribute("aria-current", tab.dataset.tab === (page === "house" || page === "capture" ? "houses" : page));
    if (tab.hasAttribute("aria-current")) tab.setAttribute("aria-current", "page");
  }
  if (page === "house") return showHouse(Number(a));
  if (page === "capture") return showCapture(a, b ? Number(b) : null);
  if (page === "queue") return showQueue();
  if (page === "settings") return showSettings();
  return showHouses();
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// --- labels -------------------------------------------------------------------------------

function names(list) {
  return app.forms ? codeNames(app.forms, list) : {};
}

function gradeBadge(grade) {
  const label = names("grades")[grade] || (grade === "unrated" ? "未鉴定" : grade);
  return h("span", { class: `grade grade-${grade}` }, grade === "unrated" ? "未鉴定" : `${grade}级`, h("span", { class: "sr" }, ` ${label}`));
}

function kindLabel(kind) {
  return app.forms?.kinds?.[kind]?.label || kind;
}

// --- 我的房屋 -----------------------------------------------------------------------------

function matches(house, q) {
  if (!q) return true;
  return [house.address, house.head_name, house.division_name, String(house.id)]
    .some((v) => v && String(v).includes(q));
}

function showHouses() {
  let villages = new Map();
  const search = h("input", { type: "search", placeholder: "搜地址或户主姓名", value: app.filter.q,
                              "aria-label": "搜索房屋", id: "house-search", enterkeyhint: "search" });
  const village = h("select", { "aria-label": "按村筛选", id: "village-filter" });
  const modes = h("div", { class: "segmented", role: "group", "aria-label": "显示方式" },
    ["list", "map"].map((mode) => h("button", {
      type: "button", "aria-pressed": String(app.filter.mode === mode),
      onclick: () => { app.filter.mode = mode; draw(); },
    }, mode === "list" ? "列表" : "地图")));
  const results = h("div", { id: "house-results" });
  const canAdd = app.forms?.kinds?.new_house?.allowed;

  function draw() {
    villages = new Map();
    for (const house of app.houses) villages.set(house.division_code, house.division_name);
    replace(village, h("option", { value: "" }, `全部村（${villages.size}）`),
      [...villages].sort().map(([code, name]) => h("option", { value: code }, name || code)));
    if (!villages.has(app.filter.village)) app.filter.village = "";
    village.value = app.filter.village;
    for (const b of modes.children) b.setAttribute("aria-pressed", String(b.textContent === (app.filter.mode === "list" ? "列表" : "地图")));
    const q = app.filter.q.trim();
    const found = app.houses.filter((x) => (!app.filter.village || x.division_code === app.filter.village) && matches(x, q));
    if (!app.houses.length) {
      replace(results, h("p", { class: "empty" }, navigator.onLine === false
        ? "本机还没有房屋数据。请联网后打开本页下载。" : "正在下载本人管辖范围内的房屋…"));
      return;
    }
    if (app.filter.mode === "map") {
      replace(results, drawMap(found, (id) => go(`#/house/${id}`)));
      return;
    }
    const pending = new Set(queue.unsent(mine()).map((i) => i.house_id));
    const byVillage = new Map();
    for (const house of found.slice(0, LIST_LIMIT)) {
      if (!byVillage.has(house.division_code)) byVillage.set(house.division_code, []);
      byVillage.get(house.division_code).push(house);
    }
    const sections = [...byVillage].sort().map(([code, list]) => h("section", { class: "village" },
      h("h3", {}, villages.get(code) || code, h("small", { class: "muted" }, ` ${list.length} ${HOUSE_UNIT}`)),
      h("ul", { class: "house-list" }, list.sort((x, y) => x.address.localeCompare(y.address, "zh")).map((house) =>
        h("li", {}, h("a", { href: `#/house/${house.id}`, class: "house-row" },
          h("span", { class: "house-main" },
            h("span", { class: "house-address" }, house.address),
            h("span", { class: "house-sub" }, house.head_name || "无户主登记",
              house.open_findings?.length ? h("span", { class: "flag" }, ` · ${house.open_findings.length} 个问题待整改`) : null,
              pending.has(house.id) ? h("span", { class: "flag flag-pending" }, " · 有待发送") : null)),
          gradeBadge(house.grade)))))));
    replace(results,
      h("p", { class: "muted count-line" }, `共 ${found.length} ${HOUSE_UNIT}`, found.length > LIST_LIMIT ? `，显示前 ${LIST_LIMIT} ${HOUSE_UNIT}，请搜索缩小范围` : ""),
      sections.length ? sections : h("p", { class: "empty" }, "没有符合条件的房屋"));
  }

  search.addEventListener("input", () => { app.filter.q = search.value; draw(); });
  village.addEventListener("change", () => { app.filter.village = village.value; draw(); });
  replace(view,
    h("div", { class: "toolbar" }, search, h("div", { class: "toolbar-row" }, village, modes)),
    canAdd ? h("a", { class: "button wide", href: "#/capture/new_house" }, "＋ 新增房屋") : null,
    results);
  draw();
  app.redrawHouses = draw;
}

// --- a house ------------------------------------------------------------------------------

function row(label, value) {
  return [h("dt", {}, label), h("dd", {}, value === null || value === undefined || value === "" ? "未填" : value)];
}

function showHouse(id) {
  const house = app.houses.find((x) => x.id === id);
  if (!house) {
    replace(view, h("p", { class: "empty" }, "本机没有这栋房屋（可能已不在您的管辖范围内）。"),
      h("a", { href: "#/houses", class: "button wide" }, "返回房屋列表"));
    return;
  }
  const results = names("screening_results");
  const latest = house.latest_screening;
  const kinds = app.forms?.kinds || {};
  const buttons = Object.entries(kinds)
    .filter(([kind, def]) => def.allowed && def.needs_house && kind !== "house_update")
    .filter(([kind]) => kind !== "control_check" || house.ledger_entry)
    .map(([kind, def]) => h("a", { class: "button capture-button", href: `#/capture/${kind}/${house.id}`, dataset: { kind } }, def.label));
  const queued = mine().filter((i) => i.house_id === house.id);
  const states = houseStates(house, names("priority_tags"));
  replace(view,
    h("a", { href: "#/houses", class: "back" }, "‹ 房屋列表"),
    h("div", { class: "card house-card" },
      h("div", { class: "house-title" }, h("h2", {}, house.address), gradeBadge(house.grade)),
      h("p", { class: "muted" }, house.division_name, " · ", house.head_name || "无户主登记"),
      h("dl", { class: "facts" },
        row("安全等级", names("grades")[house.grade] || house.grade),
        row("排查初判", latest ? `${results[latest.result] || latest.result}（${latest.on}）` : "尚未排查"),
        house.awaiting_appraisal ? row("鉴定", "待鉴定") : null,
        row("居住状态", names("occupancies")[house.occupancy] || house.occupancy),
        row("结构", names("structures")[house.structure] || house.structure),
        row("层数", house.storeys ?? house.floors),
        row("建造年份", house.built_year),
        row("建筑面积", house.floor_area ? `${house.floor_area} ㎡` : null),
        row("位置", house.lat !== null && house.lat !== undefined ? `${house.lat}, ${house.lng}` : null),
        states.facts.map(([label, text]) => row(label, text)))),
    states.alerts.map((text) => h("p", { class: "alert" }, text)),
    states.notices.map((text) => h("p", { class: "notice" }, text)),
    h("section", { class: "card" }, h("h3", {}, `待整改问题（${house.open_findings?.length || 0}）`),
      house.open_findings?.length
        ? h("ul", { class: "findings" }, house.open_findings.map((f) => h("li", {}, f.message, h("small", { class: "muted" }, ` 期限 ${f.due_on}`))))
        : h("p", { class: "muted" }, "没有待整改的问题")),
    h("section", { class: "capture-buttons" }, h("h3", {}, "采集"),
      buttons.length ? buttons : h("p", { class: "muted" }, app.forms ? "您的角色不能在此采集" : "表单尚未下载，请联网后重试")),
    queued.length ? h("section", { class: "card" }, h("h3", {}, "本户的采集记录"), queueList(queued)) : null);
}

// --- a capture form -----------------------------------------------------------------------

function showCapture(kind, houseId) {
  const def = app.forms?.kinds?.[kind];
  if (!def) {
    replace(view, h("p", { class: "empty" }, "表单尚未下载，请联网后打开本应用。"));
    return;
  }
  const house = houseId ? app.houses.find((x) => x.id === houseId) : null;
  if (def.needs_house && !house) {
    replace(view, h("p", { class: "empty" }, "本机没有这栋房屋。"));
    return;
  }
  const back = house ? `#/house/${house.id}` : "#/houses";
  const form = buildForm({
    kind, forms: app.forms, house, houses: app.houses,
    onCancel: () => go(back),
    async onSave({ payload, photoHashes, photoSources, gps }) {
      const title = house ? `${def.label} · ${house.address}` : `${def.label} · ${payload.address || ""}`;
      await queue.enqueue({ kind, payload, house, photoHashes, photoSources, gps, title });
      app.openForm = null;
      toast(navigator.onLine === false ? "已保存在本机，联网后自动发送" : "已保存，正在发送");
      go(back);
    },
  });
  app.openForm = form;
  replace(view, h("a", { href: back, class: "back" }, "‹ 返回"), form);
}

// --- 采集队列 -----------------------------------------------------------------------------

function queueList(items) {
  return h("ul", { class: "queue-list" }, items.map((item) => {
    const actions = [];
    if (item.state === "error") {
      actions.push(h("button", { type: "button", onclick: () => queue.retry(item.client_uuid) }, "重试"));
    }
    if (item.state !== "sent") {
      actions.push(h("button", { type: "button", class: "danger", onclick: async () => {
        if (confirm("删除后这条采集将不会发送，确定删除？")) await queue.discard(item.client_uuid);
      } }, "删除"));
    }
    const stateText = item.state === "sent" && item.error ? "已送达（待审核）" : queue.STATES[item.state];
    const other = item.user !== app.user;
    return h("li", { class: `queue-item state-${item.state}`, dataset: { uuid: item.client_uuid, state: item.state } },
      h("div", { class: "queue-head" },
        h("span", { class: "queue-title" }, item.title || kindLabel(item.kind)),
        h("span", { class: `state state-${item.state}` }, stateText)),
      h("p", { class: "muted queue-meta" }, `采集于 ${when(item.created_at)}`,
        item.photos.length ? ` · ${item.photos.length} 张照片` : "",
        item.lat !== null ? ` · 已定位` : " · 无位置",
        item.attempts && item.state === "waiting" ? ` · 已重试 ${item.attempts} 次，${when(item.next_try_at)} 再试` : ""),
      item.error ? h("p", { class: item.state === "error" ? "queue-error" : "queue-note" },
        errorText(item)) : null,
      other ? h("p", { class: "queue-note" }, `由用户 ${item.user} 采集，需其登录后发送`) : null,
      actions.length && !other ? h("div", { class: "button-row" }, actions) : null);
  }));
}

// A refusal's message in the form's words: a raw field name in it becomes its title.
function errorText(item) {
  const { message = "", field } = item.error || {};
  if (!field || !message.includes(field)) return message;
  const head = field.replace(/\[(\d+)\]/g, ".$1").split(".")[0];
  const title = app.forms?.kinds?.[item.kind]?.schema?.properties?.[head]?.title;
  return title ? message.replace(field, `“${title}”`) : message;
}

function showQueue() {
  const items = app.items;
  const waiting = queue.unsent(mine());
  const sendNow = h("button", { type: "button", class: "primary", onclick: () => { queue.kick(); syncAll({ formsToo: false }); } }, "立即发送");
  const counts = ["waiting", "sending", "error", "sent"].map((s) => `${queue.STATES[s]} ${mine().filter((i) => i.state === s).length}`);
  replace(view,
    h("div", { class: "queue-summary card" },
      h("p", { class: "big-number", id: "unsent-count" }, `未发送 ${waiting.length} 条`),
      h("p", { class: "muted" }, counts.join(" · ")),
      navigator.onLine === false ? h("p", { class: "muted" }, "当前离线，联网后自动发送") : sendNow),
    items.length ? queueList(items) : h("p", { class: "empty" }, "队列是空的：采集的内容会先保存在这里，再发送到服务器。"));
}

// --- 设置 -----------------------------------------------------------------------------

async function showSettings() {
  const [cursor, syncedAt, formsAt, persisted, estimate] = await Promise.all([
    db.getMeta("cursor"), db.getMeta("houses_synced_at"), db.getMeta("forms_synced_at"), db.getMeta("persisted"),
    navigator.storage?.estimate ? navigator.storage.estimate() : Promise.resolve(null)]);
  const photoCount = await db.count("photos");
  const redownload = h("button", { type: "button", onclick: async () => {
    await db.write(["meta"], (s) => s.meta.delete("cursor"));
    syncAll();
  } }, "重新下载全部房屋");
  const logout = h("form", { method: "post", action: shell.logout, onsubmit: leave },
    h("input", { type: "hidden", name: "csrfmiddlewaretoken", value: shell.csrf }),
    h("button", { type: "submit", class: "danger" }, "退出登录"));
  replace(view,
    h("section", { class: "card" }, h("h3", {}, "用户"),
      h("dl", { class: "facts" }, row("姓名", shell.name), row("账号", app.user), row("管辖范围", shell.place))),
    h("section", { class: "card" }, h("h3", {}, "本机数据"),
      h("dl", { class: "facts" },
        row("房屋", `${app.houses.length} ${HOUSE_UNIT}`),
        row("房屋更新于", when(syncedAt) || "尚未下载"),
        row("同步位置", cursor ?? "无"),
        row("表单更新于", when(formsAt) || "尚未下载"),
        row("照片", `${photoCount} 张`),
        row("存储", persisted ? "已设为持久保存（浏览器不会自动清除）" : "未获持久保存许可：请把本应用添加到主屏幕"),
        estimate ? row("已用空间", `${(estimate.usage / 1048576).toFixed(1)} MB / ${(estimate.quota / 1048576).toFixed(0)} MB`) : null,
        row("离线可用", document.body.dataset.offlineReady ? "是" : "正在准备…"),
        row("照片压缩", app.forms ? `最长边 ${app.forms.photo_max_px} 像素，质量 ${Math.round(app.forms.photo_quality * 100)}%` : "—")),
      h("div", { class: "button-row" }, redownload)),
    h("section", { class: "card" }, h("h3", {}, "账号"),
      h("p", { class: "muted" }, "退出前请先发送队列中的记录；未发送的记录保留在本机，下次登录后发送。"),
      h("div", { class: "button-row" }, h("a", { class: "button", href: "/" }, "打开网页版"), logout)));
}

// Logging out leaves no household data on the phone: the houses and the kept shell go.
// Unsent captures stay, to be sent at the next login of the same user.
async function leave(event) {
  event.preventDefault();
  const form = event.target;
  const waiting = queue.unsent(mine()).length;
  if (waiting && !confirm(`还有 ${waiting} 条记录未发送。退出后它们保留在本机，您下次登录后自动发送。确定退出？`)) return;
  if (navigator.onLine !== false) {
    const { csrf_token: token } = (await session().catch(() => null)) || {};
    if (token) form.elements.csrfmiddlewaretoken.value = token;
  }
  await db.write(["houses", "meta"], (s) => {
    s.houses.clear();
    for (const key of ["cursor", "houses_synced_at", "forms"]) s.meta.delete(key);
  });
  if (window.caches) {
    for (const name of await caches.keys()) if (name.startsWith("anju-field-")) await caches.delete(name);
  }
  form.submit();
}

start().catch((error) => {
  console.error(error);
  replace(view, h("p", { class: "alert" }, `应用无法启动：${error.message}`));
});
