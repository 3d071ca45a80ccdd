// The flash store over the simulated Storage (test/store/simulated-storage.js): its behaviour,
// and the name and size checks that only Storage has.
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { SimStorage, E } = require("./simulated-storage.js");
global.E = E; // the store's medium speaks Espruino's E (binary strings, CRC32)
const { storageStore } = require("../../build/store/flash-store.js");
const { storeBehaviour, code, bytes, all } = require("./behaviour.js");

function simMedium() {
  const storage = new SimStorage();
  return {
    storage,
    open: (maxBytes) => storageStore(storage, "sess", { maxBytes }),
    files: () => storage.list(/^sess[#~]/),
    scribble: (name, data) => storage.write(name, Buffer.from(data).toString("latin1")),
    fileSize: 4064,
    overhead: 32,
  };
}

// Each test its own Storage: behaviour.js opens and reopens over the one it is given.
const media = [];
storeBehaviour("flash store (simulated Storage)", {
  open: (max) => media[media.length - 1].open(max),
  files: () => media[media.length - 1].files(),
  scribble: (n, d) => media[media.length - 1].scribble(n, d),
  fileSize: 4064,
  overhead: 32,
});
require("node:test").beforeEach(() => media.push(simMedium()));

test("flash store: a name Storage cannot hold is refused BAD_ARGUMENT", () => {
  const storage = new SimStorage();
  for (const name of ["", "a".repeat(23), "a.b", "a~b", "a b", "ä", 5, null]) {
    assert.equal(code(() => storageStore(storage, name, { maxBytes: 16384 })), "BAD_ARGUMENT", String(name));
  }
  assert.ok(storageStore(storage, "a".repeat(22), { maxBytes: 16384 }));
});

test("flash store: maxBytes larger than the free Storage is refused BAD_ARGUMENT; what the store holds counts as room", () => {
  const storage = new SimStorage({ area: 64 * 1024 });
  storage.write("other", "x".repeat(20000));
  const free = storage.getStats().freeBytes;
  assert.equal(code(() => storageStore(storage, "s", { maxBytes: free + 1 })), "BAD_ARGUMENT");
  const store = storageStore(storage, "s", { maxBytes: free });
  store.open();
  store.add(bytes("m"));
  assert.ok(storage.getStats().freeBytes < free);
  assert.ok(storageStore(storage, "s", { maxBytes: free }), "its own files are room it may use");
});

test("flash store: a full Storage refuses add with QUEUE_FULL and the store still works", () => {
  const storage = new SimStorage({ area: 4 * 4096 });
  const store = storageStore(storage, "s", { maxBytes: 4 * 4096 });
  store.open();
  storage.write("hog", "h".repeat(2 * 4096)); // taken by someone else after the store checked
  const keys = [];
  let refused;
  for (let i = 0; i < 200 && !refused; i++) {
    try {
      keys.push(store.add(bytes("z".repeat(100) + i)));
    } catch (e) {
      refused = e.code;
    }
  }
  assert.equal(refused, "QUEUE_FULL");
  for (const k of keys) store.remove(k);
  store.add(bytes("again"));
  assert.deepEqual(all(store), [{ text: "again", id: 0, stage: 0 }]);
});

test("flash store: a file that only begins with the store's name (sess.json) is not the store's: not read, not reported, not erased", () => {
  const storage = new SimStorage();
  storage.write("sess.json", '{"server":"x"}');
  storage.write("sess.sleep", "3");
  const store = storageStore(storage, "sess", { maxBytes: 16384 });
  assert.deepEqual(store.open(), { held: [], lastId: 0 });
  store.add(bytes("m"));
  assert.equal(store.count(), 1);
  assert.equal(storage.read("sess.json"), '{"server":"x"}');
  assert.equal(storage.read("sess.sleep"), "3");
});
