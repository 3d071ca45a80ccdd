// keepConnected against a broker that refuses one subscription (Aedes: authorizeSubscribe;
// Mosquitto 2.0 grants a denied 3.1.1 subscription and just delivers nothing): the supervisor
// comes up, and the other subscriptions are still made — one refused topic must not cost
// the rest. (Fails while keepConnected chains the subscribes and stops at the first rejection.)
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { startAedes } = require("../helpers/brokers.js");
const { MQTTClient } = require("../../dist/node/mqtt_as.js");
const { keepConnected } = require("../../dist/keep-connected.js");
const { waitFor, within } = require("./harness.js");

test("keepConnected: a subscription refused by the broker does not stop the ones after it", { timeout: 30000 }, async (t) => {
  const broker = await startAedes({
    authorizeSubscribe(_client, sub, cb) {
      if (sub.topic.startsWith("denied/")) cb(null, null); // SUBACK 0x80
      else cb(null, sub);
    },
  });
  const client = new MQTTClient({ server: "127.0.0.1", port: broker.port, keepalive: 5, responseTime: 2 });
  const publisher = new MQTTClient({ server: "127.0.0.1", port: broker.port, keepalive: 5, responseTime: 2 });
  const got = [];
  client.on("msg", (topic, msg) => got.push(`${topic} ${Buffer.from(msg)}`));
  const topic = `allowed/${process.pid}`;
  // Insertion order: the refused filter comes first.
  const sup = keepConnected(client, { subscriptions: { "denied/x": 1, [topic]: 1 }, minDelay: 50, maxDelay: 400 });
  t.after(async () => {
    sup.stop();
    await client.disconnect();
    await publisher.disconnect();
    await broker.close();
  });
  // The broker really refuses it (so the test exercises a refusal, not something else).
  await publisher.connect(true);
  await assert.rejects(publisher.subscribe("denied/x", 1), (e) => e.code === "SUBACK_FAILURE");

  await within(sup.up.wait(), 10000, "supervisor up");
  await publisher.publish(topic, "hello", false, 1);
  await waitFor(() => got.length >= 1, 3000, "message on the allowed topic").catch(() => {});
  assert.deepEqual(got, [`${topic} hello`], "the allowed subscription was made despite the refused one");
});

// ---- disconnect() ends the supervision: a Node process then exits by itself (issue 11) ----

const path = require("node:path");
const net = require("node:net");
const { runScript } = require("../helpers/child.js");

const DIST = JSON.stringify(path.resolve(__dirname, "../../dist/node"));

/** Runs `body` in a child Node process with a client under keepConnected() on `port`; resolves
 *  with whether it exited by itself within 8 s, and what it printed. maxDelay is 100 s: a
 *  timer of the supervisor left running would keep the child alive far past that. */
function runChild(port, body) {
  const script = `
    const { MQTTClient } = require(${DIST} + "/mqtt_as.js");
    const { keepConnected } = require(${DIST} + "/keep-connected.js");
    const client = new MQTTClient({ server: "127.0.0.1", port: ${port}, keepalive: 30, responseTime: 2 });
    const sup = keepConnected(client, { subscriptions: { "kc/child": 1 }, minDelay: 50, maxDelay: 100000 });
    ${body}
  `;
  return runScript(script, 8000);
}

const CHILD_CASES = [
  ["disconnect() once up", `sup.up.wait().then(() => client.disconnect()).then(() => console.log("closed"));`],
  ["stop() then disconnect() once up", `sup.up.wait().then(() => { sup.stop(); return client.disconnect(); }).then(() => console.log("closed"));`],
  ["disconnect() then stop() once up", `sup.up.wait().then(() => { const p = client.disconnect(); sup.stop(); return p; }).then(() => console.log("closed"));`],
];

for (const [name, body] of CHILD_CASES) {
  test(`keepConnected against Aedes, ${name}: the process exits by itself`, { timeout: 20000 }, async (t) => {
    const broker = await startAedes();
    t.after(() => broker.close());
    const result = await runChild(broker.port, body);
    assert.equal(result.exited, true, "the child did not exit by itself: " + result.out);
    assert.equal(result.code, 0, result.out);
    assert.equal(result.out.trim(), "closed");
  });
}

test("keepConnected retrying a refused port, then disconnect(): the process exits by itself", { timeout: 20000 }, async () => {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  await new Promise((r) => server.close(r));
  const result = await runChild(port, `setTimeout(() => client.disconnect().then(() => console.log("closed")), 500);`);
  assert.equal(result.exited, true, "the child did not exit by itself: " + result.out);
  assert.equal(result.out.trim(), "closed");
});
