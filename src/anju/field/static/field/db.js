// The phone's own store (IndexedDB): the houses downloaded for offline work, the capture
// queue, the photos as blobs, and a few settings (cursor, forms, user).

const NAME = "anju-field";
const VERSION = 1;

let opening = null;

export function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("meta", { keyPath: "key" });
        const houses = db.createObjectStore("houses", { keyPath: "id" });
        houses.createIndex("division_code", "division_code");
        const queue = db.createObjectStore("queue", { keyPath: "client_uuid" });
        queue.createIndex("created_at", "created_at");
        db.createObjectStore("photos", { keyPath: "sha256" });
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrading the store: let it, and open again next time.
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("本地数据库被另一个窗口占用，请关闭其他窗口"));
    });
  }
  return opening;
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("本地保存失败"));
  });
}

function result(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export async function get(store, key) {
  const db = await open();
  return result(db.transaction(store).objectStore(store).get(key));
}

export async function all(store) {
  const db = await open();
  return result(db.transaction(store).objectStore(store).getAll());
}

export async function count(store) {
  const db = await open();
  return result(db.transaction(store).objectStore(store).count());
}

export async function put(store, value) {
  const db = await open();
  const tx = db.transaction(store, "readwrite");
  tx.objectStore(store).put(value);
  return done(tx);
}

export async function remove(store, key) {
  const db = await open();
  const tx = db.transaction(store, "readwrite");
  tx.objectStore(store).delete(key);
  return done(tx);
}

/** Several writes that land together or not at all: fn(stores) gets {name: objectStore}. */
export async function write(names, fn) {
  const db = await open();
  const tx = db.transaction(names, "readwrite");
  const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
  fn(stores);
  return done(tx);
}

/** Read-modify-write of one record in one transaction; fn returns the new value. */
export async function update(store, key, fn) {
  const db = await open();
  const tx = db.transaction(store, "readwrite");
  const objects = tx.objectStore(store);
  let value;
  objects.get(key).onsuccess = (event) => {
    value = fn(event.target.result);
    if (value !== undefined) objects.put(value);
  };
  await done(tx);
  return value;
}

export async function getMeta(key, fallback = null) {
  const row = await get("meta", key);
  return row === undefined ? fallback : row.value;
}

export function setMeta(key, value) {
  return put("meta", { key, value });
}
