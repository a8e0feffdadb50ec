// A plain map without tiles: the houses as dots by their coordinates, coloured by grade.

import { h } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
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
                           "aria-label": `${placed.length} 栋房屋的位置` });
  map.append(svg("rect", { x: 0, y: 0, width, height, class: "map-bg" }));
  for (const house of placed) {
    const dot = svg("circle", { cx: x(house.lng).toFixed(1), cy: y(house.lat).toFixed(1), r: 7,
                                class: `dot grade-${house.grade}`, tabindex: 0 });
    const title = svg("title", {});
    title.textContent = `${house.address}（${house.grade}）`;
    dot.append(title);
    dot.addEventListener("click", () => open(house.id));
    dot.addEventListener("keydown", (e) => { if (e.key === "Enter") open(house.id); });
    map.append(dot);
  }
  const missing = houses.length - placed.length;
  return h("div", { class: "map-box" }, map,
    h("p", { class: "muted legend" },
      h("span", { class: "key grade-A" }), "A ", h("span", { class: "key grade-B" }), "B ",
      h("span", { class: "key grade-C" }), "C ", h("span", { class: "key grade-D" }), "D ",
      h("span", { class: "key grade-unrated" }), "未鉴定",
      missing ? ` · ${missing} 栋无坐标未显示` : ""));
}
