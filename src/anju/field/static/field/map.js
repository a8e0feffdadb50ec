// A plain map without tiles: the houses as dots by their coordinates, coloured by grade, each
// village named at the centre of its houses; pinch, drag, the wheel or the +/− buttons zoom and pan.

import { h } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const GRADES = { A: "A级", B: "B级", C: "C级（局部危险）", D: "D级（整栋危险）", unrated: "未鉴定" };

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

// Zoom and pan by changing the viewBox: the dots and labels keep their size on screen.
function zoomable(map, width, height, scaled) {
  let view = { x: 0, y: 0, w: width, h: height };
  const apply = () => {
    map.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
    scaled(view.w / width);
  };
  const zoom = (factor, cx = view.x + view.w / 2, cy = view.y + view.h / 2) => {
    const w = Math.min(width, Math.max(width / 40, view.w * factor));
    const k = w / view.w;
    view = { x: cx - (cx - view.x) * k, y: cy - (cy - view.y) * k, w, h: view.h * k };
    apply();
  };
  const point = (e) => {
    const box = map.getBoundingClientRect();
    return [view.x + (e.clientX - box.left) / box.width * view.w,
            view.y + (e.clientY - box.top) / box.height * view.h];
  };
  const pointers = new Map();
  let pinch = 0;
  map.addEventListener("pointerdown", (e) => {
    pointers.set(e.pointerId, [e.clientX, e.clientY]);
    if (pointers.size === 2) { const [a, b] = [...pointers.values()]; pinch = Math.hypot(a[0] - b[0], a[1] - b[1]); }
  });
  map.addEventListener("pointermove", (e) => {
    const last = pointers.get(e.pointerId);
    if (!last) return;
    const box = map.getBoundingClientRect();
    if (pointers.size === 1) {
      view.x -= (e.clientX - last[0]) / box.width * view.w;
      view.y -= (e.clientY - last[1]) / box.height * view.h;
      pointers.set(e.pointerId, [e.clientX, e.clientY]);
      apply();
    } else if (pointers.size === 2) {
      pointers.set(e.pointerId, [e.clientX, e.clientY]);
      const [a, b] = [...pointers.values()];
      const d = Math.hypot(a[0] - b[0], a[1] - b[1]);
      if (pinch && d) zoom(pinch / d, ...point({ clientX: (a[0] + b[0]) / 2, clientY: (a[1] + b[1]) / 2 }));
      pinch = d;
    }
  });
  const up = (e) => { pointers.delete(e.pointerId); pinch = 0; };
  map.addEventListener("pointerup", up);
  map.addEventListener("pointercancel", up);
  map.addEventListener("wheel", (e) => { e.preventDefault(); zoom(e.deltaY > 0 ? 1.25 : 0.8, ...point(e)); }, { passive: false });
  return { zoomIn: () => zoom(0.67), zoomOut: () => zoom(1.5), reset: () => { view = { x: 0, y: 0, w: width, h: height }; apply(); } };
}

export function drawMap(houses, open) {
  const placed = houses.filter((x) => typeof x.lat === "number" && typeof x.lng === "number");
  if (!placed.length) return h("p", { class: "empty" }, "这些房屋都没有登记坐标");
  const lats = placed.map((x) => x.lat);
  const lngs = placed.map((x) => x.lng);
  const [south, north] = [Math.min(...lats), Math.max(...lats)];
  const [west, east] = [Math.min(...lngs), Math.max(...lngs)];
  // Degrees of longitude are shorter than those of latitude away from the equator.
  const squeeze = Math.cos(((south + north) / 2) * Math.PI / 180);
  const spanX = Math.max((east - west) * squeeze, 0.002);
  const spanY = Math.max(north - south, 0.002);
  const width = 340;
  const height = Math.min(480, Math.max(200, Math.round(width * spanY / spanX)));
  const pad = 14;
  const x = (lng) => pad + ((lng - west) * squeeze / spanX) * (width - 2 * pad);
  const y = (lat) => height - pad - ((lat - south) / spanY) * (height - 2 * pad);
  const map = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "house-map", role: "img",
                           "aria-label": `${placed.length} 栋房屋的位置，可双指缩放、拖动` });
  map.append(svg("rect", { x: -width, y: -height, width: width * 3, height: height * 3, class: "map-bg" }));
  const dots = [];
  const labels = [];
  for (const house of placed) {
    const dot = svg("circle", { cx: x(house.lng).toFixed(1), cy: y(house.lat).toFixed(1), r: 7,
                                class: `dot grade-${house.grade}`, tabindex: 0 });
    const title = svg("title", {});
    title.textContent = `${house.address}（${GRADES[house.grade] || "未鉴定"}）`;
    dot.append(title);
    dot.addEventListener("click", () => open(house.id));
    dot.addEventListener("keydown", (e) => { if (e.key === "Enter") open(house.id); });
    dots.push(dot);
  }
  // Villages by name at the centre of their houses: the base a clerk recognises.
  const byVillage = new Map();
  for (const house of placed) {
    const v = byVillage.get(house.division_code) || { name: (house.division_name || "").split(" ").pop(), xs: [], ys: [] };
    v.xs.push(x(house.lng)); v.ys.push(y(house.lat));
    byVillage.set(house.division_code, v);
  }
  for (const v of byVillage.values()) {
    if (!v.name) continue;
    const mean = (a) => a.reduce((s, n) => s + n, 0) / a.length;
    const label = svg("text", { x: mean(v.xs).toFixed(1), y: (mean(v.ys) - 10).toFixed(1), class: "village-label", "text-anchor": "middle" });
    label.textContent = v.name;
    labels.push(label);
  }
  map.append(...labels, ...dots);
  // Dots and labels keep their size on screen as the view zooms.
  const controls = zoomable(map, width, height, (k) => {
    for (const dot of dots) dot.setAttribute("r", (7 * Math.max(k, 0.15)).toFixed(2));
    for (const label of labels) label.setAttribute("font-size", (11 * k).toFixed(2));
  });
  const missing = houses.length - placed.length;
  return h("div", { class: "map-box" },
    h("div", { class: "map-tools" },
      h("button", { type: "button", "aria-label": "放大", onclick: controls.zoomIn }, "+"),
      h("button", { type: "button", "aria-label": "缩小", onclick: controls.zoomOut }, "−"),
      h("button", { type: "button", onclick: controls.reset }, "全部")),
    map,
    h("p", { class: "muted legend" },
      h("span", { class: "key grade-A" }), "A级 ", h("span", { class: "key grade-B" }), "B级 ",
      h("span", { class: "key grade-C" }), "C级 ", h("span", { class: "key grade-D" }), "D级 ",
      h("span", { class: "key grade-unrated" }), "未鉴定",
      missing ? ` · ${missing} 栋无坐标未显示` : ""));
}
