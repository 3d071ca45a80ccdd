"use strict";
// dist/board.js: ES5, none of the Espruino hazards, and it starts from Espruino's globals
// (require("Storage"), require("Wifi"), LED1/D2, digitalWrite, getTime) in a bare vm context.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const acorn = require("acorn");
const { spawnSync } = require("node:child_process");
const { findHazards } = require("../espruino/hazards.js");
const { ROOT, fakeStorage, fakeWifi, SETTINGS } = require("./helpers.js");

const BUNDLE = path.join(ROOT, "dist", "board.js");

function loadBundle() {
  if (!fs.existsSync(BUNDLE)) {
    const r = spawnSync("npx", ["rollup", "-c", "--silent"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, "`npx rollup -c` failed:\n" + r.stdout + r.stderr);
  }
  return fs.readFileSync(BUNDLE, "utf8");
}

/** Runs the bundle as Espruino would run dist/board.js; returns what it touched. */
function boot(files, globals = {}) {
  const source = loadBundle();
  const wifi = fakeWifi();
  const pins = [];
  const logs = [];
  const timers = [];
  const storage = fakeStorage(files);
  const context = {
    console: { log: (...a) => logs.push(a.join(" ")) },
    require: (name) => {
      if (name === "Storage") return storage;
      if (name === "Wifi") return wifi;
      if (name === "net") return { connect: () => { throw new Error("no network in this test"); } };
      throw new Error(`module ${name} not found`);
    },
    D2: "D2",
    digitalWrite: (pin, value) => pins.push([pin, value]),
    getTime: () => 1000,
    setTimeout: (fn, ms) => (timers.push(ms), 1),
    clearTimeout: () => {},
    setInterval: (fn, ms) => (timers.push(ms), 2),
    clearInterval: () => {},
    Promise,
    exports: {},
    ...globals,
  };
  context.global = context;
  context.module = { exports: context.exports };
  vm.createContext(context);
  vm.runInContext(source, context, { filename: "board.js" });
  return { wifi, pins, logs, timers, context };
}

test("dist/board.js parses as ES5 and has none of the Espruino hazards", () => {
  const source = loadBundle();
  assert.doesNotThrow(() => acorn.parse(source, { ecmaVersion: 5, sourceType: "script" }));
  assert.deepEqual(findHazards(source), []);
});

test("dist/board.js holds the library and the application", () => {
  const source = loadBundle();
  assert.match(source, /BAD_ARGUMENT/);
  assert.match(source, /missing field/);
  assert.match(source, /"Wifi"/);
});

test("without a settings file it says which file is missing and touches nothing", () => {
  const { logs, wifi, timers } = boot({});
  assert.equal(logs.length, 1);
  assert.match(logs[0], /^mqtt_as board: .*"mqtt_as\.json" is missing/);
  assert.equal(wifi.attempts.length, 0);
  assert.deepEqual(timers, []);
});

test("a settings file without a field: the field is named on the console", () => {
  const { server, ...rest } = SETTINGS;
  const { logs, wifi } = boot({ "mqtt_as.json": JSON.stringify(rest) });
  assert.match(logs.join("\n"), /missing field "server"/);
  assert.equal(wifi.attempts.length, 0);
});

test("with settings it drives D2 (no LED1), joins WiFi and schedules the heartbeat", () => {
  const { logs, wifi, pins, timers, context } = boot({ "mqtt_as.json": JSON.stringify(SETTINGS) });
  assert.deepEqual(logs, []);
  assert.deepEqual(pins, [["D2", false]]);
  assert.equal(wifi.attempts.length, 1);
  assert.equal(wifi.attempts[0].ssid, "net");
  assert.equal(wifi.attempts[0].password, "secret");
  assert.deepEqual(timers, [30000]);
  assert.equal(typeof context.app.stop, "function", "the app is left in the global `app` for the console");
});

test("LED1 is used where the board defines it", () => {
  const { pins } = boot({ "mqtt_as.json": JSON.stringify(SETTINGS) }, { LED1: "LED1" });
  assert.deepEqual(pins, [["LED1", false]]);
});

test('without a Wifi module (require throws, as on Linux, or gives undefined) it says so and starts nothing', () => {
  const storage = fakeStorage({ "mqtt_as.json": JSON.stringify(SETTINGS) });
  for (const wifi of [() => { throw new Error('Module "Wifi" not found'); }, () => undefined]) {
    const { logs, timers, pins, context } = boot({}, {
      require: (name) => (name === "Storage" ? storage : name === "Wifi" ? wifi() : undefined),
    });
    assert.equal(logs.length, 1, logs.join("\n"));
    assert.match(logs[0], /^mqtt_as board: no "Wifi" module/);
    assert.deepEqual(timers, [], "no heartbeat, no retries");
    assert.deepEqual(pins, []);
    assert.equal(context.app, undefined);
  }
});
