// The flash store on a real Espruino interpreter built for Linux (ESPRUINO; skipped, visibly,
// when it is unset): the module loaded from Storage as a board keeps it, its files in the
// interpreter's espruino.flash, which later runs in the same folder find again (a restart).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { ESPRUINO, NO_ESPRUINO, bundleSource, runEspruino, printedObject, checkRun } = require("../helpers/espruino.js");

const MODULE = path.join(__dirname, "..", "..", "dist", "flash-store.js");

// What every program shares: the module, and helpers over it.
const PRELUDE = `
var S = require("Storage");
var flash = require("flash-store");
function bytes(t) { return E.toUint8Array(t); }
function all(s) { var out = [], m = s.next(-1); while (m) { out.push([E.toString(m.packet), m.id, m.stage]); m = s.next(m.key); } return out; }
function code(f) { try { f(); } catch (e) { return e.code || String(e); } return "none"; }
`;

/** A folder whose Storage holds the module, as uploaded in parts (the CLI's way). */
async function folderWithModule() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flash-store-"));
  const source = bundleSource(MODULE);
  for (let at = 0; at < source.length; at += 2000) {
    const args = [JSON.stringify("flash-store"), JSON.stringify(source.slice(at, at + 2000)), at].concat(at ? [] : [source.length]);
    checkRun(await runEspruino(dir, `require("Storage").write(${args.join(",")});quit();`));
  }
  return dir;
}

async function run(dir, body, prefix) {
  const result = await runEspruino(dir, PRELUDE + body + "\nquit();\n");
  const tail = checkRun(result);
  const printed = printedObject(result.output, prefix);
  assert.ok(printed, `no ${prefix} line` + tail);
  return printed;
}

test("flash store on the interpreter: add, next, sent, released, remove, hold, and all of it after a restart", { skip: !ESPRUINO && NO_ESPRUINO }, async () => {
  const dir = await folderWithModule();
  try {
    const first = await run(
      dir,
      `var s = flash.flashStore("sess", { maxBytes: 65536 });
       var opened = s.open();
       var k = [s.add(bytes("alpha")), s.add(bytes("beta\\xff\\x00")), s.add(bytes("gamma"))];
       s.sent(k[0], 11); s.released(k[0]); s.sent(k[1], 12); s.remove(k[2]); s.hold(77); s.hold(78); s.release(77);
       print("RUN " + JSON.stringify({ opened: opened, all: all(s), count: s.count(), files: S.list(/^sess/).length }));`,
      "RUN"
    );
    const expected = [["alpha", 11, 2], ["beta\u00ff\u0000", 12, 1]];
    assert.deepEqual(first.opened, { held: [], lastId: 0 });
    assert.deepEqual(first.all, expected);
    assert.equal(first.count, 2);
    assert.equal(first.files, 2, "one segment, one journal");
    const second = await run(
      dir,
      `var s = flash.flashStore("sess", { maxBytes: 65536 });
       var opened = s.open();
       var before = all(s);
       s.clearSession();
       print("RUN " + JSON.stringify({ opened: opened, all: before, count: s.count(), cleared: all(s) }));`,
      "RUN"
    );
    assert.deepEqual(second.opened, { held: [78], lastId: 12 });
    assert.deepEqual(second.all, expected);
    assert.equal(second.count, 2);
    assert.deepEqual(second.cleared, [["alpha", 0, 0], ["beta\u00ff\u0000", 0, 0]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("flash store on the interpreter: bad names, bad maxBytes, a full Storage and garbage are refused or reported with a code", { skip: !ESPRUINO && NO_ESPRUINO }, async () => {
  const dir = await folderWithModule();
  try {
    const r = await run(
      dir,
      `var codes = {};
       codes.long = code(function () { flash.flashStore("abcdefghijklmnopqrstuvw", { maxBytes: 65536 }); });
       codes.dot = code(function () { flash.flashStore("a.b", { maxBytes: 65536 }); });
       codes.zero = code(function () { flash.flashStore("s", { maxBytes: 0 }); });
       codes.negative = code(function () { flash.flashStore("s", { maxBytes: -4096 }); });
       codes.huge = code(function () { flash.flashStore("s", { maxBytes: S.getStats().totalBytes + 4096 }); });
       var s = flash.flashStore("abcdefghijklmnopqrstuv", { maxBytes: 3 * 4096 + 192 });
       s.open();
       S.write("hog", "h", 0, S.getStats().freeBytes - 6000);
       var keys = [], full = "none";
       for (var i = 0; i < 200 && full == "none"; i++) full = code(function () { keys.push(s.add(bytes("payload of a message number " + i))); });
       codes.full = full;
       var stored = keys.length;
       keys.forEach(function (k) { s.remove(k); });
       S.erase("hog");
       s.add(bytes("after"));
       S.write("abcdefghijklmnopqrstuv#zz", "not the store's");
       var again = flash.flashStore("abcdefghijklmnopqrstuv", { maxBytes: 3 * 4096 + 192 });
       var opened = again.open();
       print("RUN " + JSON.stringify({ codes: codes, stored: stored, corrupt: opened.corrupt && opened.corrupt.code, all: all(again) }));`,
      "RUN"
    );
    assert.deepEqual(r.codes, { long: "BAD_ARGUMENT", dot: "BAD_ARGUMENT", zero: "BAD_ARGUMENT", negative: "BAD_ARGUMENT", huge: "BAD_ARGUMENT", full: "QUEUE_FULL" });
    assert.ok(r.stored > 0, JSON.stringify(r));
    assert.equal(r.corrupt, "CORRUPT");
    assert.deepEqual(r.all, [["after", 0, 0]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("flash store on the interpreter: 500 messages of 64 bytes stored take no more RAM than a handful", { skip: !ESPRUINO && NO_ESPRUINO }, async () => {
  const dir = await folderWithModule();
  try {
    const r = await run(
      dir,
      `var s = flash.flashStore("ram", { maxBytes: 65536 });
       s.open();
       var packet = new Uint8Array(64);
       for (var i = 0; i < 64; i++) packet[i] = i;
       var key = s.add(packet); s.sent(key, 1); s.remove(key);
       var size0 = E.getSizeOf(s), used0 = process.memory().usage;
       for (var i = 0; i < 500; i++) { key = s.add(packet); if (i < 5) s.sent(key, 2 + i); }
       var n = 0, m = s.next(-1); while (m) { n++; m = s.next(m.key); }
       m = undefined;
       print("RUN " + JSON.stringify({ n: n, count: s.count(), size0: size0, size1: E.getSizeOf(s), used0: used0, used1: process.memory().usage }));`,
      "RUN"
    );
    assert.equal(r.n, 500);
    assert.equal(r.count, 500);
    // The store grows by its entries in flight (5 here: 3 numbers each), never by what is stored.
    assert.ok(r.size1 - r.size0 <= 20, JSON.stringify(r));
    assert.ok(r.used1 - r.used0 <= 40, JSON.stringify(r));
    console.log(`# ${path.basename(ESPRUINO)}: E.getSizeOf(store) ${r.size0} -> ${r.size1}, heap ${r.used0} -> ${r.used1} JsVars after 500 adds`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
