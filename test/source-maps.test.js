"use strict";
// Stack traces a reader can follow: each bundle has its source map beside it, and on Node (run
// with --enable-source-maps) an error from a library bundle names the src/ file and line that
// threw it, not a column of the bundle's one line. The board's application names no map: its
// last line would cost flash (scripts/upload.js leaves the libraries' out as well).
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.join(__dirname, "..");

/** The 1-based line of `src/<file>` that holds `text`. */
function lineOf(file, text) {
  const lines = fs.readFileSync(path.join(ROOT, "src", file), "utf8").split("\n");
  const i = lines.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${text} is not in src/${file}`);
  return i + 1;
}

/** The stack of the error that publish() on a bad topic rejects with, from `bundle` in a new node. */
function stackFrom(bundle, flags) {
  const program = `const { MQTTClient } = require(${JSON.stringify(path.join(ROOT, "dist", bundle))});
    new MQTTClient({ server: "127.0.0.1" }).publish("a/#", "x").catch((e) => console.log(e.code + "\\n" + e.stack));`;
  const r = spawnSync(process.execPath, flags.concat(["-e", program]), { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^BAD_ARGUMENT\n/);
  return r.stdout.split("\n").filter((l) => /^\s+at /.test(l));
}

for (const bundle of ["node/mqtt_as.js", "node/mqtt_as5.js"]) {
  test(`dist/${bundle}: with --enable-source-maps, an error's stack names the src/ files and lines`, () => {
    const frames = stackFrom(bundle, ["--enable-source-maps"]);
    const at = (file, text) => `${path.join(ROOT, "src", file)}:${lineOf(file, text)}:`;
    assert.ok(frames[0].includes(at("codec/errors.ts", "new Error(")), frames.join("\n"));
    assert.ok(frames.some((f) => f.includes(at("codec/encode-client.ts", 'throw badTopic("topic", topic)'))), frames.join("\n"));
    // Without the flag, the bundle itself: so it is the map that names src/.
    assert.ok(stackFrom(bundle, [])[0].includes(path.join(ROOT, "dist", bundle)));
  });
}

test("every bundle has its map beside it; those for Espruino do not name it", () => {
  for (const bundle of ["mqtt_as.js", "mqtt_as5.js", "node/mqtt_as.js", "node/mqtt_as5.js", "keep-connected.js", "node/keep-connected.js", "flash-store.js", "file-store.js", "board.js"]) {
    const map = JSON.parse(fs.readFileSync(path.join(ROOT, "dist", bundle + ".map"), "utf8"));
    assert.equal(map.file, path.basename(bundle));
    const dir = path.dirname(path.join(ROOT, "dist", bundle));
    for (const source of map.sources) assert.ok(fs.existsSync(path.join(dir, source)), `${bundle}.map: ${source}`);
  }
  for (const bundle of ["mqtt_as.js", "mqtt_as5.js", "keep-connected.js", "flash-store.js", "board.js"]) {
    assert.ok(!fs.readFileSync(path.join(ROOT, "dist", bundle), "utf8").includes("sourceMappingURL"), bundle);
  }
});
