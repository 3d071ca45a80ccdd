"use strict";
// What an installation gets: `npm pack` (and an install from a git URL, which runs `prepare`
// and then packs) holds both bundles and their declarations, and runs as `require("mqtt_as")`.
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.join(__dirname, "..");
const pkg = require("../package.json");

test("the package holds the bundles, their source maps and the declarations of both entry points", () => {
  const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const files = JSON.parse(r.stdout)[0].files.map((f) => f.path);
  for (const file of ["dist/mqtt_as.js", "dist/mqtt_as.js.map", "dist/mqtt_as5.js", "dist/mqtt_as5.js.map", "dist/keep-connected.js", "dist/keep-connected.js.map", "dist/types/index.d.ts", "dist/types/keep-connected.d.ts", "dist/types/client/client.d.ts"]) {
    assert.ok(files.includes(file), `${file} is not in the package: ${files.join(", ")}`);
  }
  assert.ok(!files.some((f) => f.startsWith("src/") || f.startsWith("test/") || f.startsWith("dist/board")), files.join(", "));
});

test("installing from a git URL builds: prepare runs the build, which makes the bundles and the declarations", () => {
  assert.equal(pkg.scripts.prepare, "npm run build");
  assert.match(pkg.scripts.build, /\brollup -c\b/);
  assert.match(pkg.scripts.build, /\btsc -p tsconfig\.types\.json\b/);
});

// MQTT 5 costs 3.1.1 users nothing (issue 12): its branches test a constant that the build
// folds, so dist/mqtt_as.js holds none of them, and dist/mqtt_as5.js holds all.
test("dist/mqtt_as.js holds no MQTT 5 code; dist/mqtt_as5.js does", () => {
  const fs = require("node:fs");
  const read = (name) => fs.readFileSync(path.join(ROOT, "dist", name), "utf8");
  // From the client's MQTT 5 paths (src/client/v5.ts, client.ts) and the MQTT 5 codec.
  const marks = ["AUTH is not supported", "topic alias not set", "receiveMaximum", "userProperties", "disconnected by the broker"];
  const v3 = read("mqtt_as.js");
  const v5 = read("mqtt_as5.js");
  for (const mark of marks) {
    assert.ok(!v3.includes(mark), `dist/mqtt_as.js holds "${mark}"`);
    assert.ok(v5.includes(mark), `dist/mqtt_as5.js lacks "${mark}"`);
  }
  assert.equal(require("../dist/mqtt_as.js").MQTTClient.prototype.publish.length, 4, "publish() takes no properties in the 3.1.1 bundle");
});
