"use strict";
// The programs in examples/ run as written against real brokers and end by themselves, printing
// what they say they do. Node resolves a package's own name inside its folder (package.json's
// "exports"), so `require("mqtt_as")` in examples/ loads this checkout's build, as it loads the
// installed package in a user's project. Node examples take the broker from MQTT_URL; the
// Espruino one from its BROKER line, the one line replaced here.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startAedes, startMosquitto, freePort } = require("./helpers/brokers.js");
const { runNode } = require("./helpers/child.js");
const { ESPRUINO, NO_ESPRUINO, bundleSource, runEspruino, checkRun } = require("./helpers/espruino.js");

const ROOT = path.join(__dirname, "..");
const EXAMPLES = path.join(ROOT, "examples");
const RUN_MS = 30000;

/** Runs examples/node/`name` against `broker` ({ host, port }); returns its { exited, code, out }. */
function runExample(name, broker, env) {
  return runNode([path.join(EXAMPLES, "node", name)], RUN_MS, { MQTT_URL: `mqtt://${broker.host}:${broker.port}`, ...env });
}

/** Runs fn(broker) with a broker started for it: Mosquitto for MQTT 5 (Aedes has none). */
async function withBroker(t, mqtt5, fn) {
  const broker = mqtt5 ? await startMosquitto() : await startAedes();
  if (!broker) return t.skip("Mosquitto is not installed (Aedes has no MQTT 5)");
  try {
    await fn(broker);
  } finally {
    await broker.close();
  }
}

function assertEnded(r) {
  assert.ok(r.exited, "killed: it did not exit by itself\n" + r.out);
  assert.equal(r.code, 0, r.out);
}

const tested = ["publish-subscribe.js", "mqtt5.js", "keep-connected.js", "durable.js"];

test("every Node example has a test here, and the README links every example", () => {
  assert.deepEqual(fs.readdirSync(path.join(EXAMPLES, "node")).sort(), [...tested].sort());
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  for (const folder of ["node", "espruino"]) {
    for (const file of fs.readdirSync(path.join(EXAMPLES, folder))) assert.ok(readme.includes(`](examples/${folder}/${file})`), `README.md does not link examples/${folder}/${file}`);
  }
});

test("examples/node/publish-subscribe.js: MQTT 3.1.1 at each QoS, and back", { timeout: RUN_MS + 5000 }, (t) =>
  withBroker(t, false, async (broker) => {
    const r = await runExample("publish-subscribe.js", broker);
    assertEnded(r);
    assert.match(r.out, /^subscribed to \S+, granted QoS 2$/m, r.out);
    for (const qos of [0, 1, 2]) assert.match(r.out, new RegExp(`^received \\S+/hello: QoS ${qos}: .* \\(QoS ${qos}\\)$`, "m"), r.out);
    assert.match(r.out, /^disconnected$/m);
  })
);

test("examples/node/mqtt5.js: properties and user properties come back, a refusal has its reason code", { timeout: RUN_MS + 5000 }, (t) =>
  withBroker(t, true, async (broker) => {
    const r = await runExample("mqtt5.js", broker);
    assertEnded(r);
    assert.match(r.out, /^received \S+\/temperature: \{"t":21\.5\}$/m, r.out);
    assert.match(r.out, /^ {2}contentType application\/json, responseTopic \S+\/replies$/m);
    assert.match(r.out, /^ {2}correlationData request-1$/m);
    assert.match(r.out, /^ {2}subscriptionIdentifier \[7\]$/m);
    assert.match(r.out, /^ {2}userProperties \[\["unit","C"\],\["source","probe-1"\],\["source","probe-2"\]\]$/m);
    assert.match(r.out, /^publish refused: REFUSED, reason code 0x87$/m, "Mosquitto refuses a publish to $SYS/");
    assert.match(r.out, /^disconnected$/m);
  })
);

test("examples/node/keep-connected.js: up, subscribed, its message back, then it ends", { timeout: RUN_MS + 5000 }, (t) =>
  withBroker(t, false, async (broker) => {
    const r = await runExample("keep-connected.js", broker);
    assertEnded(r);
    assert.match(r.out, /^connected\nup and subscribed to (\S+)\nreceived \1: hello from keep-connected\ndisconnected\n$/, r.out);
  })
);

test("examples/node/keep-connected.js: with no broker, onFailure reports each attempt, and it gives up after three", { timeout: RUN_MS + 5000 }, async () => {
  const r = await runExample("keep-connected.js", { host: "127.0.0.1", port: await freePort() });
  assert.ok(r.exited, "killed: onFailure was never called, or it did not end\n" + r.out);
  assert.equal(r.code, 1, r.out);
  const failures = r.out.match(/^cannot connect: CLOSED .*ECONNREFUSED.*; next try in \d+ ms$/gm) || [];
  assert.equal(failures.length, 3, r.out);
  assert.match(r.out, /^giving up after 3 attempts$/m);
});

test("examples/node/durable.js: publishes stored offline arrive, in order, once a client over the folder connects", { timeout: RUN_MS + 5000 }, (t) =>
  withBroker(t, false, async (broker) => {
    const sessionDir = fs.mkdtempSync(path.join(os.tmpdir(), "mqtt_as-durable-"));
    t.after(() => fs.rmSync(sessionDir, { recursive: true, force: true }));
    const r = await runExample("durable.js", broker, { MQTT_SESSION_DIR: sessionDir });
    assertEnded(r);
    const lines = r.out.trim().split("\n");
    assert.deepEqual(lines.slice(0, 3), ["stored reading 1 while offline", "stored reading 2 while offline", "stored reading 3 while offline"], r.out);
    assert.deepEqual(lines.filter((line) => line.startsWith("watcher")), ["watcher received reading 1", "watcher received reading 2", "watcher received reading 3"], r.out);
    assert.ok(lines.includes("the broker acknowledged everything stored"), r.out);
  })
);

test("examples/espruino/hello.js runs on the interpreter with mqtt_as in Storage", { timeout: 2 * RUN_MS + 10000 }, async (t) => {
  if (!ESPRUINO) return t.skip(NO_ESPRUINO);
  const source = bundleSource(path.join(ROOT, "dist", "mqtt_as.js"));
  const hello = fs.readFileSync(path.join(EXAMPLES, "espruino", "hello.js"), "utf8");
  await withBroker(t, false, async (broker) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "espruino-hello-"));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    // What the Web IDE's Storage upload does: the module's text in a Storage file.
    checkRun(await runEspruino(dir, `require("Storage").write("mqtt_as", ${JSON.stringify(source)});\n`, "write.js"));
    const program = hello.replace(/^var BROKER = .*$/m, `var BROKER = { server: "${broker.host}", port: ${broker.port} };`);
    assert.notEqual(program, hello, "the BROKER line was not found");
    const run = await runEspruino(dir, program, "hello.js");
    const tail = checkRun(run);
    assert.match(run.output, /connected to 127\.0\.0\.1\r?\n/, tail);
    assert.match(run.output, /subscribed to hello\/\S+, granted QoS 1\r?\n/, tail);
    assert.match(run.output, /received hello\/\S+: hello from Espruino 2v\S+ \(QoS 1\)\r?\n/, tail);
    assert.match(run.output, /disconnected/, tail);
  });
});
