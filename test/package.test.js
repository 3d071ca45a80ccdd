"use strict";
// What an installation gets: `npm pack` (and an install from a git URL, which runs `prepare`
// and then packs) holds both bundles and their declarations, and runs as `require("mqtt_as")`.
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.join(__dirname, "..");
const pkg = require("../package.json");

test("the package holds the bundles and the declarations of both entry points", () => {
  const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const files = JSON.parse(r.stdout)[0].files.map((f) => f.path);
  for (const file of ["dist/mqtt_as.js", "dist/keep-connected.js", "dist/types/index.d.ts", "dist/types/keep-connected.d.ts", "dist/types/client/client.d.ts"]) {
    assert.ok(files.includes(file), `${file} is not in the package: ${files.join(", ")}`);
  }
  assert.ok(!files.some((f) => f.startsWith("src/") || f.startsWith("test/") || f === "dist/board.js"), files.join(", "));
});

test("installing from a git URL builds: prepare runs the build, which makes the bundles and the declarations", () => {
  assert.equal(pkg.scripts.prepare, "npm run build");
  assert.match(pkg.scripts.build, /\brollup -c\b/);
  assert.match(pkg.scripts.build, /\btsc -p tsconfig\.types\.json\b/);
});
