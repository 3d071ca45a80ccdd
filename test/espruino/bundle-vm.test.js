"use strict";
// The built bundle in a Node vm context stripped of what Espruino lacks, over a socket shim
// with Espruino's semantics (vm-shim.js), against real brokers.
// MQTT_AS_BUNDLE=path runs these tests on another build of the bundle.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { createEspruinoContext, runScenario, GLOBALS_REMOVED, MEMBERS_REMOVED } = require("./vm-shim.js");
const { checkScenarioResult } = require("./scenario-expect.js");
const { startAedes, startMosquitto } = require("../helpers/brokers.js");

const ROOT = path.join(__dirname, "..", "..");
const BUNDLE = process.env.MQTT_AS_BUNDLE || path.join(ROOT, "dist", "mqtt_as.js");

function ensureBundle() {
  if (!fs.existsSync(BUNDLE)) {
    const r = spawnSync("npx", ["rollup", "-c", "--silent"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, "dist/mqtt_as.js is missing and `npx rollup -c` failed:\n" + r.stdout + r.stderr);
  }
}

// Unhandled rejections from inside the context reach this process: each test checks none came.
const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(reason));

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** After the scenario: nothing left behind, nothing thrown out of a callback. */
async function checkClean(shim) {
  await delay(100);
  assert.deepEqual(shim.uncaught.map(String), [], "errors thrown out of callbacks");
  assert.deepEqual(unhandled.map(String), [], "unhandled promise rejections");
  assert.equal(shim.openSockets(), 0, "sockets left open");
  assert.equal(shim.pendingTimers(), 0, "timers left running after disconnect()");
}

function expression(shim, code) {
  return shim.run("(" + code + ")", "test-expression.js");
}

test("the shim lacks what Espruino lacks and has Espruino's E and sockets", () => {
  const shim = createEspruinoContext({ bundle: BUNDLE });
  // Node's process goes; Espruino's, with memory() only as far as the bundle uses it, comes.
  for (const name of GLOBALS_REMOVED.filter((g) => g !== "process")) assert.equal(expression(shim, `typeof ${name}`), "undefined", name);
  assert.equal(expression(shim, "typeof process.nextTick"), "undefined");
  assert.equal(expression(shim, "typeof process.memory().free"), "number");
  for (const name of MEMBERS_REMOVED) assert.equal(expression(shim, `typeof ${name}`), "undefined", name);
  assert.equal(
    expression(shim, "E.toString(new Uint8Array([0, 16, 255]))"),
    String.fromCharCode(0, 16, 255)
  );
  assert.deepEqual(
    Array.prototype.slice.call(expression(shim, "new Uint8Array(E.toArrayBuffer(String.fromCharCode(1, 200, 255)))")),
    [1, 200, 255]
  );
  assert.equal(expression(shim, "new Uint8Array(E.toArrayBuffer('a')) instanceof Uint8Array"), true);
  assert.throws(() => expression(shim, "String.fromCharCode.apply(null, new Array(300))"), /256/);
  assert.throws(() => expression(shim, "require('net').connect({ host: 'x.invalid', port: 1 })"), /Unable to create socket/);
  shim.dispose();
});

test("the shim's socket refuses a Uint8Array write and writes after close", async () => {
  const broker = await startAedes();
  const shim = createEspruinoContext({ bundle: BUNDLE });
  try {
    const opened = new Promise((resolve) => {
      shim.context.opened = resolve;
    });
    shim.run("var s = require('net').connect({ host: '127.0.0.1', port: " + broker.port + " }, function () { opened(); });");
    await opened;
    assert.throws(() => shim.run("s.write(new Uint8Array([192, 0]))"), /takes a string/);
    assert.equal(shim.run("s.write(String.fromCharCode(192, 0))"), false); // PINGREQ; always false
    shim.run("s.end()");
    assert.throws(() => shim.run("s.write('x')"), /closed/);
  } finally {
    shim.dispose();
    await broker.close();
  }
});

