"use strict";
// The MQTT 5 bundle (dist/mqtt_as5.js) on a real Espruino interpreter built for Linux, found
// only through the environment variable ESPRUINO; skipped, visibly, when it is unset. The
// module is written to Storage (as users keep it, and as the ESP32-C3's 4,095 JsVars need) and
// required from there as "mqtt_as5". Mosquitto only: Aedes does not speak MQTT 5.
// MQTT_AS5_BUNDLE=path runs it on another build of the bundle.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startMosquitto } = require("../helpers/brokers.js");
const { ESPRUINO, NO_ESPRUINO, bundleSource, runEspruino, printedObject, checkRun: checkEveryRun } = require("../helpers/espruino.js");

const ROOT = path.join(__dirname, "..", "..");
const BUNDLE = process.env.MQTT_AS5_BUNDLE ? path.resolve(process.env.MQTT_AS5_BUNDLE) : path.join(ROOT, "dist", "mqtt_as5.js");

/** checkEveryRun (helpers/espruino.js), and no unhandled rejection on the interpreter. */
function checkRun(run) {
  const tail = checkEveryRun(run);
  assert.ok(!/Unhandled promise rejection/.test(run.output), "an unhandled rejection on the interpreter" + tail);
  return tail;
}

/**
 * The scenario, in ES5 for the interpreter: connect with v5 CONNECT properties, subscribe with
 * options, publish with user properties (repeats, in order), correlation data, a response
 * topic, a content type and a message expiry; then an outgoing topic alias; receive them all
 * back (no-local off) with their properties; a refused-by-the-client bad property; disconnect.
 * Prints one RESULT line; every rejection is caught and recorded with its code.
 */
function scenario(host, port, prefix) {
  return `
var mqtt = require("mqtt_as5");
var PREFIX = ${JSON.stringify(prefix)};
var received = [], errors = [], steps = [], sizeOf = null;
function bytes(u8) { var a = []; for (var i = 0; i < u8.length; i++) a.push(u8[i]); return a; }
function failed(name) { return function (e) { if (e && e.recorded) throw e; errors.push({ step: name, code: e && e.code !== undefined ? e.code : String(e) }); throw { recorded: true }; }; }
function finish() {
  print("RESULT " + JSON.stringify({ steps: steps, received: received, errors: errors, sizeOf: sizeOf }));
}
function waitFor(n, ms) {
  return new Promise(function (resolve, reject) {
    var started = Date.now();
    (function poll() {
      if (received.length >= n) return resolve();
      if (Date.now() - started > ms) { var e = new Error("only " + received.length); e.code = "TIMEOUT"; return reject(e); }
      setTimeout(poll, 20);
    })();
  });
}
var c = new mqtt.MQTTClient({
  server: ${JSON.stringify(host)}, port: ${port}, clientId: "espruino-v5", protocolVersion: 5,
  keepalive: 10, responseTime: 2,
  properties: { topicAliasMaximum: 5, receiveMaximum: 10, userProperties: [["board", "linux"]] }
});
c.on("msg", function (topic, msg, retained, qos, dup, properties) {
  var p = {};
  for (var k in properties) p[k] = k === "correlationData" ? bytes(properties[k]) : properties[k];
  received.push({ args: arguments.length, topic: topic, text: E.toString(msg), qos: qos, retained: retained, properties: p });
});
c.connect(true).then(function (present) {
  steps.push(["connect", present, c.connack.topicAliasMaximum]);
  return c.subscribe(PREFIX + "/#", 2, { subscriptionIdentifier: 5 });
}, failed("connect")).then(function (granted) {
  steps.push(["subscribe", granted]);
  return c.publish(PREFIX + "/props", "with properties", false, 1, {
    userProperties: [["a", "1"], ["b", "2"], ["a", "3"]],
    correlationData: new Uint8Array([0, 1, 127, 128, 255]),
    responseTopic: PREFIX + "/reply",
    contentType: "text/plain",
    messageExpiryInterval: 60
  });
}, failed("subscribe")).then(function () {
  steps.push(["publish qos 1"]);
  return c.publish(PREFIX + "/alias", "alias set", false, 0, { topicAlias: 1 });
}, failed("publish qos 1")).then(function () {
  return c.publish("", "alias used", false, 0, { topicAlias: 1 });
}, failed("publish alias set")).then(function () {
  return c.publish(PREFIX + "/q2", "qos 2", false, 2, { userProperties: [["x", "y"]] });
}, failed("publish alias used")).then(function () {
  return c.publish(PREFIX + "/bad", "bad", false, 1, { bogus: 1 }).then(function () {
    steps.push(["bad property", "resolved"]);
  }, function (e) {
    steps.push(["bad property", e.code]);
  });
}, failed("publish qos 2")).then(function () {
  // QoS 0 without properties: Espruino's string path, with a property length of 0.
  return c.publish(PREFIX + "/plain", "plain text", false, 0);
}).then(function () {
  return waitFor(5, 5000);
}).then(function () {
  sizeOf = E.getSizeOf(c);
  return c.disconnect();
}, failed("receive")).then(function () {
  steps.push(["disconnect", c.isConnected]);
  finish();
}, function (e) {
  if (!(e && e.recorded)) errors.push({ step: "?", code: e && e.code !== undefined ? e.code : String(e) });
  c.disconnect().then(finish, finish);
});
`;
}

