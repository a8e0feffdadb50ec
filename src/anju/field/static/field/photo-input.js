// The photos of a capture: taken with the camera or chosen from the gallery (each recorded
// under the control that took it, ADR 0048), shrunk and kept on the phone at once, shown as
// thumbnails that can be removed before the capture is saved.

import { h } from "./dom.js";
import * as photos from "./photos.js";

let uid = 0;
const nextId = (name) => `photo-${name}-${++uid}`;

export function photosWidget(forms) {
  const hashes = [];
  const sources = {};
  const urls = [];
  const thumbs = h("div", { class: "thumbs" });
  const input = h("input", { type: "file", accept: "image/*", capture: "environment", multiple: true,
                             id: nextId("photo"), class: "photo-input" });
  const gallery = h("input", { type: "file", accept: "image/*", multiple: true,
                               id: nextId("gallery"), class: "photo-input" });
  const errors = h("p", { class: "field-error", hidden: true });
  const busy = h("p", { class: "muted", hidden: true }, "正在压缩照片…");
  const max = forms.max_photos || 20;
  let pending = Promise.resolve();  // the shrinking under way, awaited by a save

  function draw(record) {
    const url = URL.createObjectURL(record.blob);
    urls.push(url);
    const remove = h("button", { type: "button", class: "thumb-remove", "aria-label": "删除这张照片" }, "×");
    const thumb = h("figure", { class: "thumb" }, h("img", { src: url, alt: "照片" }), remove,
      h("figcaption", {}, `${Math.round(record.size / 1024)} KB`));
    remove.addEventListener("click", () => {
      hashes.splice(hashes.indexOf(record.sha256), 1);
      delete sources[record.sha256];
      thumb.remove();
    });
    thumbs.append(thumb);
  }

  async function add(control, source) {
    errors.hidden = true;
    busy.hidden = false;
    const problems = [];
    try {
      for (const file of control.files) {
        if (hashes.length >= max) { problems.push(`每条采集最多 ${max} 张照片`); break; }
        try {
          const record = await photos.take(file, { maxPx: forms.photo_max_px, quality: forms.photo_quality });
          if (forms.photo_max_bytes && record.size > forms.photo_max_bytes) {
            problems.push("照片过大，请降低分辨率后重拍");
            continue;
          }
          if (hashes.includes(record.sha256)) continue;
          hashes.push(record.sha256);
          sources[record.sha256] = source;
          draw(record);
        } catch (error) {
          problems.push(error.message);
        }
      }
    } finally {
      busy.hidden = true;
      control.value = "";
      if (problems.length) { errors.textContent = problems.join("；"); errors.hidden = false; }
    }
  }
  const queueAdd = (control, source) => { pending = pending.then(() => add(control, source)); };
  input.addEventListener("change", () => queueAdd(input, "camera"));
  gallery.addEventListener("change", () => queueAdd(gallery, "gallery"));

  return {
    box: h("div", { class: "field photos", dataset: { field: "photos" } },
      h("label", { class: "field-label photo-button", for: input.id }, "＋ 拍照"), input,
      h("label", { class: "photo-gallery", for: gallery.id }, "从相册选择"), gallery,
      busy, thumbs, errors),
    errors,
    get: () => [...hashes],
    sources: () => Object.fromEntries(hashes.map((sha) => [sha, sources[sha]])),
    release: () => urls.forEach((u) => URL.revokeObjectURL(u)),
    busy: () => !busy.hidden,
    idle: () => pending,
  };
}
