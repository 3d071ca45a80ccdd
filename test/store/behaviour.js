// What every session store does, whatever its medium: the tests of the flash store (over the
// simulated Storage) and of the file store run these. `medium` gives:
//   open(maxBytes) -> a new store object over the same files (a restart), not yet opened
//   files() -> the names of the files the store holds
//   scribble(name, bytes) -> writes a file of that name by hand
//   fileSize -> the bytes of each of its files
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");

const bytes = (text) => new Uint8Array(Buffer.from(text, "latin1"));
const text = (u8) => Buffer.from(u8).toString("latin1");

/** Every stored message, in order, as { text, id, stage }. */
function all(store) {
  const out = [];
  for (let m = store.next(-1); m; m = store.next(m.key)) out.push({ text: text(m.packet), id: m.id, stage: m.stage });
  return out;
}

function code(fn) {
  try {
    fn();
  } catch (e) {
    return e.code;
  }
  return "no error";
}

function storeBehaviour(label, medium) {
  const big = 8 * medium.fileSize;
  const opened = (max = big) => {
    const store = medium.open(max);
    return { store, result: store.open() };
  };

  test(`${label}: an empty store has nothing and reports nothing`, () => {
    const { store, result } = opened();
    assert.deepEqual(result, { held: [], lastId: 0 });
    assert.equal(store.count(), 0);
    assert.equal(store.next(-1), undefined);
  });

  test(`${label}: messages come back in order, with the stage and id last recorded, after a restart too`, () => {
    const { store } = opened();
    const keys = ["a", "bb", "ccc", "dddd"].map((t) => store.add(bytes(t)));
    assert.ok(keys[0] < keys[1] && keys[1] < keys[2] && keys[2] < keys[3], String(keys));
    store.sent(keys[0], 7);
    store.released(keys[0]);
    store.sent(keys[1], 8);
    store.remove(keys[2]);
    store.hold(300);
    store.hold(301);
    store.release(300);
    const expected = [
      { text: "a", id: 7, stage: 2 },
      { text: "bb", id: 8, stage: 1 },
      { text: "dddd", id: 0, stage: 0 },
    ];
    assert.deepEqual(all(store), expected);
    assert.equal(store.count(), 3);
    const again = opened();
    assert.deepEqual(again.result, { held: [301], lastId: 8 });
    assert.deepEqual(all(again.store), expected);
    assert.equal(again.store.count(), 3);
    assert.equal(again.store.next(keys[1]).text, undefined);
    assert.equal(text(again.store.next(keys[1]).packet), "dddd");
  });

  test(`${label}: clearSession forgets ids, stages and held ids, keeps the messages, and lasts`, () => {
    const { store } = opened();
    const key = store.add(bytes("m"));
    store.sent(key, 9);
    store.hold(5);
    store.clearSession();
    assert.deepEqual(all(store), [{ text: "m", id: 0, stage: 0 }]);
    const again = opened();
    assert.deepEqual(again.result, { held: [], lastId: 0 });
    assert.deepEqual(all(again.store), [{ text: "m", id: 0, stage: 0 }]);
    again.store.sent(key, 10);
    assert.deepEqual(all(opened().store), [{ text: "m", id: 10, stage: 1 }]);
  });

  test(`${label}: files whose messages are all removed are recycled; the journal is rewritten when full`, () => {
    const { store } = opened();
    store.hold(1);
    const [journal] = medium.files().filter((n) => n.includes("~"));
    const payload = "x".repeat(200);
    const perFile = Math.floor(medium.fileSize / 210);
    for (let round = 0; round < 8; round++) {
      const keys = [];
      for (let i = 0; i < perFile * 2; i++) keys.push(store.add(bytes(payload + i)));
      for (const key of keys) {
        store.sent(key, 1 + (key % 60000));
        store.remove(key);
      }
    }
    assert.equal(store.count(), 0);
    assert.ok(!medium.files().includes(journal), "the first journal was replaced");
    assert.ok(medium.files().length <= 2, medium.files().join(" "));
    const last = store.add(bytes("last"));
    const again = opened();
    assert.deepEqual(all(again.store), [{ text: "last", id: 0, stage: 0 }]);
    assert.equal(again.store.next(-1).key, last);
  });

  test(`${label}: calls before open() read the files first, and never write over them`, () => {
    const { store } = opened();
    const key = store.add(bytes("first"));
    store.sent(key, 4);
    const fresh = medium.open(big);
    fresh.hold(9);
    fresh.add(bytes("second"));
    const again = opened();
    assert.deepEqual(again.result, { held: [9], lastId: 4 });
    assert.deepEqual(all(again.store), [{ text: "first", id: 4, stage: 1 }, { text: "second", id: 0, stage: 0 }]);
  });

  test(`${label}: bad input is refused with a code, and the store still works`, () => {
    const { store } = opened(2 * medium.fileSize + medium.overhead * 2);
    assert.equal(code(() => store.add("text")), "BAD_ARGUMENT");
    assert.equal(code(() => store.add(new Uint8Array(0))), "BAD_ARGUMENT");
    assert.equal(code(() => store.add(new Uint8Array(medium.fileSize))), "TOO_LARGE");
    const key = store.add(bytes("ok"));
    assert.equal(code(() => store.sent(key, 0)), "BAD_ARGUMENT");
    assert.equal(code(() => store.sent(key, 65536)), "BAD_ARGUMENT");
    assert.equal(code(() => store.hold(-1)), "BAD_ARGUMENT");
    // One file for messages: full once it is.
    const keys = [key];
    let refused = "no error";
    for (let i = 0; i < medium.fileSize && refused === "no error"; i++) {
      refused = code(() => keys.push(store.add(bytes("y".repeat(100)))));
    }
    assert.equal(refused, "QUEUE_FULL");
    const n = store.count();
    assert.equal(opened().store.count(), n, "a refused add wrote nothing");
    for (const k of keys) store.remove(k);
    store.add(bytes("after"));
    assert.deepEqual(all(store), [{ text: "after", id: 0, stage: 0 }]);
  });

  test(`${label}: maxBytes must be a whole number of at least two files`, () => {
    for (const max of [0, -1, 1.5, "big", undefined, medium.fileSize]) {
      assert.equal(code(() => medium.open(max)), "BAD_ARGUMENT", String(max));
    }
  });

  test(`${label}: garbage where the store keeps its files is skipped and reported CORRUPT; the store works`, () => {
    const { store } = opened();
    const key = store.add(bytes("kept"));
    store.sent(key, 3);
    const [segment] = medium.files().filter((n) => n.includes("#"));
    medium.scribble(segment.replace(/#[0-9a-z]+$/, "#zz"), bytes("garbage, not a store's file"));
    medium.scribble(segment.replace(/#[0-9a-z]+$/, "#q!"), bytes("\x4d\x51\x53\x01\x5a\xff\x00\x09not a record"));
    const again = opened();
    assert.equal(again.result.corrupt && again.result.corrupt.code, "CORRUPT");
    assert.ok(again.result.corrupt instanceof Error);
    assert.deepEqual(all(again.store), [{ text: "kept", id: 3, stage: 1 }]);
    const k2 = again.store.add(bytes("new"));
    again.store.remove(key);
    assert.deepEqual(all(opened().store), [{ text: "new", id: 0, stage: 0 }]);
    assert.ok(k2 > key);
  });
}

module.exports = { storeBehaviour, all, bytes, text, code };
