"use strict";
// Quiet by default: `npm test` prints failures, skips and the closing totals, not a line per
// test; `npm start` and `npm run upload` build only when src/ or board/ changed since the
// last build (scripts/build-if-stale.js), so `npm install && npm start` builds once.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { stale, SOURCES, OUTPUTS } = require("../scripts/build-if-stale.js");

const ROOT = path.join(__dirname, "..");
const pkg = require("../package.json");

test("npm test prints the totals that CI reads and nothing for a test that passes", () => {
  // The test script's own node arguments, on two files of 19 tests or more.
  const args = pkg.scripts.test.replace(/^.*?&& node /, "").replace(/\$\(find .*\)$/, "").trim().split(/\s+/);
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // a runner of its own, not a child of this one
  const r = spawnSync(process.execPath, [...args, "test/board/upload.test.js", "test/bad-input/protocol-version.test.js"], { cwd: ROOT, encoding: "utf8", env });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.deepEqual(lines.map((l) => l.split(" ")[1]), ["tests", "suites", "pass", "fail", "cancelled", "skipped", "todo", "duration_ms"], r.stdout);
  const count = (word) => Number((lines.find((l) => l.startsWith("# " + word + " ")) || "").split(" ")[2]);
  assert.ok(count("tests") >= 19 && count("pass") === count("tests") && count("fail") === 0, r.stdout);
});

/** A checkout's shape in a temporary folder: every source and output, with mtimes set. */
function tree(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stale-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (file, seconds) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), "x");
    fs.utimesSync(path.join(dir, file), seconds, seconds);
  };
  for (const file of SOURCES) write(file.includes(".") ? file : file + "/a.ts", 1000);
  for (const file of OUTPUTS) write(file, 2000);
  return { dir, write };
}

test("the build is stale when an output is missing or a file under src/ or board/ is newer than it", (t) => {
  const { dir, write } = tree(t);
  assert.equal(stale(dir), false, "built after every source");
  write("src/client/new.ts", 3000);
  assert.equal(stale(dir), true, "a changed file under src/");
  write("src/client/new.ts", 1000);
  write("board/app.ts", 3000);
  assert.equal(stale(dir), true, "a changed file under board/");
  write("board/app.ts", 1000);
  assert.equal(stale(dir), false);
  fs.rmSync(path.join(dir, "dist/mqtt_as5.js"));
  assert.equal(stale(dir), true, "an output missing");
});

test("npm start and npm run upload build only when stale: on a fresh build the script leaves dist/ as it is", () => {
  assert.doesNotMatch(pkg.scripts.start, /npm run build/);
  assert.match(pkg.scripts.start, /^node scripts\/build-if-stale\.js && node demo\.js$/);
  assert.match(fs.readFileSync(path.join(ROOT, "scripts", "upload.js"), "utf8"), /build-if-stale\.js/);
  const before = OUTPUTS.map((file) => fs.statSync(path.join(ROOT, file)).mtimeMs);
  const r = spawnSync(process.execPath, ["scripts/build-if-stale.js"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, "", "nothing built, nothing said");
  assert.deepEqual(OUTPUTS.map((file) => fs.statSync(path.join(ROOT, file)).mtimeMs), before);
});
