// Load against Mosquitto: one client publishing while receiving the same messages on its
// own subscription (mqtt_as.compat's stream variant crashed under exactly this), and an
// echo of payloads growing to 256 KB checked byte for byte.
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const { startMosquitto } = require("../helpers/brokers.js");
const { MQTTClient } = require("../../dist/node/mqtt_as.js");
const { waitFor, within } = require("./harness.js");

const TOTAL = 20000;
const TOPICS = 4;
const WINDOW = 32; // publishes outstanding at once

async function broker(t) {
  const b = await startMosquitto();
  if (b) t.after(() => b.close());
  return b;
}

test(`one client publishes ${TOTAL} QoS 1 messages and receives them itself: none lost, order kept`, { timeout: 60000 }, async (t) => {
  const b = await broker(t);
  if (!b) return t.skip("mosquitto not installed");
  const client = new MQTTClient({
    server: "127.0.0.1",
    port: b.port,
    keepalive: 10,
    responseTime: 10, // no retransmission on a slow machine: that could reorder
    maxInflight: WINDOW,
    queueLen: 10,
  });
  t.after(() => client.disconnect());
  const downs = [];
  client.on("down", (error) => downs.push(error && error.code));
  const next = new Array(TOPICS).fill(0); // the sequence number expected next, per topic
  const errors = [];
  let received = 0;
  const base = `load/${process.pid}/${Date.now()}`;
  client.on("msg", (topic, msg, retained, qos) => {
    const k = Number(topic.slice(base.length + 1));
    const seq = Number(Buffer.from(msg).toString());
    if (qos !== 1 || seq !== next[k]) {
      if (errors.length < 10) errors.push(`topic ${k}: got ${seq} qos ${qos}, expected ${next[k]}`);
    }
    next[k] = seq + 1;
    received++;
  });
  await client.connect(true);
  assert.equal(await client.subscribe(`${base}/+`, 1), 1);

  const started = Date.now();
  let resolved = 0;
  let sent = 0;
  const publishErrors = [];
  await new Promise((resolve) => {
    let outstanding = 0;
    const pump = () => {
      while (outstanding < WINDOW && sent < TOTAL && publishErrors.length === 0) {
        const k = sent % TOPICS;
        const seq = Math.floor(sent / TOPICS);
        sent++;
        outstanding++;
        client.publish(`${base}/${k}`, String(seq), false, 1).then(
          () => {
            resolved++;
            outstanding--;
            pump();
          },
          (error) => {
            publishErrors.push(error.code);
            outstanding--;
            pump();
          }
        );
      }
      if (outstanding === 0) resolve();
    };
    pump();
  });
  await waitFor(() => received >= TOTAL, 30000, `${TOTAL} messages received (have ${received})`);
  const seconds = (Date.now() - started) / 1000;
  t.diagnostic(`${TOTAL} QoS 1 round trips in ${seconds.toFixed(1)} s: ${Math.round(TOTAL / seconds)} msg/s`);
  assert.deepEqual(publishErrors, [], "no publish rejected");
  assert.equal(resolved, TOTAL);
  assert.deepEqual(errors, [], "per-topic order, QoS 1");
  assert.equal(received, TOTAL, "none lost, none duplicated");
  assert.deepEqual(next, new Array(TOPICS).fill(TOTAL / TOPICS));
  assert.deepEqual(downs, [], "the connection stayed up");
  assert.ok(client.up.isSet());
});

test("echo of payloads growing from 0 to 256 KB, QoS 0 and 1, byte for byte", { timeout: 60000 }, async (t) => {
  const b = await broker(t);
  if (!b) return t.skip("mosquitto not installed");
  const client = new MQTTClient({
    server: "127.0.0.1",
    port: b.port,
    keepalive: 10,
    responseTime: 10,
    maxPacketSize: 300 * 1024,
  });
  t.after(() => client.disconnect());
  const inbox = [];
  let wake = null;
  client.on("msg", (topic, msg, retained, qos) => {
    inbox.push({ topic, msg, qos });
    if (wake) wake();
  });
  await client.connect(true);
  const topic = `echo/${process.pid}/${Date.now()}`;
  assert.equal(await client.subscribe(topic, 1), 1);

  const sizes = [0, 1, 2, 3, 127, 128, 129, 16383, 16384, 16385, 65535, 65536, 65537];
  for (let n = 4; n <= 256 * 1024; n *= 2) sizes.push(n - 1, n);
  sizes.push(256 * 1024);
  const unique = [...new Set(sizes)].sort((a, b) => a - b);
  let checked = 0;
  for (const size of unique) {
    for (const qos of [0, 1]) {
      const payload = new Uint8Array(crypto.randomBytes(size));
      await within(client.publish(topic, payload, false, qos), 10000, `publish ${size} bytes`);
      await within(
        new Promise((resolve) => {
          if (inbox.length) return resolve();
          wake = resolve;
        }),
        10000,
        `echo of ${size} bytes at QoS ${qos}`
      );
      wake = null;
      const got = inbox.shift();
      assert.equal(got.qos, qos, `QoS of the ${size}-byte echo`);
      assert.ok(got.msg instanceof Uint8Array, "msg is a Uint8Array");
      assert.equal(got.msg.length, size, `length of the ${size}-byte echo`);
      assert.ok(Buffer.from(got.msg).equals(Buffer.from(payload)), `bytes of the ${size}-byte echo at QoS ${qos}`);
      checked++;
    }
  }
  assert.equal(inbox.length, 0, "nothing extra arrived");
  assert.equal(checked, unique.length * 2);
  assert.ok(unique.includes(0) && unique.includes(256 * 1024));
});
