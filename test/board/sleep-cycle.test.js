"use strict";
// The board's low-power mode on a real Espruino interpreter built for Linux (skipped unless
// ESPRUINO is set): dist/board.js and the session store (the module flash-store) in its
// Storage, settings with `sleep`, a stand-in Wifi module, and a stand-in ESP32 whose
// deepSleep prints what it was asked and ends the program. Each wake is a new run of the
// interpreter on the same espruino.flash, as a wake from deep sleep is a reset on the ESP32.
// The broker is Mosquitto (Aedes where it is not installed), a port where nothing listens,
// or a server that accepts and never answers; WiFi is sometimes down.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const mqtt = require("mqtt");
const { startAedes, startMosquitto, freePort } = require("../helpers/brokers.js");
const { ROOT, SETTINGS, boardProgram, sleepPrelude: prelude, startWake } = require("./helpers.js");
const { ESPRUINO, NO_ESPRUINO } = require("../helpers/espruino.js");

const AWAKE = 3; // seconds: the deadline of each wake
const SLEEP = 60; // seconds: the stand-in only prints it
// Slack for a timer that fires late on a busy machine, and for loading the application.
const LATE = 2;
const PLAN = "up up down down up silent up wifi down up silent silent up down up wifi up silent down up".split(" ");

const runWake = (dir, prelude) => startWake(dir, prelude, (AWAKE + 20) * 1000).done;

/** The console without the interpreter's memory dumps. */
const shown = (out) => out.split("\n").filter((l) => l.trim() && !/^\s*(#\d|[\]}]\s*$)/.test(l)).join("\n").slice(-2500);

function flashStoreSource() {
  return fs.readFileSync(path.join(ROOT, "dist", "flash-store.js"), "utf8");
}

/** A folder with the application and flash-store in its Storage, and a client of `server`
 *  that collects what the board publishes to its status topic. */
async function boardAndWatcher(t, server) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "board-sleep-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  boardProgram(dir, "", { "flash-store": flashStoreSource() });
  const watcher = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.port}`);
  t.after(() => watcher.endAsync());
  const statuses = [];
  watcher.on("message", (topic, payload) => statuses.push(JSON.parse(payload.toString())));
  await watcher.subscribeAsync(SETTINGS.statusTopic, { qos: 1 });
  return { dir, watcher, statuses };
}

async function broker() {
  return (await startMosquitto()) || (await startAedes());
}

test("low-power mode on Espruino: 20 wakes with the broker up, down, silent, and WiFi down; asleep by the deadline, every heartbeat delivered", { skip: !ESPRUINO && NO_ESPRUINO, timeout: 600000 }, async (t) => {
  const server = await broker();
  t.after(() => server.close());
  const refused = await freePort(); // nothing listens there
  const held = [];
  const silent = net.createServer((socket) => held.push(socket)); // accepts, never answers
  await new Promise((resolve) => silent.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    for (const s of held) s.destroy();
    silent.close();
  });
  const ports = { up: server.port, down: refused, silent: silent.address().port, wifi: server.port };

  const { dir, statuses: heartbeats } = await boardAndWatcher(t, server);

  let failures = 0; // consecutive failed wakes, as the board should count them
  const elapsed = [];
  const used = [];
  for (let i = 0; i < PLAN.length; i++) {
    const kind = PLAN[i];
    const wake = i + 1;
    const settings = { ...SETTINGS, port: ports[kind], sleep: SLEEP, awake: AWAKE, keepalive: 30 };
    const run = await runWake(dir, prelude(settings, kind !== "wifi"));
    const where = `wake ${wake} (${kind}):\n` + shown(run.out);
    assert.doesNotMatch(run.out, /Uncaught|Unhandled|ASSERT\(/, where);
    assert.ok(run.us !== null, "never went to sleep: " + where);
    elapsed.push(run.elapsed);
    used.push(run.used);
    assert.ok(run.elapsed <= AWAKE + LATE, `asleep after ${run.elapsed} s, the deadline is ${AWAKE} s: ` + where);
    assert.match(run.out, /WIFI OFF[\s\S]*DEEPSLEEP/, "WiFi off before the sleep: " + where);
    if (kind === "up") {
      // Its own heartbeat, with the failed wakes before it, and every one stored before.
      const deadline = Date.now() + 5000;
      const arrived = () => heartbeats.some((h) => h.wake === wake);
      while (!arrived() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(arrived(), "heartbeat not delivered: " + where);
      assert.equal(heartbeats.find((h) => h.wake === wake).failures, failures, where);
      for (let w = 1; w <= wake; w++) assert.ok(heartbeats.some((h) => h.wake === w), `wake ${w}'s heartbeat lost by ` + where);
      failures = 0;
    } else failures++;
    // The sleep doubles after each failed wake, up to 8 times `sleep`.
    assert.equal(run.us, SLEEP * 1e6 * Math.min(8, 2 ** failures), "sleep length: " + where);
  }
  t.diagnostic(`asleep after (s): max ${Math.max(...elapsed).toFixed(2)}; JsVars in use at the sleep: max ${Math.max(...used)}; heartbeats received ${heartbeats.length} for ${PLAN.length} wakes`);
});

/** Waits until `cond()` holds, at most `ms`; returns whether it held. */
async function until(cond, ms) {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return cond();
}

test('low-power mode on Espruino: a retained "stay" keeps the board awake past its deadline, "sleep" sends it back', { skip: !ESPRUINO && NO_ESPRUINO, timeout: 120000 }, async (t) => {
  const server = await broker();
  t.after(() => server.close());
  const { dir, watcher, statuses } = await boardAndWatcher(t, server);
  await watcher.publishAsync(SETTINGS.commandTopic, "stay", { qos: 1, retain: true });

  const settings = { ...SETTINGS, port: server.port, sleep: SLEEP, awake: AWAKE, heartbeat: 1 };
  const wake = startWake(dir, prelude(settings, true), (AWAKE + 20) * 1000);
  // The awake application's heartbeat ({uptime, ...}), from after the deadline.
  const awakeLate = () => statuses.some((s) => s.uptime > AWAKE + 1);
  assert.ok(await until(awakeLate, (AWAKE + 10) * 1000), "not awake after the deadline:\n" + shown(wake.out()));
  assert.doesNotMatch(wake.out(), /DEEPSLEEP/, shown(wake.out()));
  assert.ok(statuses.some((s) => s.wake === 1), "the wake's own heartbeat came first:\n" + shown(wake.out()));
  await watcher.publishAsync(SETTINGS.commandTopic, "sleep", { qos: 1, retain: true });
  const run = await wake.done;
  assert.doesNotMatch(run.out, /Uncaught|Unhandled|ASSERT\(/, shown(run.out));
  assert.equal(run.us, SLEEP * 1e6, "asleep for `sleep` after maintenance:\n" + shown(run.out));

  // With "sleep" retained, the next wake is an ordinary one.
  const next = await runWake(dir, prelude(settings, true));
  assert.ok(next.elapsed <= AWAKE + LATE, shown(next.out));
  assert.ok(await until(() => statuses.some((s) => s.wake === 2), 5000), "the next wake's heartbeat:\n" + shown(next.out));
  await watcher.publishAsync(SETTINGS.commandTopic, "", { qos: 1, retain: true });
});
