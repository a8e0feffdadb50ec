// Where a capture was made: the phone's position with its accuracy, or one typed in when
// the position is refused or cannot be had.

import { h } from "./dom.js";

let uid = 0;
const nextId = (name) => `gps-${name}-${++uid}`;

export function gpsWidget(forms, onFix) {
  let value = null;
  const status = h("p", { class: "gps-status", role: "status" }, "正在定位…");
  const lat = h("input", { type: "text", inputmode: "decimal", id: nextId("lat"), autocomplete: "off" });
  const lng = h("input", { type: "text", inputmode: "decimal", id: nextId("lng"), autocomplete: "off" });
  const manual = h("div", { class: "gps-manual", hidden: true },
    h("label", { for: lat.id }, "纬度"), lat, h("label", { for: lng.id }, "经度"), lng,
    h("small", { class: "help" }, "无法定位时手工填写（例如北纬 42.53、东经 125.67）"));
  const errors = h("p", { class: "field-error", hidden: true });
  const again = h("button", { type: "button", class: "small" }, "重新定位");
  const byHand = h("button", { type: "button", class: "small" }, "手工填写");

  function outsideCounty(fix) {
    const box = forms.county_box;
    if (!box || !fix) return false;
    const [south, north, west, east] = box;
    const m = 0.01;
    return fix.lat < south - m || fix.lat > north + m || fix.lng < west - m || fix.lng > east + m;
  }

  function locate() {
    if (!navigator.geolocation) {
      status.textContent = "本机不支持定位，请手工填写";
      manual.hidden = false;
      return;
    }
    status.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition((p) => {
      value = { lat: +p.coords.latitude.toFixed(6), lng: +p.coords.longitude.toFixed(6),
                accuracy_m: Math.round(p.coords.accuracy * 10) / 10, source: "gps" };
      manual.hidden = true;
      status.textContent = `已定位：北纬 ${value.lat}，东经 ${value.lng}，精度约 ±${Math.round(value.accuracy_m)} 米`;
      status.classList.toggle("warn", outsideCounty(value));
      if (outsideCounty(value)) status.textContent += "（不在本县范围内，请核对）";
      onFix?.(value);
    }, (error) => {
      value = null;
      status.textContent = error.code === 1
        ? "定位权限被拒绝，请手工填写位置（或在浏览器设置中允许定位）"
        : "暂时无法定位，请到空旷处重试，或手工填写";
      manual.hidden = false;
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }
  again.addEventListener("click", locate);
  byHand.addEventListener("click", () => { manual.hidden = false; value = null; status.textContent = "手工填写位置"; });
  locate();

  return {
    box: h("div", { class: "field gps", dataset: { field: "lat" } }, h("p", { class: "field-label" }, "位置"),
      status, h("div", { class: "button-row" }, again, byHand), manual, errors),
    errors,
    get() {
      if (manual.hidden) return value;
      const a = lat.value.trim();
      const b = lng.value.trim();
      if (!a && !b) return null;
      return { lat: Number(a), lng: Number(b), accuracy_m: null, source: "manual" };
    },
    check() {
      if (manual.hidden) return [];
      const a = lat.value.trim();
      const b = lng.value.trim();
      if (!a && !b) return [];
      const bad = [];
      if (!/^-?\d+(\.\d+)?$/.test(a) || Math.abs(+a) > 90) bad.push("纬度应为 -90 到 90 之间的数字");
      if (!/^-?\d+(\.\d+)?$/.test(b) || Math.abs(+b) > 180) bad.push("经度应为 -180 到 180 之间的数字");
      return bad.map((message) => ({ field: "lat", message }));
    },
  };
}
