"use strict";
// Shared set-up for the client tests: a client on a FakeBroker, under node:test's fake clock.
const assert = require("node:assert/strict");
const { mock, beforeEach, afterEach } = require("node:test");
const { MQTTClient } = require("../../build/client/client.js");
const { FakeBroker, T, flush, packetBytes, CONNACK_REASON, MQTT5 } = require("./fake-broker.js");

/** Installs the fake clock around every test of the calling file. */
function useFakeClock() {
  beforeEach(() => mock.timers.enable({ apis: ["setInterval", "setTimeout"] }));
  afterEach(() => mock.timers.reset());
}

/** responseTime 1 s makes the ticker's period 250 ms; keepalive 0 keeps pings out of the way. */
function makeClient(cfg = {}, brokerOptions = {}) {
  const broker = new FakeBroker(brokerOptions);
  const client = new MQTTClient(
    Object.assign(
      { server: "broker.test", clientId: "tester", keepalive: 0, responseTime: 1, transport: broker.transport },
      MQTT5 ? { protocolVersion: 5 } : {},
      cfg
    )
  );
  return { client, broker };
}

/** Connects, answers the CONNECT with a CONNACK, and returns { sessionPresent, connect }. */
async function connectUp(client, broker, { clean = true, sessionPresent = false } = {}) {
  const promise = client.connect(clean);
  await flush();
  const sent = broker.take();
  assert.equal(sent.length, 1, "one packet after the socket opened");
  assert.equal(sent[0].type, T.CONNECT);
  broker.send({ type: T.CONNACK, sessionPresent, returnCode: 0 });
  const present = await promise;
  await flush();
  return { sessionPresent: present, connect: sent[0] };
}

/** Advances the fake clock in steps, letting promise reactions run after each step. */
async function advance(ms, step = 50) {
  while (ms > 0) {
    const s = Math.min(step, ms);
    mock.timers.tick(s);
    ms -= s;
    await flush(1);
  }
  await flush();
}

/** Watches a promise without awaiting it: { state, value, error }. */
function track(promise) {
  const t = { state: "pending", value: undefined, error: undefined };
  promise.then(
    (v) => {
      t.state = "resolved";
      t.value = v;
    },
    (e) => {
      t.state = "rejected";
      t.error = e;
    }
  );
  return t;
}

async function rejectsWith(promise, code) {
  let error = null;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, "expected a rejection with " + code);
  assert.ok(error instanceof Error, "rejects with an Error");
  assert.equal(error.code, code);
  return error;
}

function text(bytes) {
  return Buffer.from(bytes).toString("utf8");
}

/** A PUBLISH as the broker sends it. */
function pub(topic, payload, qos, packetId, extra = {}) {
  return Object.assign(
    { type: T.PUBLISH, dup: false, qos, retain: false, topicName: topic, packetId, payload: Buffer.from(payload) },
    extra
  );
}

/** Records the delay of every setTimeout call for the rest of test `t` (fake clock or not). */
function recordTimeouts(t) {
  const delays = [];
  const setTimeoutBefore = globalThis.setTimeout;
  t.after(() => (globalThis.setTimeout = setTimeoutBefore));
  globalThis.setTimeout = (fn, ms) => {
    delays.push(ms);
    return setTimeoutBefore(fn, ms);
  };
  return delays;
}

module.exports = {
  useFakeClock,
  makeClient,
  connectUp,
  advance,
  track,
  rejectsWith,
  text,
  pub,
  recordTimeouts,
  flush,
  T,
  FakeBroker,
  MQTTClient,
  packetBytes,
  CONNACK_REASON,
  MQTT5,
};
