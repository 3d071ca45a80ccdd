// The session stores: what storing a message costs, in time and in flash.
// - On each interpreter in the shared folder (bench/espruino.js), the flash store loaded from
//   Storage as a board keeps it: add() of a 64-byte packet, and a whole message's life (add,
//   sent, remove), beside a raw Storage.write of the same 64 bytes into a file made beforehand;
//   and the JsVars the module and an opened store take.
// - Flash wear, on the model of Espruino's Storage (test/store/simulated-storage.js) with the
//   ESP32's area (224 pages of 4 KB, 64 KB of it taken by other files): page erases,
//   compactions and files made per 1,000 messages of 64 bytes stored, sent and acknowledged
//   with 10 in flight, and the flash each stored message takes.
// - The file store's add() on Node (each call fsync'd twice: the record, then its commit).
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { ROOT, interpreters, runEspruino, resultLine, trouble } = require("./espruino.js");

const MODULE = path.join(ROOT, "dist", "flash-store.js");
const N = 200;

/** Programs that write the module to Storage in parts of 2,000 characters, one run each. */
function uploadPrograms(source) {
  const parts = [];
  for (let at = 0; at < source.length; at += 2000) {
    const args = [JSON.stringify("flash-store"), JSON.stringify(source.slice(at, at + 2000)), at].concat(at ? [] : [source.length]);
    parts.push(`require("Storage").write(${args.join(",")});quit();`);
  }
  return parts;
}

const PROGRAM = `
var S = require("Storage");
var p = new Uint8Array(64), i, k, s, t, flash;
for (i = 0; i < 64; i++) p[i] = i;
var u0 = process.memory().usage;
flash = require("flash-store");
var u1 = process.memory().usage;
s = flash.flashStore("bench", { maxBytes: 98304 });
s.open();
var u2 = process.memory().usage;
var vars = { module: u1 - u0, store: u2 - u1, sizeOf: E.getSizeOf(s) };
t = getTime();
for (i = 0; i < ${N}; i++) s.add(p);
var add = (getTime() - t) / ${N};
t = getTime();
for (i = 0; i < ${N}; i++) { k = s.add(p); s.sent(k, 1 + i); s.remove(k); }
var life = (getTime() - t) / ${N};
var str = E.toString(p);
S.write("raw", str, 0, 64 * (${N} + 1));
t = getTime();
for (i = 1; i <= ${N}; i++) S.write("raw", str, 64 * i);
var raw = (getTime() - t) / ${N};
print("RESULT " + JSON.stringify({ add: add * 1e6, life: life * 1e6, raw: raw * 1e6, vars: vars }));
quit();
`;

async function onInterpreters() {
  if (!fs.existsSync(MODULE)) throw new Error(`${MODULE} is missing: run \`npm run build\` first`);
  const setup = uploadPrograms(fs.readFileSync(MODULE, "utf8"));
  const list = interpreters();
  if (!list.length) console.log("bench/store.js: no interpreters found (ESPRUINO_DIR or ../shared/espruino): skipped on Espruino");
  for (const { name, binary } of list) {
    const run = await runEspruino(binary, PROGRAM, { setup, timeoutMs: 60000 });
    const r = resultLine(run.output);
    if (!r) throw new Error(`${name}: no RESULT (${trouble(run) || "exit " + run.code}):\n${run.output.slice(-1500)}`);
    console.log(
      `${name.padEnd(17)} flash store add() ${r.add.toFixed(0)} µs, add+sent+remove ${r.life.toFixed(0)} µs;` +
        ` raw Storage.write of the same 64 B ${r.raw.toFixed(0)} µs (add = ${(r.add / r.raw).toFixed(1)}× raw);` +
        ` JsVars: module from Storage ${r.vars.module}, an opened store ${r.vars.store} (E.getSizeOf ${r.vars.sizeOf}, its class's functions included)`
    );
  }
}

function flashWear() {
  const { SimStorage, E } = require("../test/store/simulated-storage.js");
  global.E = E;
  const { storageStore } = require("../build/store/flash-store.js");
  const storage = new SimStorage({ area: 224 * 4096 });
  storage.write("app", "x".repeat(64 * 1024)); // the application's own files
  const store = storageStore(storage, "s", { maxBytes: 64 * 1024 });
  store.open();
  const packet = new Uint8Array(64);
  const window = [];
  const messages = 20000;
  const before = { erases: storage.erases, compactions: storage.compactions, made: storage.created.length, used: storage.used + 0 };
  let written = 0; // bytes of files made (each file's size and its 32-byte header)
  const made = storage.create.bind(storage);
  storage.create = (name, size) => {
    written += 32 + ((size + 3) & ~3);
    return made(name, size);
  };
  for (let i = 0; i < messages; i++) {
    const key = store.add(packet);
    store.sent(key, 1 + (i % 65535));
    window.push(key);
    if (window.length > 10) store.remove(window.shift());
  }
  const per1000 = (n) => ((n * 1000) / messages).toFixed(1);
  console.log(
    `flash (model of Storage, ESP32 area): per 1,000 messages of 64 B: ${per1000(storage.erases - before.erases)} page erases, ` +
      `${per1000(storage.compactions - before.compactions)} compactions, ${per1000(storage.created.length - before.made)} files made; ` +
      `${(written / messages).toFixed(0)} B of flash used up per message (record ${64 + 8} B, journal ${2 * 8} B, file headers)`
  );
}

function fileRate() {
  const { fileStore } = require("../dist/file-store.js");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "file-store-bench-"));
  try {
    const store = fileStore(dir, { maxBytes: 64 << 20 });
    store.open();
    const packet = new Uint8Array(64);
    const started = process.hrtime.bigint();
    let n = 0;
    while (process.hrtime.bigint() - started < 2000000000n) {
      store.add(packet);
      n++;
    }
    console.log(`fileStore add() of 64 B on Node: ${(n / 2).toFixed(0)} /s (two fsyncs each, on ${os.tmpdir()})`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

(async () => {
  console.log("\n== session stores (bench/store.js) ==");
  await onInterpreters();
  flashWear();
  fileRate();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