for (const which of ["aedes", "mosquitto"]) {
  test(`the bundle runs the scenario against ${which}`, async (t) => {
    ensureBundle();
    const broker = which === "aedes" ? await startAedes() : await startMosquitto();
    if (!broker) {
      t.skip("mosquitto is not installed");
      return;
    }
    try {
      const { result, shim } = await runScenario(broker.host, broker.port, { bundle: BUNDLE });
      checkScenarioResult(result, "null"); // no E.getSizeOf on Node
      await checkClean(shim);
      // Every byte went out as a string, and the big publish came back in 536-byte chunks.
      assert.ok(shim.sockets.length === 1 && shim.sockets[0].written.length > 0);
    } finally {
      await broker.close();
    }
  });
}

// Runs `code` (an ES5 expression yielding a Promise) in a context with a loaded client;
// resolves with { value } or { error: { code, cause, message } }.
let settleCount = 0;
function settle(shim, code) {
  const name = "__settled" + ++settleCount; // one callback per call: several may be pending
  return new Promise((resolve) => {
    // Copied into host objects: assert's deep equality compares prototypes across realms.
    shim.context[name] = (o) => resolve(o.error ? { error: Object.assign({}, o.error) } : { value: o.value });
    shim.run(
      "(" + code + ").then(function (v) { " + name + "({ value: v }); }, function (e) {" +
        " " + name + "({ error: { code: e && e.code, cause: e && e.cause, message: String(e && e.message) } }); });"
    );
  });
}

for (const [label, host, refuse] of [
  ["an unresolvable host", "broker.invalid", false],
  ["a refused port", "127.0.0.1", true],
]) {
  test(`connect to ${label}: the synchronous throw becomes a CLOSED rejection with a cause`, async () => {
    ensureBundle();
    const shim = createEspruinoContext({ bundle: BUNDLE, refuse, globals: { HOST: host } });
    shim.run("var mqtt = require('mqtt_as'); var client = new mqtt.MQTTClient({ server: HOST, port: 1883, responseTime: 1 });");
    let outcome;
    assert.doesNotThrow(() => {
      outcome = settle(shim, "client.connect()");
    });
    outcome = await outcome;
    assert.ok(outcome.error, "connect() must reject, got " + JSON.stringify(outcome));
    assert.equal(outcome.error.code, "CLOSED");
    assert.equal(shim.thrown.length, 1, "connect() threw once");
    assert.equal(outcome.error.cause, shim.thrown[0], "the cause is the error connect() threw");
    // A second attempt behaves the same (the client went back to idle).
    const again = await settle(shim, "client.connect()");
    assert.equal(again.error && again.error.code, "CLOSED");
    await checkClean(shim);
    shim.dispose();
  });
}

test("a socket that closed under the client: writes throw inside, nothing escapes", async () => {
  ensureBundle();
  const broker = await startAedes();
  const shim = createEspruinoContext({ bundle: BUNDLE, globals: { HOST: broker.host, PORT: broker.port } });
  try {
    shim.run(
      "var mqtt = require('mqtt_as');" +
        "var client = new mqtt.MQTTClient({ server: HOST, port: PORT, responseTime: 1, keepalive: 10 });" +
        "var downs = []; client.on('down', function (e) { downs.push(e ? e.code : null); });"
    );
    const connected = await settle(shim, "client.connect()");
    assert.deepEqual(connected, { value: false });
    const socket = shim.sockets[0];
    // Espruino marks the socket closed at once; its 'close' event comes later. Hold the events
    // so that the client does not know yet, then publish: the write throws inside the link.
    socket.holdAllEvents();
    socket.dropFromBelow();
    let q0;
    let q1;
    assert.doesNotThrow(() => {
      q0 = settle(shim, "client.publish('esp/x', 'zero', false, 0)");
      q1 = settle(shim, "client.publish('esp/x', 'one', false, 1)");
    });
    assert.ok(socket.writesAfterClose >= 1, "the publish wrote to the closed socket");
    q0 = await q0;
    q1 = await q1;
    if (q0.error) assert.equal(typeof q0.error.code, "string", "QoS 0 rejects with a code");
    assert.ok(q1.error, "QoS 1 on a dead socket rejects: " + JSON.stringify(q1));
    assert.ok(["CLOSED", "NOT_CONNECTED"].includes(q1.error.code), "QoS 1 code: " + q1.error.code);
    socket.releaseEvents();
    await delay(100);
    assert.deepEqual(JSON.parse(shim.run("JSON.stringify(downs)")), ["CLOSED"], "one down, with CLOSED");
    const after = await settle(shim, "client.publish('esp/x', 'late', false, 0)");
    assert.equal(after.error && after.error.code, "NOT_CONNECTED");
    await checkClean(shim);
  } finally {
    shim.dispose();
    await broker.close();
  }
});

