// Shared by test/board: the board's TypeScript compiled once for Node (CommonJS, ES5 like the
// bundle) into a temporary folder, and small fakes of Espruino's Wifi, Storage and timers.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const assert = require("node:assert/strict");
const { spawn, spawnSync } = require("node:child_process");

const ROOT = path.join(__dirname, "..", "..");
let compiled = null;

/** require() of a compiled board module, e.g. board("settings"). */
function board(name) {
  if (!compiled) {
    compiled = fs.mkdtempSync(path.join(os.tmpdir(), "board-test-"));
    const tsc = path.join(ROOT, "node_modules", ".bin", "tsc");
    const r = spawnSync(tsc, ["-p", path.join(ROOT, "board", "tsconfig.json"), "--outDir", compiled], { encoding: "utf8" });
    if (r.status !== 0) throw new Error("tsc -p board/tsconfig.json failed:\n" + r.stdout + r.stderr);
    process.on("exit", () => fs.rmSync(compiled, { recursive: true, force: true }));
  }
  return require(path.join(compiled, "board", name + ".js"));
}

/** Storage holding the given files (name -> text). */
function fakeStorage(files) {
  const read = (name) => (Object.prototype.hasOwnProperty.call(files, name) ? files[name] : undefined);
  return {
    read,
    // Espruino's readJSON(name, noExceptions): undefined for a missing file or bad JSON.
    readJSON(name, noExceptions) {
      const text = read(name);
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text);
      } catch (e) {
        if (noExceptions) return undefined;
        throw e;
      }
    },
  };
}

/** Timers on a manual clock: advance(ms) runs what falls due, in order. */
function fakeTimers() {
  let now = 0;
  let nextId = 1;
  const pending = new Map();
  const timers = {
    setTimeout(fn, ms) {
      const id = nextId++;
      pending.set(id, { at: now + ms, fn, every: 0 });
      return id;
    },
    clearTimeout(id) {
      pending.delete(id);
    },
    setInterval(fn, ms) {
      const id = nextId++;
      pending.set(id, { at: now + ms, fn, every: ms });
      return id;
    },
    clearInterval(id) {
      pending.delete(id);
    },
    now: () => now,
    count: () => pending.size,
    /** Delays of the timeouts (not intervals) that are waiting, from now. */
    waiting: () => [...pending.values()].filter((t) => !t.every).map((t) => t.at - now),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        let due = null;
        for (const [id, t] of pending) if (t.at <= end && (!due || t.at < due[1].at)) due = [id, t];
        if (!due) break;
        const [id, t] = due;
        now = t.at;
        if (t.every) t.at += t.every;
        else pending.delete(id);
        t.fn();
      }
      now = end;
    },
  };
  return timers;
}

/** Espruino's Wifi: connect() records the attempt; the test answers it with finish(err). */
function fakeWifi() {
  const listeners = { connected: [], disconnected: [] };
  const wifi = {
    attempts: [],
    connect(ssid, options, cb) {
      wifi.attempts.push({ ssid, password: options.password, cb });
    },
    on(event, cb) {
      (listeners[event] = listeners[event] || []).push(cb);
    },
    removeListener(event, cb) {
      listeners[event] = (listeners[event] || []).filter((f) => f !== cb);
    },
    listenerCount: (event) => (listeners[event] || []).length,
    emit(event, details) {
      for (const cb of (listeners[event] || []).slice()) cb(details);
    },
    /** Answers the latest attempt: null = connected (with the event, as Espruino does). */
    finish(err) {
      const attempt = wifi.attempts[wifi.attempts.length - 1];
      if (err) {
        wifi.emit("disconnected", { reason: err });
        attempt.cb(err);
      } else {
        wifi.emit("connected", { ip: "192.168.1.50" });
        attempt.cb(null);
      }
    },
  };
  return wifi;
}

const SETTINGS = {
  ssid: "net",
  password: "secret",
  server: "127.0.0.1",
  port: 1883,
  clientId: "esp32-test",
  commandTopic: "esp32-test/led",
  statusTopic: "esp32-test/status",
  heartbeat: 30,
};

