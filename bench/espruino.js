// What the benchmarks that run Espruino interpreters built for Linux share: where the
// interpreters and the peers' modules are, the peers minified like our bundle, and one way
// to run a program on an interpreter without falling into the traps listed in
// ../shared/notes/board-costs.md (a quiet stdin, output read as latin1, a bounded run).
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn } = require("node:child_process");

const ROOT = path.join(__dirname, "..");
const INTERPRETERS = ["espruino-esp32", "espruino-esp32c3"];

/** The interpreters' folder: ESPRUINO_DIR, else ../shared/espruino beside the repository; null if neither exists. */
function espruinoDir() {
  const dir = process.env.ESPRUINO_DIR || path.join(ROOT, "..", "shared", "espruino");
  return fs.existsSync(dir) ? dir : null;
}

/** The peers' modules folder: ESPRUINO_MODULES, else <interpreters' folder>/modules; null if neither exists. */
function modulesDir() {
  if (process.env.ESPRUINO_MODULES) return process.env.ESPRUINO_MODULES;
  const dir = espruinoDir();
  return dir && fs.existsSync(path.join(dir, "modules")) ? path.join(dir, "modules") : null;
}

/** [{ name, binary }] of the interpreters found in the folder, esp32 first. */
function interpreters(dir = espruinoDir()) {
  if (!dir) return [];
  return INTERPRETERS.map((name) => ({ name, binary: path.join(dir, name) })).filter((i) => fs.existsSync(i.binary));
}

/** One of the peers (MQTT, tinyMQTT) from the modules folder, minified as bench/footprint.js always has; null if absent. */
async function peerSource(name, dir = modulesDir()) {
  const file = dir && path.join(dir, `${name}.js`);
  if (!file || !fs.existsSync(file)) return null;
  const { minify } = require("terser"); // loaded late: only runs that have peers need it
  const min = await minify(fs.readFileSync(file, "utf8"), { ecma: 5, compress: true, mangle: true });
  return min.code;
}

/** Our bundle: dist/mqtt_as.js, or another build named by MQTT_AS_BUNDLE (as the interpreter tests take it). */
function oursSource() {
  const file = process.env.MQTT_AS_BUNDLE || path.join(ROOT, "dist", "mqtt_as.js");
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  return fs.readFileSync(file, "utf8");
}

/**
 * Runs `code` on `binary` in a fresh temporary folder (Storage lives in espruino.flash in the
 * working folder, so `setup` programs run first in the same folder can write to it).
 * `endWhen`, a RegExp, ends a program that does not quit() once its output matches.
 * Resolves with { output, code, timedOut, ms, oom, assert, uncaught, unhandled } and never rejects.
 * Stdin is a pipe kept open and silent until the child exits: at end-of-file the Linux
 * interpreter reads endless console input and overflows its FIFO by itself.
 */
async function runEspruino(binary, code, { timeoutMs = 20000, setup = [], endWhen = null } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "espruino-bench-"));
  try {
    for (const step of setup) await runIn(dir, binary, step, timeoutMs, null);
    return await runIn(dir, binary, code, timeoutMs, endWhen);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function runIn(dir, binary, code, timeoutMs, endWhen) {
  const file = path.join(dir, "program.js");
  fs.writeFileSync(file, code);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(binary, [file], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    let ending = null;
    const read = (d) => {
      output += d.toString("latin1");
      // After a failed ASSERT this build stops in its handler and never exits; a program that
      // does not quit() waits on its open stdin: keep what it prints for a moment, then end it.
      if (!ending && (output.includes("ASSERT(") || (endWhen && endWhen.test(output)))) {
        ending = setTimeout(() => child.kill("SIGKILL"), 300);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.stdin.on("error", () => {}); // the child may be gone before we let go of its stdin
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    const finish = (code) => {
      clearTimeout(timer);
      clearTimeout(ending);
      child.stdin.destroy();
      resolve({
        output,
        code,
        timedOut,
        ms: Date.now() - started,
        oom: /OUT OF MEMORY/.test(output),
        assert: /ASSERT\(/.test(output),
        uncaught: /Uncaught/.test(output),
        unhandled: /Unhandled promise rejection/.test(output),
      });
    };
    child.on("error", (error) => {
      output += `\n(spawn failed: ${error.message})`;
      finish(null);
    });
    child.on("close", finish);
  });
}

/** The JSON after the last `PREFIX ` that ends a line (the console may put a prompt before it), or null. */
function resultLine(output, prefix = "RESULT") {
  const matches = [...output.matchAll(new RegExp(`${prefix} (\\{.*\\})\\s*$`, "gm"))];
  if (!matches.length) return null;
  try {
    return JSON.parse(matches[matches.length - 1][1]);
  } catch {
    return null;
  }
}

/** What went wrong on the interpreter, in a few words ("" when nothing did). */
function trouble(run) {
  const words = [];
  if (run.oom) words.push("OUT OF MEMORY");
  if (run.assert) words.push((/ASSERT\([^\n]*/.exec(run.output) || [""])[0].slice(0, 80));
  if (run.uncaught) words.push("Uncaught " + ((/Uncaught ([^\n]*)/.exec(run.output) || ["", ""])[1].slice(0, 60)));
  if (run.unhandled) words.push("Unhandled promise rejection");
  if (run.timedOut) words.push("killed after timeout");
  return words.join(", ");
}

module.exports = { ROOT, espruinoDir, modulesDir, interpreters, peerSource, oursSource, runEspruino, resultLine, trouble };