test("the broker going away: down with CLOSED, a later publish rejects NOT_CONNECTED, nothing escapes", async () => {
  ensureBundle();
  const broker = await startAedes();
  const shim = createEspruinoContext({ bundle: BUNDLE, globals: { HOST: broker.host, PORT: broker.port } });
  try {
    shim.run(
      "var mqtt = require('mqtt_as');" +
        "var client = new mqtt.MQTTClient({ server: HOST, port: PORT, responseTime: 1, keepalive: 10 });" +
        "var downs = []; client.on('down', function (e) { downs.push(e ? e.code : null); });"
    );
    assert.deepEqual(await settle(shim, "client.connect()"), { value: false });
    await broker.close(); // destroys the broker side of every connection
    await delay(200);
    assert.deepEqual(JSON.parse(shim.run("JSON.stringify(downs)")), ["CLOSED"]);
    const late = await settle(shim, "client.publish('esp/x', 'late', false, 1)");
    assert.equal(late.error && late.error.code, "NOT_CONNECTED");
    await checkClean(shim);
  } finally {
    shim.dispose();
  }
});

/** A context whose heap has `free` JsVars free (process.memory() as Espruino's reports it). */
function lowMemoryShim(broker, free) {
  const shim = createEspruinoContext({ bundle: BUNDLE, globals: { HOST: broker.host, PORT: broker.port } });
  shim.run(`process.memory = function () { return { free: ${free}, usage: ${16383 - free}, total: 16383, blocksize: 18 }; };`);
  return shim;
}

async function until(check, what, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail("timed out waiting for " + what);
    await delay(20);
  }
}

// The program's count(p, i) records how publish i settled: "ok", or its error's code.
const RECORD_OUTCOMES =
  "var outcomes = []; function count(p, i) { p.then(function () { outcomes[i] = 'ok'; }, function (e) { outcomes[i] = e.code; }); }";

/** The outcomes count() recorded, once all `n` have settled. */
async function settledOutcomes(shim, n) {
  const outcomes = () => JSON.parse(shim.run("JSON.stringify(outcomes)"));
  await until(() => outcomes().filter(Boolean).length === n, "every publish to settle");
  return outcomes();
}

test("a burst past the link's room: the rest are refused QUEUE_FULL at once, what was taken arrives whole and in order", async () => {
  ensureBundle();
  const broker = await startAedes();
  // 300 JsVars free: half of 300 × 18 bytes (the link's blocks are flat strings)
  // may wait in the link, past the 2 KB handed to the socket.
  const shim = lowMemoryShim(broker, 300);
  try {
    shim.run(
      "var mqtt = require('mqtt_as');" +
        "var client = new mqtt.MQTTClient({ server: HOST, port: PORT, keepalive: 10 });" +
        "var got = []; client.on('msg', function (t, m) { got.push(E.toString(m)); });" +
        RECORD_OUTCOMES +
        "function text(i) { return 'message ' + (1000 + i) + ' ' + new Array(40).join('x'); }"
    );
    assert.deepEqual(await settle(shim, "client.connect()"), { value: false });
    assert.deepEqual(await settle(shim, "client.subscribe('burst/t', 0)"), { value: 0 });
    shim.run("for (var i = 0; i < 200; i++) count(client.publish('burst/t', text(i)), i);");
    const outcomes = await settledOutcomes(shim, 200);
    const taken = outcomes.filter((o) => o === "ok").length;
    // Refused from the first that did not fit until the link drained: the taken ones come first.
    assert.deepEqual(outcomes, [...Array(200)].map((_, i) => (i < taken ? "ok" : "QUEUE_FULL")));
    assert.ok(taken > 15 && taken < 100, `taken ${taken}`);
    const got = () => JSON.parse(shim.run("JSON.stringify(got)"));
    await until(() => got().length >= taken, "the taken messages to come back");
    await delay(200);
    assert.deepEqual(got(), JSON.parse(shim.run(`JSON.stringify([${[...Array(taken).keys()]}].map(text))`)), "each taken message once, in order");
    // Drained: publishing works again.
    assert.deepEqual(await settle(shim, "client.publish('burst/t', 'after')"), { value: undefined });
    await until(() => got().length === taken + 1, "the publish after the burst");
    await settle(shim, "client.disconnect()");
    await checkClean(shim);
  } finally {
    shim.dispose();
    await broker.close();
  }
});

