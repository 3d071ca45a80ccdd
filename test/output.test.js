"use strict";
// What `npm test` prints besides results: no warning a user would take for a problem, and
// one reason for every test skipped for want of an Espruino interpreter.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { NO_ESPRUINO } = require("./helpers/espruino.js");

const ROOT = path.join(__dirname, "..");

/** The `--require` preloads of package.json's test script, as node arguments. */
function preloads() {
  const script = require("../package.json").scripts.test;
  const args = [];
  for (const m of script.matchAll(/--require\s+(\S+)/g)) args.push("--require", path.resolve(ROOT, m[1]));
  return args;
}

/** Runs `node <preloads> --test files` as npm test does, outside this test's own runner. */
function runTests(files, env = {}) {
  const childEnv = { ...process.env, ...env };
  delete childEnv.NODE_TEST_CONTEXT; // a runner of its own, not a child of this one
  for (const key in env) if (env[key] === undefined) delete childEnv[key];
  return spawnSync(process.execPath, [...preloads(), "--test", ...files], { cwd: ROOT, encoding: "utf8", env: childEnv });
}

test("the mock timers' ExperimentalWarning is not printed; other warnings still are", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quiet-"));
  try {
    const file = path.join(dir, "timers.test.js");
    fs.writeFileSync(
      file,
      `const { test, mock } = require("node:test");
       test("uses mock timers", () => {
         mock.timers.enable({ apis: ["setTimeout"] });
         mock.timers.reset();
         process.emitWarning("another warning", "ExperimentalWarning");
       });`
    );
    const r = runTests([file]);
    const out = r.stdout + r.stderr;
    assert.equal(r.status, 0, out);
    assert.doesNotMatch(out, /MockTimers/, out);
    assert.match(out, /ExperimentalWarning: another warning/, "the preload hides only the one warning");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("every test skipped for want of an interpreter gives the same reason", () => {
  // The test files that read ESPRUINO, run without it.
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith(".test.js") && p !== __filename && /\bESPRUINO\b/.test(fs.readFileSync(p, "utf8"))) files.push(p);
    }
  };
  walk(__dirname);
  assert.ok(files.length >= 2, "files: " + files.join(", "));
  const r = runTests(files, { ESPRUINO: undefined });
  const out = r.stdout + r.stderr;
  assert.equal(r.status, 0, out);
  const reasons = [...out.matchAll(/# SKIP (.*)$/gm)].map((m) => m[1].trim());
  assert.ok(reasons.length >= 5, out);
  assert.deepEqual([...new Set(reasons)], [NO_ESPRUINO]);
});
