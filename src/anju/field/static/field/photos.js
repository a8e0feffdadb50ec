// Photos taken in the field: shrunk on the phone (longest side photo_max_px, JPEG at
// photo_quality, both from the server's forms), named by their SHA-256, kept as blobs in
// IndexedDB until the server has them.

import * as db from "./db.js";

async function decode(file) {
  if ("createImageBitmap" in window) {
    try {
      return await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch { /* fall back to an <img> below */ }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function shrink(file, maxPx = 1600, quality = 0.8) {
  let image;
  try {
    image = await decode(file);
  } catch {
    throw new Error("无法读取这张照片，请重新拍摄");
  }
  const width = image.width || image.naturalWidth;
  const height = image.height || image.naturalHeight;
  const scale = Math.min(1, maxPx / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; // transparent PNGs become white, not black, in a JPEG
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  if (image.close) image.close();
  const blob = await new Promise((resolve, reject) => {
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("照片压缩失败"))), "image/jpeg", quality);
  });
  return { blob, width: canvas.width, height: canvas.height };
}

export async function sha256(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Shrink, hash and keep one photo; returns its record (without re-storing a duplicate). */
export async function take(file, { maxPx, quality }) {
  const { blob, width, height } = await shrink(file, maxPx, quality);
  const hash = await sha256(blob);
  const existing = await db.get("photos", hash);
  if (existing) return existing;
  const record = { sha256: hash, blob, size: blob.size, width, height, uploaded: false,
                   taken_at: new Date().toISOString() };
  await db.put("photos", record);
  return record;
}

export function get(hash) {
  return db.get("photos", hash);
}

export function markUploaded(hash) {
  return db.update("photos", hash, (row) => (row ? { ...row, uploaded: true } : undefined));
}

/** Drop photos that no unsent capture needs: those the server has, and those of a form
 *  given up more than a day ago. */
export async function prune(queue) {
  const needed = new Set();
  for (const item of queue) if (item.state !== "sent") item.photos.forEach((p) => needed.add(p));
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const photo of await db.all("photos")) {
    if (needed.has(photo.sha256)) continue;
    if (photo.uploaded || Date.parse(photo.taken_at) < dayAgo) await db.remove("photos", photo.sha256);
  }
}