test("QoS 1 publishes past maxInflight where less than the heap's reserve is free: refused QUEUE_FULL from the first that would wait, the in-flight ones delivered", async () => {
  ensureBundle();
  const broker = await startAedes();
  // 300 JsVars of 18 bytes: 5,400 bytes, under the 20,000 that waiting publishes leave free.
  const shim = lowMemoryShim(broker, 300);
  try {
    shim.run(
      "var mqtt = require('mqtt_as');" +
        "var client = new mqtt.MQTTClient({ server: HOST, port: PORT, keepalive: 10, maxInflight: 2 });" +
        RECORD_OUTCOMES
    );
    assert.deepEqual(await settle(shim, "client.connect()"), { value: false });
    shim.run("for (var i = 0; i < 4; i++) count(client.publish('reserve/t', 'm' + i, false, 1), i);");
    const outcomes = await settledOutcomes(shim, 4);
    assert.deepEqual(outcomes, ["ok", "ok", "QUEUE_FULL", "QUEUE_FULL"]);
    await settle(shim, "client.disconnect()");
    await checkClean(shim);
  } finally {
    shim.dispose();
    await broker.close();
  }
});

test("where the heap has no room for flat strings, the link's blocks count at their real cost: fewer publishes are taken", async () => {
  ensureBundle();
  const broker = await startAedes();
  const taken = {};
  try {
    for (const flat of [true, false]) {
      const shim = lowMemoryShim(broker, 300);
      try {
        if (!flat) shim.run("E.toFlatString = function () { return undefined; };"); // as Espruino's, when no piece is long enough
        shim.run(
          "var mqtt = require('mqtt_as');" +
            "var client = new mqtt.MQTTClient({ server: HOST, port: PORT, keepalive: 10 });" +
            RECORD_OUTCOMES
        );
        assert.deepEqual(await settle(shim, "client.connect()"), { value: false });
        shim.run("for (var i = 0; i < 200; i++) count(client.publish('burst/t', 'message ' + (1000 + i) + ' ' + new Array(40).join('x')), i);");
        const outcomes = await settledOutcomes(shim, 200);
        taken[flat] = outcomes.filter((o) => o === "ok").length;
        assert.deepEqual(outcomes.slice(taken[flat]), Array(200 - taken[flat]).fill("QUEUE_FULL"));
        await settle(shim, "client.disconnect()");
        await checkClean(shim);
      } finally {
        shim.dispose();
      }
    }
  } finally {
    await broker.close();
  }
  // 63-byte packets: 32 go to the socket; then 2,700 bytes of budget (half of 300 JsVars of
  // 18 bytes) hold 42 in flat blocks. Each block left as it was costs a third more, which the
  // budget loses.
  assert.equal(taken[true], 74);
  assert.ok(taken[false] > 32 && taken[false] < taken[true], `taken without flat strings: ${taken[false]}`);
});

