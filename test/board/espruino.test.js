"use strict";
// dist/board.js on a real Espruino interpreter built for Linux (skipped unless ESPRUINO is
// set): settings in its Storage, a stand-in Wifi module (Linux has none; the LED is
// the real digitalWrite on D2, its state read back from the global `app`), the real
// sockets to Aedes. A command from another client switches the LED; the heartbeat reports it.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { startAedes } = require("../helpers/brokers.js");
const { SETTINGS, boardProgram } = require("./helpers.js");
const { ESPRUINO, NO_ESPRUINO } = require("../helpers/espruino.js");

test("dist/board.js on Espruino: WiFi, MQTT, LED command, heartbeat", { skip: !ESPRUINO && NO_ESPRUINO }, async (t) => {
  const broker = await startAedes();
  t.after(() => broker.close());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "board-espruino-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const settings = { ...SETTINGS, port: broker.port, heartbeat: 1 };
  const prelude =
    `require("Storage").write("mqtt_as.json", ${JSON.stringify(JSON.stringify(settings))});\n` +
    `var W = { connect: function (s, o, cb) { print("WIFI " + s + " " + o.password); setTimeout(function () { cb(null); }, 10); },\n` +
    `  on: function () {}, removeListener: function () {} };\n` +
    `Modules.addCached("Wifi", function () { for (var k in W) exports[k] = W[k]; });\n` +
    `setInterval(function () { if (global.app) print("LED " + app.led()); }, 100);\n`;
  const file = boardProgram(dir, prelude);
  const child = spawn(ESPRUINO, [file], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  // The console without the interpreter's memory dumps (lines of "#123[r1,l2] ...").
  const console_ = () => out.split("\n").filter((l) => l.trim() && !/^\s*(#\d|[\]}]\s*$)/.test(l)).join("\n").slice(0, 2000);
  t.after(() => child.kill());

  const mqtt = require("mqtt");
  const other = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`);
  t.after(() => other.endAsync());
  const statuses = [];
  other.on("message", (topic, payload) => statuses.push(JSON.parse(payload.toString())));
  await other.subscribeAsync(settings.statusTopic);
  await new Promise((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error("the board never subscribed:\n" + console_())), 10000);
    broker.aedes.on("subscribe", (subs, c) => {
      if (c && c.id === settings.clientId && subs.some((s) => s.topic === settings.commandTopic)) {
        clearTimeout(timeout);
        resolve();
      }
    });
  });
  await other.publishAsync(settings.commandTopic, "on", { qos: 1 });
  const deadline = Date.now() + 10000;
  // The status comes over MQTT; the board's own console prints the LED every 100 ms.
  while (!(statuses.some((s) => s.led === true) && /LED true/.test(out)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  assert.match(out, /WIFI net secret/, console_());
  assert.match(out, /LED true/, console_());
  const report = statuses.find((s) => s.led === true);
  assert.ok(report, "no status with the LED on:\n" + console_());
  assert.equal(report.brokerUp, true);
  assert.equal(typeof report.uptime, "number");
  assert.doesNotMatch(out, /Uncaught|Unhandled|ASSERT/, console_());
});

test("dist/board.js on Espruino without a Wifi module (the Linux build has none): says so, starts nothing, no Uncaught", { skip: !ESPRUINO && NO_ESPRUINO }, async (t) => {
  // The quit() is armed first: an uncaught error ends the file's run where it happens.
  const prelude =
    `require("Storage").write("mqtt_as.json", ${JSON.stringify(JSON.stringify(SETTINGS))});\n` +
    `setTimeout(function () { print("APP " + typeof global.app); quit(); }, 300);\n`;
  const { code, out, shown } = await runBoard(t, prelude, 10000);
  assert.notEqual(code, "timeout", shown);
  assert.match(out, /mqtt_as board: no "Wifi" module/, shown);
  assert.match(out, /APP undefined/, shown);
  assert.doesNotMatch(out, /Uncaught|ASSERT/, shown);
});

/** Runs the application from Storage after `prelude` until it quits (or `ms`): { code, out, shown }. */
async function runBoard(t, prelude, ms = 20000) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "board-espruino-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = boardProgram(dir, prelude);
  const child = spawn(ESPRUINO, [file], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
  t.after(() => child.kill());
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const code = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve("timeout"), ms);
    child.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  const shown = out.split("\n").filter((l) => l.trim() && !/^\s*(#\d|[\]}]\s*$)/.test(l)).join("\n").slice(0, 2000);
  return { code, out, shown };
}

const STAND_IN_WIFI =
  `var W = { connect: function (s, o, cb) { setTimeout(function () { cb(null); }, 10); }, on: function () {}, removeListener: function () {} };\n` +
  `Modules.addCached("Wifi", function () { for (var k in W) exports[k] = W[k]; });\n`;

test("dist/board.js on Espruino: every problem of the settings is printed at once, by field, and nothing starts", { skip: !ESPRUINO && NO_ESPRUINO }, async (t) => {
  const { server, ...rest } = SETTINGS;
  const settings = { ...rest, statusTopic: "esp32-1/#", statustopic: "x" };
  const prelude =
    `require("Storage").write("mqtt_as.json", ${JSON.stringify(JSON.stringify(settings))});\n` + STAND_IN_WIFI +
    `setTimeout(function () { print("APP " + typeof global.app); quit(); }, 300);\n`;
  const { code, out, shown } = await runBoard(t, prelude);
  assert.notEqual(code, "timeout", shown);
  assert.match(out, /mqtt_as board: 3 problems in mqtt_as\.json: missing field "server"; field "statusTopic" "esp32-1\/#" has a wildcard \(\+ or #\): it is published to; unknown field "statustopic"/, shown);
  assert.match(out, /APP undefined/, shown);
  assert.doesNotMatch(out, /Uncaught|ASSERT|WiFi: connected/, shown);
});

test("dist/board.js on Espruino against a port where nothing listens: says once why, and that it retries", { skip: !ESPRUINO && NO_ESPRUINO }, async (t) => {
  const net = require("node:net");
  const server = net.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  await new Promise((r) => server.close(r));
  const settings = { ...SETTINGS, port };
  // minDelay is 2 s: 7 s leave time for at least two failed attempts.
  const prelude =
    `require("Storage").write("mqtt_as.json", ${JSON.stringify(JSON.stringify(settings))});\n` + STAND_IN_WIFI +
    `setTimeout(function () { app.stop(); setTimeout(quit, 100); }, 7000);\n`;
  const { code, out, shown } = await runBoard(t, prelude);
  assert.notEqual(code, "timeout", shown);
  const said = out.split("\n").filter((l) => /MQTT: cannot connect/.test(l));
  assert.ok((out.match(/Connect failed/g) || []).length >= 2, "Espruino's own line at each attempt, of two or more:\n" + shown);
  assert.equal(said.length, 1, shown);
  assert.match(said[0], new RegExp(`^MQTT: cannot connect to 127\\.0\\.0\\.1:${port}: connection closed.*; retrying, at most a minute apart`), shown);
  assert.doesNotMatch(out, /Uncaught|ASSERT/, shown);
});