/**
 * Writes the program for `dir`: the application goes to Storage first (a run of its own), as
 * `npm run upload -- --save` puts it in flash, and runs from there after `prelude`. Its 18 KB
 * as a program's text would not fit the ESP32-C3's heap beside the functions it makes.
 * `modules` (name -> source) go to Storage beside it, where require() finds them.
 */
function boardProgram(dir, prelude, modules = {}, binary = require("../helpers/espruino.js").ESPRUINO) {
  const files = { "app.js": fs.readFileSync(path.join(ROOT, "dist", "board.js"), "utf8"), ...modules };
  const store = path.join(dir, "store.js");
  // In pieces of 8 KB, a run each, as the upload tools do: the whole file as a literal in
  // one program would not fit the ESP32-C3's heap.
  for (const name of Object.keys(files)) {
    const text = files[name];
    for (let at = 0; at < text.length; at += 8192) {
      const piece = JSON.stringify(text.slice(at, at + 8192));
      fs.writeFileSync(store, `require("Storage").write(${JSON.stringify(name)}, ${piece}, ${at}, ${text.length});\nquit();\n`);
      const stored = spawnSync(binary, [store], { cwd: dir, input: "", timeout: 20000, encoding: "latin1" });
      assert.equal(stored.status, 0, `writing ${name} to Storage:\n` + stored.stdout);
    }
  }
  const file = path.join(dir, "run.js");
  fs.writeFileSync(file, prelude + `eval(require("Storage").read("app.js"));\n`);
  return file;
}

/**
 * The prelude of a wake in the low-power mode: its settings, a stand-in Wifi module (up or
 * not), and a stand-in ESP32 whose deepSleep prints what it was asked, the seconds since the
 * program began and the JsVars in use, then ends the program.
 */
function sleepPrelude(settings, wifiUp) {
  return (
    `var T0 = getTime();\n` +
    `require("Storage").write("mqtt_as.json", ${JSON.stringify(JSON.stringify(settings))});\n` +
    `var W = { connect: function (s, o, cb) { setTimeout(function () { cb(${wifiUp ? "null" : '"no AP"'}); }, 20); },\n` +
    `  on: function () {}, removeListener: function () {}, disconnect: function () { print("WIFI OFF"); } };\n` +
    `Modules.addCached("Wifi", function () { for (var k in W) exports[k] = W[k]; });\n` +
    // Nothing runs after a deep sleep: every timer stops, then the program ends.
    `var ESP32 = { deepSleep: function (us) { print("DEEPSLEEP " + us + " " + (getTime() - T0) + " " + process.memory().usage); clearInterval(); quit(); } };\n`
  );
}

/**
 * Starts one wake of the application that boardProgram() stored in `dir`, after `prelude`
 * (sleepPrelude()). `out()` is what it printed so far; `done` resolves with that and the
 * stand-in deepSleep's report: `us` asked, `elapsed` seconds, JsVars `used` (null if it never
 * slept). Killed after `killAfterMs`.
 */
function startWake(dir, prelude, killAfterMs = 30000, binary = require("../helpers/espruino.js").ESPRUINO) {
  fs.writeFileSync(path.join(dir, "run.js"), prelude + `eval(require("Storage").read("app.js"));\n`);
  // A quiet standard input: at end of file the Linux build reads endless console input.
  const child = spawn(binary, ["run.js"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d.toString("latin1")));
  child.stderr.on("data", (d) => (out += d.toString("latin1")));
  const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  const done = new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const slept = /DEEPSLEEP (\d+) ([\d.]+) (\d+)/.exec(out);
      resolve({ out, code, signal, us: slept ? Number(slept[1]) : null, elapsed: slept ? Number(slept[2]) : null, used: slept ? Number(slept[3]) : null });
    });
  });
  return { done, out: () => out };
}

module.exports = { ROOT, board, boardProgram, fakeStorage, fakeTimers, fakeWifi, SETTINGS, sleepPrelude, startWake };