test("a packet larger than half the free heap, with maxPacketSize 0: down with TOO_LARGE, nothing allocated", async () => {
  ensureBundle();
  const net = require("node:net");
  // CONNACK, then a PUBLISH header that claims 1 MB and never sends it.
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", () => socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00, 0x30, 0x80, 0x80, 0x40, 0x00])));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const shim = lowMemoryShim({ host: "127.0.0.1", port: server.address().port }, 10000);
  try {
    shim.run(
      "var mqtt = require('mqtt_as');" +
        "var client = new mqtt.MQTTClient({ server: HOST, port: PORT, keepalive: 0, maxPacketSize: 0 });" +
        "var downs = []; client.on('down', function (e) { downs.push(e ? e.code : null); });"
    );
    assert.deepEqual(await settle(shim, "client.connect()"), { value: false });
    await until(() => shim.run("downs.length") === 1, "down");
    assert.deepEqual(JSON.parse(shim.run("JSON.stringify(downs)")), ["TOO_LARGE"]);
    await settle(shim, "client.disconnect()");
    await checkClean(shim);
  } finally {
    shim.dispose();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("disconnect() right after a burst: what waited in the link goes out first, every publish resolves, and no will is published", async () => {
  ensureBundle();
  const mqtt = require("mqtt");
  const broker = await startAedes();
  const shim = createEspruinoContext({ bundle: BUNDLE, globals: { HOST: broker.host, PORT: broker.port } });
  const subscriber = await mqtt.connectAsync({ host: broker.host, port: broker.port, reconnectPeriod: 0 });
  try {
    const got = [];
    subscriber.on("message", (topic, payload) => got.push(topic + " " + payload.toString()));
    await subscriber.subscribeAsync(["burst/#", "will/#"], { qos: 0 });
    shim.run(
      "var mqtt = require('mqtt_as');" +
        "var client = new mqtt.MQTTClient({ server: HOST, port: PORT, keepalive: 10, will: { topic: 'will/t', msg: 'gone' } });" +
        RECORD_OUTCOMES
    );
    assert.deepEqual(await settle(shim, "client.connect()"), { value: false });
    // 100 messages of 70 bytes: past the 2 KB handed to the socket, the rest waits in the link.
    shim.run("for (var i = 0; i < 100; i++) count(client.publish('burst/t', 'message ' + (1000 + i) + new Array(50).join('.')), i);");
    assert.deepEqual(await settle(shim, "client.disconnect()"), { value: undefined });
    await until(() => got.length >= 100, "the burst at the subscriber");
    await delay(300);
    const want = [...Array(100).keys()].map((i) => "burst/t message " + (1000 + i) + ".".repeat(49));
    assert.deepEqual(got, want, "every message once, in order, and no will");
    assert.deepEqual(await settledOutcomes(shim, 100), Array(100).fill("ok"));
    await checkClean(shim);
  } finally {
    shim.dispose();
    await subscriber.endAsync();
    await broker.close();
  }
});

// MQTT 5 on Espruino: a QoS 0 publish of a string without properties takes the string path
// (a 3.1.1 PUBLISH whose payload begins with a property length of 0), which must check the
// broker's Maximum Packet Size as the general path does.
test("MQTT 5 bundle, string path: a QoS 0 publish without properties arrives whole and without properties; one over the broker's maximum packet size is refused TOO_LARGE", async (t) => {
  const bundle = path.join(ROOT, "dist", "mqtt_as5.js");
  const broker = await startMosquitto({ extra: ["max_packet_size 1000"] });
  if (!broker) return t.skip("mosquitto is not installed");
  const mqtt = require("mqtt");
  const observer = await mqtt.connectAsync({ host: broker.host, port: broker.port, protocolVersion: 5, reconnectPeriod: 0 });
  const seen = [];
  observer.on("message", (topic, payload, packet) => seen.push({ topic, text: payload.toString(), properties: packet.properties || {} }));
  await observer.subscribeAsync("esp5/#");
  const shim = createEspruinoContext({ bundle, globals: { HOST: broker.host, PORT: broker.port } });
  try {
    shim.run("var mqtt = require('mqtt_as');var client = new mqtt.MQTTClient({ server: HOST, port: PORT, protocolVersion: 5, keepalive: 10 });");
    assert.deepEqual(await settle(shim, "client.connect()"), { value: false });
    assert.equal(shim.run("client.connack.maximumPacketSize"), 1000);
    assert.deepEqual(await settle(shim, "client.publish('esp5/plain', 'plain text', false, 0)"), { value: undefined });
    // 1 + 2 (fixed header) + 2 + 600 (topic) + 1 (property length) + 400: over 1,000 bytes.
    const refused = await settle(shim, `client.publish('esp5/${"t".repeat(595)}', '${"m".repeat(400)}', false, 0)`);
    assert.equal(refused.error && refused.error.code, "TOO_LARGE");
    assert.deepEqual(await settle(shim, "client.publish('esp5/after', 'after', false, 0)"), { value: undefined });
    await until(() => seen.length >= 2, "the observer to get two messages");
    assert.deepEqual(seen, [
      { topic: "esp5/plain", text: "plain text", properties: {} },
      { topic: "esp5/after", text: "after", properties: {} },
    ]);
    assert.deepEqual(await settle(shim, "client.disconnect()"), { value: undefined });
    await checkClean(shim);
  } finally {
    shim.dispose();
    await observer.endAsync();
    await broker.close();
  }
});
