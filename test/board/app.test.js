"use strict";
// The application: LED commands, heartbeat content, MQTT following WiFi. A scripted client
// stands in for MQTTClient in the unit tests; the last test runs the real client against Aedes.
const test = require("node:test");
const { afterEach } = test;
const assert = require("node:assert/strict");
const { board, fakeStorage, fakeTimers, fakeWifi, SETTINGS } = require("./helpers.js");
const { startAedes } = require("../helpers/brokers.js");

const { start, applyCommand, heartbeatMessage, describe } = board("app");
const { SETTINGS_FILE } = board("settings");

/** Enough of MQTTClient for keepConnected() and the app; connect() succeeds at once. */
function fakeClient() {
  const handlers = { up: [], down: [], msg: [] };
  let up = false;
  const client = {
    calls: [],
    brokerAnswers: true,
    up: { isSet: () => up },
    on(event, cb) {
      handlers[event].push(cb);
      return () => (handlers[event] = handlers[event].filter((f) => f !== cb));
    },
    connect(clean) {
      client.calls.push(["connect", clean]);
      up = true;
      return Promise.resolve(false);
    },
    subscribe(topic, qos) {
      client.calls.push(["subscribe", topic, qos]);
      return Promise.resolve(qos);
    },
    publish(topic, msg, retain, qos) {
      client.calls.push(["publish", topic, msg, retain, qos]);
      return Promise.resolve();
    },
    brokerUp() {
      client.calls.push(["brokerUp"]);
      return Promise.resolve(client.brokerAnswers);
    },
    disconnect() {
      client.calls.push(["disconnect"]);
      const was = up;
      up = false;
      if (was) for (const cb of handlers.down.slice()) cb(); // no error: the user's own disconnect()
      return Promise.resolve();
    },
    deliver(topic, text) {
      for (const cb of handlers.msg) cb(topic, new Uint8Array([...Buffer.from(text)]), false, 1, false);
    },
    drop(error = Object.assign(new Error("gone"), { code: "CLOSED" })) {
      up = false;
      for (const cb of handlers.down.slice()) cb(error);
    },
  };
  return client;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

// Every app a test starts is stopped after it, so that keepConnected leaves no timer behind.
const started = [];
afterEach(() => {
  for (const app of started.splice(0)) app.stop();
});

function setup(settings = SETTINGS) {
  const wifi = fakeWifi();
  const timers = fakeTimers();
  const client = fakeClient();
  const leds = [];
  const logs = [];
  let cfg = null;
  const app = start({
    storage: fakeStorage({ [SETTINGS_FILE]: JSON.stringify(settings) }),
    wifi,
    setLed: (on) => leds.push(on),
    uptime: () => 125.7,
    log: (text) => logs.push(text),
    timers,
    makeClient: (c) => ((cfg = c), client),
  });
  started.push(app);
  return { wifi, timers, client, leds, logs, app, cfg };
}

test("applyCommand: on, off, toggle (trimmed, any case); anything else is null", () => {
  assert.equal(applyCommand(false, "on"), true);
  assert.equal(applyCommand(true, "off"), false);
  assert.equal(applyCommand(true, "toggle"), false);
  assert.equal(applyCommand(false, "toggle"), true);
  assert.equal(applyCommand(false, " ON\n"), true);
  assert.equal(applyCommand(true, "blink"), null);
  assert.equal(applyCommand(true, ""), null);
});

test("heartbeatMessage: whole seconds of uptime, brokerUp and the LED", () => {
  assert.deepEqual(JSON.parse(heartbeatMessage(125.7, true, false)), { uptime: 125, brokerUp: true, led: false });
  assert.deepEqual(JSON.parse(heartbeatMessage(3, false, true)), { uptime: 3, brokerUp: false, led: true });
});

test("bad settings stop the start with the field named", () => {
  const { clientId, ...rest } = SETTINGS;
  assert.throws(() => setup(rest), (e) => e.code === "BAD_ARGUMENT" && /"clientId"/.test(e.message));
});

test("the client gets the broker settings and a will; the LED starts off", () => {
  const { cfg, leds } = setup({ ...SETTINGS, user: "u", mqttPassword: "p", keepalive: 20 });
  assert.equal(cfg.server, "127.0.0.1");
  assert.equal(cfg.port, 1883);
  assert.equal(cfg.clientId, "esp32-test");
  assert.equal(cfg.user, "u");
  assert.equal(cfg.password, "p");
  assert.equal(cfg.keepalive, 20);
  assert.equal(cfg.will.topic, "esp32-test/status");
  assert.deepEqual(leds, [false]);
});

test("MQTT starts only when WiFi is up: persistent session, command topic at QoS 1", async () => {
  const { wifi, client } = setup();
  await tick();
  assert.deepEqual(client.calls, []);
  wifi.finish(null);
  await tick();
  await tick();
  assert.deepEqual(client.calls, [
    ["connect", false],
    ["subscribe", "esp32-test/led", 1],
  ]);
});

test("commands on the command topic set the LED and report it; others are ignored", async () => {
  const { wifi, client, leds, logs } = setup();
  wifi.finish(null);
  await tick();
  client.calls.length = 0;
  client.deliver("esp32-test/led", "on");
  client.deliver("esp32-test/led", "toggle");
  client.deliver("esp32-test/led", "toggle");
  client.deliver("esp32-test/led", "off");
  client.deliver("esp32-test/led", "dance");
  client.deliver("other/topic", "off");
  assert.deepEqual(leds, [false, true, false, true, false]);
  assert.ok(logs.some((l) => /unknown command "dance"/.test(l)));
  for (let i = 0; i < 5; i++) await tick();
  const reports = client.calls.filter((c) => c[0] === "publish").map((c) => JSON.parse(c[2]).led);
  assert.equal(reports.length, 4, "one report per accepted command");
});

test("the heartbeat runs every `heartbeat` seconds and publishes uptime and brokerUp()", async () => {
  const { wifi, client, timers } = setup();
  wifi.finish(null);
  await tick();
  client.calls.length = 0;
  timers.advance(29999);
  await tick();
  assert.deepEqual(client.calls, []);
  timers.advance(1);
  for (let i = 0; i < 3; i++) await tick();
  assert.deepEqual(client.calls, [["brokerUp"], ["publish", "esp32-test/status", '{"uptime":125,"brokerUp":true,"led":false}', false, 0]]);
  client.calls.length = 0;
  client.brokerAnswers = false;
  timers.advance(30000);
  for (let i = 0; i < 3; i++) await tick();
  assert.deepEqual(JSON.parse(client.calls[1][2]), { uptime: 125, brokerUp: false, led: false });
});

test("no heartbeat while MQTT is down", async () => {
  const { client, timers } = setup(); // WiFi never connects
  timers.advance(90000);
  await tick();
  assert.deepEqual(client.calls, []);
});

test("WiFi lost: no MQTT retries until it is back; then MQTT connects again", async () => {
  const { wifi, client, timers } = setup();
  wifi.finish(null);
  await tick();
  client.calls.length = 0;
  wifi.emit("disconnected", {});
  client.drop();
  timers.advance(120000 - (timers.now() % 30000) - 1); // no heartbeat publishes, MQTT is down
  await tick();
  assert.deepEqual(client.calls.filter((c) => c[0] === "connect"), [], "no MQTT attempt without WiFi");
  wifi.finish(null);
  await tick();
  await tick();
  assert.deepEqual(client.calls.filter((c) => c[0] === "connect"), [["connect", false]]);
});

test("stop() leaves no timer", async () => {
  const { wifi, timers, app } = setup();
  wifi.finish("no AP");
  app.stop();
  assert.equal(timers.count(), 0);
});

test("stop() disconnects from the broker, and MQTT stays down: no reconnect", async () => {
  const { wifi, client, timers, app } = setup();
  wifi.finish(null);
  await tick();
  await tick();
  assert.equal(client.up.isSet(), true);
  client.calls.length = 0;
  await app.stop();
  assert.deepEqual(client.calls, [["disconnect"]]);
  timers.advance(600000);
  for (let i = 0; i < 3; i++) await tick();
  assert.deepEqual(client.calls, [["disconnect"]], "no connect, no heartbeat after stop()");
  assert.equal(timers.count(), 0);
});

test('a command topic "__proto__" is subscribed (the map of topics has no prototype)', async () => {
  const { wifi, client, leds } = setup({ ...SETTINGS, commandTopic: "__proto__" });
  wifi.finish(null);
  await tick();
  await tick();
  assert.deepEqual(client.calls, [
    ["connect", false],
    ["subscribe", "__proto__", 1],
  ]);
  client.deliver("__proto__", "on");
  assert.deepEqual(leds, [false, true]);
});

test("the console says in words why MQTT went down, with the cause; a disconnect() is not a loss", async () => {
  const { wifi, client, logs } = setup();
  wifi.finish(null);
  await tick();
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1883"), { code: "ECONNREFUSED" });
  client.drop(Object.assign(new Error("connection closed"), { code: "CLOSED", cause: refused }));
  assert.ok(logs.includes("MQTT: connection lost: connection closed (connect ECONNREFUSED 127.0.0.1:1883)"), logs.join("\n"));
  logs.length = 0;
  await client.connect();
  await client.disconnect();
  assert.deepEqual(logs.filter((l) => /^MQTT: (connection lost|disconnected)/.test(l)), ["MQTT: disconnected"]);
});

test("describe(): the message, its cause's message once, the code only where there is no message", () => {
  const cause = new Error("connect ECONNREFUSED 127.0.0.1:1883");
  assert.equal(describe(Object.assign(new Error("connection closed"), { code: "CLOSED", cause })), "connection closed (connect ECONNREFUSED 127.0.0.1:1883)");
  assert.equal(describe(Object.assign(new Error("connection closed: connect ECONNREFUSED 127.0.0.1:1883"), { code: "CLOSED", cause })), "connection closed: connect ECONNREFUSED 127.0.0.1:1883");
  assert.equal(describe(Object.assign(new Error(""), { code: "TIMEOUT" })), "TIMEOUT");
  assert.equal(describe(Object.assign(new Error("no answer"), { code: "TIMEOUT", cause: "AUTH_FAIL" })), "no answer (AUTH_FAIL)");
  assert.equal(describe("NO_AP_FOUND"), "NO_AP_FOUND");
  assert.equal(describe(undefined), "undefined");
});

test("a heartbeat that fails is reported in words", async () => {
  const { wifi, client, logs, timers } = setup();
  wifi.finish(null);
  await tick();
  client.publish = () => Promise.reject(Object.assign(new Error("not connected"), { code: "NOT_CONNECTED" }));
  timers.advance(30000);
  for (let i = 0; i < 3; i++) await tick();
  assert.ok(logs.includes("MQTT: heartbeat not sent: not connected"), logs.join("\n"));
});

test("end to end: the real client on Aedes, a command from another client switches the LED", async (t) => {
  const broker = await startAedes();
  t.after(() => broker.close());
  const mqtt = require("mqtt");
  const wifi = fakeWifi();
  const leds = [];
  const app = start({
    storage: fakeStorage({ [SETTINGS_FILE]: JSON.stringify({ ...SETTINGS, port: broker.port, heartbeat: 1 }) }),
    wifi,
    setLed: (on) => leds.push(on),
    uptime: () => 7,
    log: () => {},
  });
  t.after(() => {
    app.stop();
    return app.client.disconnect().catch(() => {});
  });
  const other = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`);
  t.after(() => other.endAsync());
  const statuses = [];
  other.on("message", (topic, payload) => statuses.push(JSON.parse(payload.toString())));
  await other.subscribeAsync("esp32-test/status");
  wifi.finish(null);
  // Wait for the board's subscription to reach the broker.
  await new Promise((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error("the board never subscribed")), 5000);
    broker.aedes.on("subscribe", (subs, c) => {
      if (c && c.id === "esp32-test" && subs.some((s) => s.topic === "esp32-test/led")) {
        clearTimeout(timeout);
        resolve();
      }
    });
  });
  await other.publishAsync("esp32-test/led", "on", { qos: 1 });
  const deadline = Date.now() + 5000;
  while (!statuses.some((s) => s.led === true) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(leds, [false, true]);
  assert.equal(app.led(), true);
  const report = statuses.find((s) => s.led === true);
  assert.deepEqual(report, { uptime: 7, brokerUp: true, led: true });
});

test("a failing connect is said once, with its cause and what comes next; again only when the cause changes", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] }); // keepConnected's retries
  const { wifi, client, logs } = setup();
  const refused = Object.assign(new Error("connection closed: connect ECONNREFUSED 127.0.0.1:1883"), { code: "CLOSED" });
  let answer = refused;
  let attempts = 0;
  client.connect = () => (attempts++, Promise.reject(answer));
  const retry = async () => {
    for (let i = 0; i < 3; i++) await tick();
    t.mock.timers.tick(60000);
    for (let i = 0; i < 3; i++) await tick();
  };
  wifi.finish(null);
  for (let i = 0; i < 4; i++) await retry();
  assert.ok(attempts >= 4, "attempts: " + attempts);
  const said = () => logs.filter((l) => /^MQTT: cannot connect/.test(l));
  assert.deepEqual(said(), ["MQTT: cannot connect to 127.0.0.1:1883: connection closed: connect ECONNREFUSED 127.0.0.1:1883; retrying, at most a minute apart"]);
  answer = Object.assign(new Error('bad will topic "esp32-1/#"'), { code: "BAD_ARGUMENT" });
  await retry();
  const tries = attempts;
  await retry();
  assert.equal(attempts, tries, "no attempt after BAD_ARGUMENT");
  assert.deepEqual(said().slice(1), ['MQTT: cannot connect to 127.0.0.1:1883: bad will topic "esp32-1/#"; not retrying: check the settings']);
});
