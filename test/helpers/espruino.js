// The Espruino interpreter built for Linux that some tests run on: its path comes from the
// environment variable ESPRUINO (docs/architecture.md); where it is unset those tests are skipped, all
// with the one reason below. Also what the interpreter tests share: building the bundle they
// load, running a program on the interpreter, and reading what it printed.
"use strict";
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { spawn, spawnSync } = require("node:child_process");

// Absolute: the tests run it in temporary folders (its Storage lives in the working folder),
// where a relative path such as ../shared/espruino/espruino-esp32 would not resolve.
const ESPRUINO = process.env.ESPRUINO ? path.resolve(process.env.ESPRUINO) : "";
const NO_ESPRUINO = "ESPRUINO is not set (the path of an Espruino interpreter built for Linux)";

const RUN_TIMEOUT_MS = 30000;
const ROOT = path.join(__dirname, "..", "..");

/** The text of a built bundle (`file`, e.g. dist/mqtt_as.js), built first with rollup if it is missing. */
function bundleSource(file) {
  if (!fs.existsSync(file)) {
    const r = spawnSync("npx", ["rollup", "-c", "--silent"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, `${path.relative(ROOT, file)} is missing and \`npx rollup -c\` failed:\n` + r.stdout + r.stderr);
  }
  return fs.readFileSync(file, "utf8");
}

/** Runs `code` as the file `name` in `dir` (its Storage, espruino.flash, lives there), killed
 *  after `timeoutMs` (default 30 s); resolves with { output, code, timedOut }. */
function runEspruino(dir, code, name, timeoutMs) {
  const file = path.join(dir, name || "program.js");
  fs.writeFileSync(file, code);
  return new Promise((resolve) => {
    const child = spawn(ESPRUINO, [file], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d.toString("latin1")));
    child.stderr.on("data", (d) => (output += d.toString("latin1")));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs || RUN_TIMEOUT_MS);
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      resolve({ output, code: exitCode, timedOut });
    });
  });
}

/** The object a program printed as the line `prefix {...}` (the first such line), or null. */
function printedObject(output, prefix) {
  const match = new RegExp(prefix + " (\\{.*\\})\\s*$", "m").exec(output);
  return match ? JSON.parse(match[1]) : null;
}

/** What every run must show: no Uncaught error, no failed assertion, an exit of its own; returns the output's tail for messages. */
function checkRun(run) {
  const tail = "\n--- interpreter output (last 3000 chars) ---\n" + run.output.slice(-3000);
  assert.ok(!/Uncaught/.test(run.output), "Uncaught error on the interpreter" + tail);
  assert.ok(!/ASSERT\(/.test(run.output), "the interpreter failed an internal assertion" + tail);
  assert.ok(!run.timedOut, "the interpreter did not exit by itself (timers or sockets left, or a hang)" + tail);
  return tail;
}

module.exports = { ESPRUINO, NO_ESPRUINO, bundleSource, runEspruino, printedObject, checkRun };
