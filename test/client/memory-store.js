"use strict";
// A session store in memory, for the client's state-machine tests: the Store interface
// (src/store/store.ts) over a Map, with a limit on the messages it takes. The real stores
// (flash-store, file-store) have tests of their own; a new client on the same object stands
// for the board after a reset.
class MemoryStore {
  constructor(limit = Infinity) {
    this.limit = limit;
    this.messages = new Map(); // key -> { packet, id, stage }
    this.heldIds = new Set();
    this.nextKey = 0;
    this.calls = [];
  }
  open() {
    let lastId = 0;
    for (const m of this.messages.values()) if (m.id > lastId) lastId = m.id;
    return { held: [...this.heldIds], lastId };
  }
  add(packet) {
    if (this.messages.size >= this.limit) throw Object.assign(new Error("store full"), { code: "QUEUE_FULL" });
    const key = this.nextKey++;
    this.messages.set(key, { packet: Uint8Array.from(packet), id: 0, stage: 0 });
    return key;
  }
  next(after) {
    for (const [key, m] of this.messages) {
      if (key > after) return { key, packet: Uint8Array.from(m.packet), id: m.id, stage: m.stage };
    }
    return undefined;
  }
  sent(key, id) {
    this.calls.push(["sent", key, id]);
    Object.assign(this.messages.get(key), { id, stage: 1 });
  }
  released(key) {
    this.calls.push(["released", key]);
    this.messages.get(key).stage = 2;
  }
  remove(key) {
    this.calls.push(["remove", key]);
    this.messages.delete(key);
  }
  hold(id) {
    this.heldIds.add(id);
  }
  release(id) {
    this.heldIds.delete(id);
  }
  clearSession() {
    this.calls.push(["clearSession"]);
    this.heldIds.clear();
    for (const m of this.messages.values()) Object.assign(m, { id: 0, stage: 0 });
  }
  count() {
    return this.messages.size;
  }
}

module.exports = { MemoryStore };
