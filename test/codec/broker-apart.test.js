"use strict";
// The broker's side of the codec (src/codec/broker/: decoders of what only a broker receives,
// encoders of any packet) serves the tests and the test brokers. No bundle may reach it: its
// code would cost the board memory for nothing. The imports of every bundle's entry
// (rollup.config.mjs) are walked with TypeScript's own reader of import lines.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");

const ROOT = path.join(__dirname, "../..");
const BROKER = path.join(ROOT, "src/codec/broker") + path.sep;

/** The files the entry reaches through relative imports and re-exports, types included. */
function reachable(entry, seen = new Set()) {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  for (const { fileName } of ts.preProcessFile(fs.readFileSync(entry, "utf8"), true, true).importedFiles) {
    if (!fileName.startsWith(".")) continue; // "Storage", "net", ...: not ours
    const base = path.resolve(path.dirname(entry), fileName);
    const file = [base + ".ts", path.join(base, "index.ts")].find((f) => fs.existsSync(f));
    assert.ok(file, `${path.relative(ROOT, entry)} imports ${fileName}, which is not found`);
    reachable(file, seen);
  }
  return seen;
}

const entries = [...fs.readFileSync(path.join(ROOT, "rollup.config.mjs"), "utf8").matchAll(/(?:input: |library\()"([^"]+)"/g)].map((m) => path.join(ROOT, m[1]));

test("no bundle reaches src/codec/broker/", () => {
  assert.ok(entries.length >= 4, entries.join(", ")); // the two libraries, keep-connected, the board's app
  const files = new Set();
  for (const entry of entries) for (const file of reachable(entry)) files.add(file);
  // The walk is not vacuous: it reaches the client's codec, MQTT 5's included.
  for (const name of ["parser.ts", "decode-client.ts", "encode-client.ts", "v5/decode.ts", "v5/encode.ts"]) {
    assert.ok(files.has(path.join(ROOT, "src/codec", name)), `the walk missed src/codec/${name}`);
  }
  const broker = fs.readdirSync(BROKER);
  assert.ok(broker.includes("encode.ts") && broker.includes("decode5.ts"), broker.join(", "));
  const reached = [...files].filter((f) => f.startsWith(BROKER)).map((f) => path.relative(ROOT, f));
  assert.deepEqual(reached, [], "a bundle reaches the broker's codec");
});