test("interpreter: the MQTT 5 bundle from Storage connects v5 to Mosquitto, publishes and receives properties, disconnects", async (t) => {
  if (!ESPRUINO) return t.skip(NO_ESPRUINO);
  const source = bundleSource(BUNDLE);
  const broker = await startMosquitto();
  if (!broker) return t.skip("mosquitto is not installed");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "espruino-mqtt5-"));
  // A Node observer (our bundle, v5) checks what the interpreter put on the wire.
  const { MQTTClient } = require(path.join(ROOT, "dist", "node", "mqtt_as5.js")); // the observer runs on Node
  const observer = new MQTTClient({ server: broker.host, port: broker.port, protocolVersion: 5, responseTime: 2 });
  const seen = [];
  observer.on("msg", (topic, msg, retained, qos, dup, properties) => seen.push({ topic, text: Buffer.from(msg).toString(), qos, properties }));
  const prefix = `esp/${process.pid}`;
  try {
    // Written in parts, one interpreter run each, as the espruino CLI uploads: the whole
    // bundle as one string literal does not fit the ESP32-C3's heap while the program parses.
    const CHUNK = 4000;
    for (let offset = 0; offset < source.length; offset += CHUNK) {
      const part = JSON.stringify(source.slice(offset, offset + CHUNK));
      const args = offset === 0 ? `${part}, 0, ${source.length}` : `${part}, ${offset}`;
      const write = await runEspruino(dir, `print("WROTE " + JSON.stringify({ ok: require("Storage").write("mqtt_as5", ${args}) }));\n`, "write.js");
      const writeTail = checkRun(write);
      assert.deepEqual(printedObject(write.output, "WROTE"), { ok: true }, `Storage.write at ${offset}` + writeTail);
    }
    const check = await runEspruino(
      dir,
      `var f = require("Storage").read("mqtt_as5"); print("WROTE " + JSON.stringify({ length: f.length, sum: E.sum(E.toUint8Array(f)), heap: process.memory().total }));\n`,
      "check.js"
    );
    const checkTail = checkRun(check);
    const wrote = printedObject(check.output, "WROTE");
    const sum = Buffer.from(source, "latin1").reduce((a, b) => a + b, 0);
    assert.deepEqual(wrote && { length: wrote.length, sum: wrote.sum }, { length: source.length, sum }, "the module in Storage" + checkTail);

    await observer.connect();
    await observer.subscribe(prefix + "/#", 2);
    const run = await runEspruino(dir, scenario(broker.host, broker.port, prefix), "v5.js");
    const tail = checkRun(run);
    const result = printedObject(run.output, "RESULT");
    assert.ok(result, "no RESULT line" + tail);
    assert.deepEqual(result.errors, [], "errors on the interpreter" + tail);
    assert.deepEqual(result.steps, [
      ["connect", false, 10],
      ["subscribe", 2],
      ["publish qos 1"],
      ["bad property", "BAD_ARGUMENT"],
      ["disconnect", false],
    ]);
    const byTopic = (list, name) => list.find((m) => m.topic === `${prefix}/${name}`) || assert.fail(`nothing on ${name}` + tail);

    // What the interpreter received back, with its properties.
    assert.equal(result.received.length, 5, JSON.stringify(result.received));
    for (const m of result.received) {
      assert.equal(m.args, 6);
      assert.deepEqual(m.properties.subscriptionIdentifier, [5]);
    }
    const props = byTopic(result.received, "props");
    assert.equal(props.text, "with properties");
    assert.equal(props.qos, 1);
    assert.deepEqual(props.properties.userProperties, [["a", "1"], ["b", "2"], ["a", "3"]]);
    assert.deepEqual(props.properties.correlationData, [0, 1, 127, 128, 255]);
    assert.equal(props.properties.responseTopic, `${prefix}/reply`);
    assert.equal(props.properties.contentType, "text/plain");
    assert.ok(props.properties.messageExpiryInterval >= 1 && props.properties.messageExpiryInterval <= 60);
    assert.deepEqual(result.received.filter((m) => m.topic === `${prefix}/alias`).map((m) => m.text), ["alias set", "alias used"]);
    assert.deepEqual(byTopic(result.received, "q2").properties.userProperties, [["x", "y"]]);
    assert.equal(byTopic(result.received, "q2").qos, 2);
    assert.deepEqual(byTopic(result.received, "plain"), {
      args: 6, topic: `${prefix}/plain`, text: "plain text", qos: 0, retained: false, properties: { subscriptionIdentifier: [5] },
    });

    // What the Node observer saw the interpreter send.
    const deadline = Date.now() + 2000;
    while (seen.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const sent = byTopic(seen, "props");
    assert.deepEqual(sent.properties.userProperties, [["a", "1"], ["b", "2"], ["a", "3"]]);
    assert.deepEqual([...sent.properties.correlationData], [0, 1, 127, 128, 255]);
    assert.deepEqual(seen.filter((m) => m.topic === `${prefix}/alias`).map((m) => m.text), ["alias set", "alias used"]);
    assert.equal(seen.filter((m) => m.topic === `${prefix}/bad`).length, 0);
    const plain = byTopic(seen, "plain");
    assert.deepEqual([plain.text, plain.qos, plain.properties], ["plain text", 0, {}]);
    t.diagnostic(`E.getSizeOf(client) while connected and subscribed, v5 (module from Storage, ${wrote.heap} JsVars): ${result.sizeOf} JsVars`);
  } finally {
    await observer.disconnect();
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
