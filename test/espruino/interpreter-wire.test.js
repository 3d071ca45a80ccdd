"use strict";
// Hostile brokers and careless programs on a real Espruino interpreter (ESPRUINO; skipped,
// visibly, where it is unset): what the client must survive on the board's heap without a
// leak, an OUT OF MEMORY or an ASSERT. The 3.1.1 bundle is written to Storage, as users keep
// it (the ESP32-C3's heap cannot load it into RAM), and each program prints one RESULT line.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startAedes } = require("../helpers/brokers.js");
const { ESPRUINO, NO_ESPRUINO, bundleSource, runEspruino, printedObject, checkRun } = require("../helpers/espruino.js");

const ROOT = path.join(__dirname, "..", "..");
const BUNDLE = path.join(ROOT, "dist", "mqtt_as.js");

/** Runs fn(dir) with the bundle in the Storage of a fresh folder `dir`; skipped without ESPRUINO. */
async function withStoredModule(t, fn) {
  if (!ESPRUINO) return t.skip(NO_ESPRUINO);
  const source = bundleSource(BUNDLE);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "espruino-wire-"));
  try {
    const write = await runEspruino(dir, `print("WROTE " + JSON.stringify({ ok: require("Storage").write("mqtt_as", ${JSON.stringify(source)}) }));\n`, "write.js");
    assert.deepEqual(printedObject(write.output, "WROTE"), { ok: true }, "Storage.write" + checkRun(write));
    await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `program` in `dir`; checks the run (no Uncaught, ASSERT, hang, OUT OF MEMORY) and returns its RESULT. */
async function result(dir, program) {
  const run = await runEspruino(dir, program);
  const tail = checkRun(run);
  assert.ok(!/OUT OF MEMORY|Unhandled promise rejection/.test(run.output), "out of memory, or an unhandled rejection" + tail);
  const printed = printedObject(run.output, "RESULT");
  assert.ok(printed, "no RESULT line" + tail);
  return printed;
}

// 200 calls in bursts of 20, each on a later turn: a burst's then()s (about 14 JsVars each)
// must go once it has run; 200 at once would not fit the ESP32-C3's heap beside the client.
// A connect and disconnect alone leave about 80 JsVars (the codec's one-topic caches and the
// interpreter's own); the shared promise kept 684 more before.
test("interpreter: 200 QoS 0 publish(...).then(cb) in bursts of 20, then disconnect() and dropping the client, leave the heap where it began", async (t) => {
  const broker = await startAedes();
  try {
    await withStoredModule(t, async (dir) => {
      const r = await result(
        dir,
        `var mqtt = require("mqtt_as");
setTimeout(function () {
  var before = process.memory().usage;
  var c = new mqtt.MQTTClient({ server: "${broker.host}", port: ${broker.port}, clientId: "leak", keepalive: 10, responseTime: 2 });
  var settled = 0;
  function burst(left, done) {
    for (var i = 0; i < 20; i++) c.publish("leak/t", "m", false, 0).then(function () { settled++; });
    setTimeout(left > 1 ? function () { burst(left - 1, done); } : done, 20);
  }
  c.connect().then(function () {
    return new Promise(function (resolve) { burst(10, resolve); });
  }).then(function () {
    return c.disconnect();
  }).then(function () {
    c = null;
    setTimeout(function () {
      print("RESULT " + JSON.stringify({ settled: settled, grown: process.memory().usage - before }));
    }, 50);
  }, function (e) { print("RESULT " + JSON.stringify({ error: e.code })); });
}, 10);
`
      );
      t.diagnostic(`JsVars left after the client was dropped: ${r.grown}`);
      assert.equal(r.settled, 200);
      assert.ok(r.grown <= 100, `the heap grew by ${r.grown} JsVars`);
    });
  } finally {
    await broker.close();
  }
});

// Topics that an 8-bit string would cut into others: U+0163 to "c", CJK and an emoji to
// bytes with a NUL among them. Where the build has no Unicode strings, each must arrive as its
// UTF-8 bytes, one character per byte.
const NON_ASCII_TOPICS = ["dev/\u0163md", "dev/\u65e5\u672c", "dev/\u{1F600}"];

test("interpreter: non-ASCII topics arrive as their UTF-8 bytes, never cut into other topics", async (t) => {
  const broker = await startAedes();
  const { MQTTClient } = require(path.join(ROOT, "dist", "node", "mqtt_as.js")); // the sender runs on Node
  const sender = new MQTTClient({ server: broker.host, port: broker.port, clientId: "sender" });
  try {
    await withStoredModule(t, async (dir) => {
      await sender.connect();
      // Retained, so that the interpreter's client gets them when it subscribes.
      for (const topic of NON_ASCII_TOPICS) await sender.publish(topic, "x", true, 1);
      const r = await result(
        dir,
        `var mqtt = require("mqtt_as");
var c = new mqtt.MQTTClient({ server: "${broker.host}", port: ${broker.port}, clientId: "topics", keepalive: 10, responseTime: 2 });
var topics = [];
c.on("msg", function (topic) {
  var codes = [];
  for (var i = 0; i < topic.length; i++) codes.push(topic.charCodeAt(i));
  topics.push(codes);
  if (topics.length === ${NON_ASCII_TOPICS.length}) c.disconnect().then(function () { print("RESULT " + JSON.stringify({ topics: topics, cmd: topics.some(function (t) { return E.toString(t) === "dev/cmd"; }) })); });
});
c.connect().then(function () { return c.subscribe("dev/#", 0); }).then(undefined, function (e) { print("RESULT " + JSON.stringify({ error: e.code })); });
`
      );
      const expected = NON_ASCII_TOPICS.map((topic) => [...Buffer.from(topic, "utf8")]);
      assert.deepEqual(r.topics.slice().sort(), expected.slice().sort());
      assert.equal(r.cmd, false);
    });
  } finally {
    await sender.disconnect();
    await broker.close();
  }
});
