// Crash safety of the session log on (simulated) NOR flash: a scripted run of the store is
// cut at every step of flash work it does (a file's creation, every byte programmed, every
// erase), the byte being programmed left half done. After each cut the store is opened again:
// it must not throw nor report corruption, and must hold exactly the state before or after
// the call the power went in (nothing whose add() returned lost, nothing removed back, ids,
// stages and held ids as last recorded or one step earlier); then it must go on working.
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { SimStorage, E } = require("./simulated-storage.js");
global.E = E;
const { LogStore } = require("../../build/store/log.js");
const { storageMedium, storageStore } = require("../../build/store/flash-store.js");

function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The store's state as a plain value: messages in order with id and stage, held ids sorted. */
class Model {
  constructor() {
    this.msgs = new Map(); // ordinal -> { text, id, stage }
    this.held = [];
  }
  apply(op) {
    const m = this.msgs.get(op.o);
    if (op.type === "add") this.msgs.set(op.o, { text: op.text, id: 0, stage: 0 });
    else if (op.type === "sent") {
      if (m.id !== op.id) Object.assign(m, { id: op.id, stage: 1 });
    } else if (op.type === "released") {
      if (m.stage === 1) m.stage = 2;
    } else if (op.type === "remove") this.msgs.delete(op.o);
    else if (op.type === "hold") {
      if (!this.held.includes(op.id)) this.held.push(op.id);
    } else if (op.type === "release") this.held = this.held.filter((h) => h !== op.id);
    else if (op.type === "clear") {
      for (const v of this.msgs.values()) Object.assign(v, { id: 0, stage: 0 });
      this.held = [];
    }
  }
  value() {
    return JSON.stringify({ msgs: [...this.msgs.values()], held: [...this.held].sort((a, b) => a - b) });
  }
}

/** A run of store calls, made valid by a model kept as they are chosen. */
function script(n, seed, size) {
  const rnd = random(seed);
  const model = new Model();
  const ops = [];
  let ordinal = 0;
  let nextId = 1;
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  for (let i = 0; i < n; i++) {
    const live = [...model.msgs.keys()];
    const r = rnd();
    let op;
    if (live.length < 3 || r < 0.35) {
      const o = ordinal++;
      op = { type: "add", o, text: ("m" + o + ":").padEnd(4 + Math.floor(rnd() * size), "abcdefgh"[o % 8]) };
    } else if (r < 0.55) op = { type: "sent", o: pick(live), id: nextId++ };
    else if (r < 0.65) op = { type: "released", o: pick(live) };
    else if (r < 0.85) op = { type: "remove", o: rnd() < 0.7 ? live[0] : pick(live) };
    else if (r < 0.91) op = { type: "hold", id: 1 + Math.floor(rnd() * 12) };
    else if (r < 0.97) op = { type: "release", id: pick(model.held.length ? model.held : [1]) };
    else op = { type: "clear" };
    model.apply(op);
    ops.push(op);
  }
  return ops;
}

function call(store, keys, op) {
  const bytes = (t) => new Uint8Array(Buffer.from(t, "latin1"));
  if (op.type === "add") keys[op.o] = store.add(bytes(op.text));
  else if (op.type === "sent") store.sent(keys[op.o], op.id);
  else if (op.type === "released") store.released(keys[op.o]);
  else if (op.type === "remove") store.remove(keys[op.o]);
  else if (op.type === "hold") store.hold(op.id);
  else if (op.type === "release") store.release(op.id);
  else store.clearSession();
}

/** What an opened store holds, in Model.value()'s form. */
function observed(store, held) {
  const msgs = [];
  for (let m = store.next(-1); m; m = store.next(m.key)) msgs.push({ text: Buffer.from(m.packet).toString("latin1"), id: m.id, stage: m.stage });
  assert.equal(store.count(), msgs.length);
  return JSON.stringify({ msgs, held: [...held].sort((a, b) => a - b) });
}

/** Cuts the power at every step of `ops` on a store made by `make(storage)`; returns how many cuts. */
function cutEverywhere(ops, make) {
  const full = new SimStorage();
  const keys = [];
  const whole = make(full);
  whole.open();
  const model = new Model();
  for (const op of ops) {
    call(whole, keys, op);
    model.apply(op);
  }
  const reopened = make(full);
  assert.equal(observed(reopened, reopened.open().held), model.value(), "the run without a cut");
  const steps = full.steps;
  const made = (sep) => full.created.filter((name) => name.includes(sep)).length;

  for (let cut = 1; cut <= steps; cut++) {
    const storage = new SimStorage();
    const store = make(storage);
    store.open();
    const before = new Model();
    const k = [];
    let during = null;
    storage.cutAt = storage.steps + cut;
    try {
      for (const op of ops) {
        during = op;
        call(store, k, op);
        before.apply(op);
      }
      during = null;
    } catch (e) {
      // The store may have turned the cut into an error of its own (QUEUE_FULL).
      if (!storage.dead) throw e;
    }
    assert.ok(storage.dead || !during, "the cut came");
    storage.restore();
    const beforeValue = before.value();
    let afterValue = beforeValue;
    if (during) {
      before.apply(during);
      afterValue = before.value();
    }
    const where = `cut at step ${cut} of ${steps}, in ${JSON.stringify(during)}`;
    const again = make(storage);
    let result;
    assert.doesNotThrow(() => (result = again.open()), where);
    assert.equal(result.corrupt, undefined, where);
    const seen = observed(again, result.held);
    assert.ok(seen === beforeValue || seen === afterValue, `${where}\n seen   ${seen}\n before ${beforeValue}\n after  ${afterValue}`);

    // It goes on working: a message added now comes last, a removal lasts.
    const bytes = (t) => new Uint8Array(Buffer.from(t, "latin1"));
    const first = again.next(-1);
    const key = again.add(bytes("after the cut"));
    if (first) again.remove(first.key);
    const third = make(storage);
    const texts = [];
    third.open();
    for (let m = third.next(-1); m; m = third.next(m.key)) texts.push(Buffer.from(m.packet).toString("latin1"));
    assert.equal(texts[texts.length - 1], "after the cut", where);
    assert.equal(third.next(-1).key === key, texts.length === 1, where);
    if (first) assert.ok(!texts.includes(Buffer.from(first.packet).toString("latin1")), where);
  }
  return { steps, segments: made("#"), journals: made("~") };
}

test("small files (many segments and journals): every cut leaves the state before or after the call", () => {
  const ops = script(240, 19, 40);
  assert.ok(ops.filter((o) => o.type === "clear").length >= 2);
  const run = cutEverywhere(ops, (storage) => new LogStore(storageMedium(storage), "p", 256, 64 * 288));
  assert.ok(run.steps > 2000 && run.segments >= 10 && run.journals >= 3, JSON.stringify(run));
});

test("the flash store as shipped (files of 4,064 bytes): every cut leaves the state before or after the call", () => {
  const ops = script(70, 7, 90);
  cutEverywhere(ops, (storage) => storageStore(storage, "s", { maxBytes: 64 * 1024 }));
});
