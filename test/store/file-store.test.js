// The file store (Node): the behaviour every store has, over a temporary folder.
"use strict";
const { test, beforeEach, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { fileStore } = require("../../build/store/file-store.js");
const { storeBehaviour, code, bytes } = require("./behaviour.js");

const root = fs.mkdtempSync(path.join(os.tmpdir(), "file-store-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dir;
let n = 0;
beforeEach(() => (dir = path.join(root, String(n++))));

storeBehaviour("file store", {
  open: (maxBytes) => fileStore(dir, { maxBytes }),
  files: () => fs.readdirSync(dir),
  scribble: (name, data) => fs.writeFileSync(path.join(dir, name), data),
  fileSize: 65536,
  overhead: 0,
});

test("file store: a folder that is not a string is refused BAD_ARGUMENT", () => {
  for (const d of ["", 5, null, undefined]) assert.equal(code(() => fileStore(d, { maxBytes: 1 << 20 })), "BAD_ARGUMENT");
});

test("file store: require(\"mqtt_as/file-store\") gives fileStore, and the package holds both stores' bundles", () => {
  const { spawnSync } = require("node:child_process");
  assert.equal(typeof require("mqtt_as/file-store").fileStore, "function");
  const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: path.join(__dirname, "..", ".."), encoding: "utf8" });
  const files = JSON.parse(r.stdout)[0].files.map((f) => f.path);
  for (const file of ["dist/file-store.js", "dist/flash-store.js", "dist/types/store/file-store.d.ts", "dist/types/store/store.d.ts"]) assert.ok(files.includes(file), file);
});

test("file store: a file that only begins with the store's names (session.json) is not the store's: not read, not reported, not removed", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "file-store-names-"));
  try {
    fs.writeFileSync(path.join(dir, "session.json"), '{"server":"x"}');
    const store = fileStore(dir, { maxBytes: 1 << 20 });
    assert.deepEqual(store.open(), { held: [], lastId: 0 });
    store.add(bytes("m"));
    assert.equal(store.count(), 1);
    assert.equal(fs.readFileSync(path.join(dir, "session.json"), "utf8"), '{"server":"x"}');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
