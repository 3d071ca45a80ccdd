// Shared by the fault tests: Mosquitto, a proxy in front of it, a publisher supervised by
// keepConnected through the proxy with a persistent session, and a subscriber with its own
// persistent session (QoS 2) connected straight to Mosquitto, so that it keeps receiving
// while the publisher's path is broken.
"use strict";
const { startMosquitto } = require("../helpers/brokers.js");
const { startProxy } = require("../helpers/proxy.js");
const { MQTTClient } = require("../../dist/node/mqtt_as.js");
const { keepConnected } = require("../../dist/keep-connected.js");

const MIN_DELAY = 50;
const MAX_DELAY = 400;
const KEEPALIVE = 2; // seconds: the client gives up on a silent broker after 3 s
const BACKOFF_SLACK = 750; // ms over maxDelay allowed for a loaded 2-core machine

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `cond` every 20 ms; rejects with `what` after `ms`. */
async function waitFor(cond, ms, what) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

let serial = 0;

async function setup(t) {
  const broker = await startMosquitto();
  if (!broker) return null;
  const tag = `${process.pid}-${++serial}-${Date.now() % 100000}`;
  const topic = `res/${tag}`;
  const proxy = await startProxy({ targetPort: broker.port });
  const h = {
    broker,
    proxy,
    topic,
    received: new Map(), // payload -> how many times it arrived
    publishes: [], // { id, qos, state: "pending" | "resolved" | "rejected", error }
    downs: [], // publisher's down events: { code, cause, at }
    subscriberDowns: [],
  };

  const subscriber = new MQTTClient({
    server: "127.0.0.1",
    port: broker.port,
    clientId: `sub-${tag}`,
    keepalive: KEEPALIVE,
    responseTime: 1,
    maxRepubs: 10,
  });
  subscriber.on("msg", (_topic, msg) => {
    const id = Buffer.from(msg).toString();
    h.received.set(id, (h.received.get(id) || 0) + 1);
  });
  subscriber.on("down", (error) => h.subscriberDowns.push(error && error.code));
  h.subscriber = subscriber;
  h.subSup = keepConnected(subscriber, {
    clean: false,
    subscriptions: { [`${topic}/#`]: 2 },
    minDelay: MIN_DELAY,
    maxDelay: MAX_DELAY,
  });
  await within(h.subSup.up.wait(), 10000, "subscriber up");

  const publisher = new MQTTClient({
    server: "127.0.0.1",
    port: proxy.port,
    clientId: `pub-${tag}`,
    keepalive: KEEPALIVE,
    responseTime: 1,
    maxRepubs: 10, // 11 s before TIMEOUT: longer than any outage here
    maxInflight: 4,
    queueLen: 200,
  });
  publisher.on("down", (error) => h.downs.push({ code: error && error.code, cause: error && error.cause, at: Date.now() }));
  h.publisher = publisher;
  h.pubSup = keepConnected(publisher, { clean: false, minDelay: MIN_DELAY, maxDelay: MAX_DELAY });
  await within(h.pubSup.up.wait(), 10000, "publisher up");

  /** Publishes n QoS 1 and n QoS 2 messages tagged `phase`, without waiting for them. */
  h.publishBatch = (phase, n) => {
    for (let i = 0; i < n; i++) {
      for (const qos of [1, 2]) {
        const record = { id: `${phase}-q${qos}-${i}`, qos, state: "pending", error: null };
        h.publishes.push(record);
        publisher.publish(`${topic}/${phase}`, record.id, false, qos).then(
          () => (record.state = "resolved"),
          (error) => {
            record.state = "rejected";
            record.error = error;
          }
        );
      }
    }
  };

  /** Every publish resolved, every message arrived; QoS 2 exactly once, QoS 1 at least once. */
  h.checkDelivery = async (assert, ms = 20000) => {
    await waitFor(() => h.publishes.every((p) => p.state !== "pending"), ms, "publishes to settle");
    const rejected = h.publishes.filter((p) => p.state === "rejected");
    assert.deepEqual(
      rejected.map((p) => `${p.id}: ${p.error && p.error.code}`),
      [],
      "no publish rejected"
    );
    await waitFor(() => h.publishes.every((p) => h.received.has(p.id)), ms, "messages to arrive").catch(() => {});
    await sleep(300); // a late duplicate would show up here
    const missing = h.publishes.filter((p) => !h.received.has(p.id)).map((p) => p.id);
    assert.deepEqual(missing, [], "every message arrived");
    const duplicated = h.publishes.filter((p) => p.qos === 2 && h.received.get(p.id) !== 1).map((p) => p.id);
    assert.deepEqual(duplicated, [], "QoS 2 exactly once");
  };

  /**
   * The supervisor's waits: from the end of one connection (as the proxy saw it) to the
   * next attempt, each within [minDelay, maxDelay + slack].
   */
  h.backoffGaps = () => {
    const conns = proxy.connections.slice().sort((a, b) => a.openedAt - b.openedAt);
    const gaps = [];
    for (let i = 1; i < conns.length; i++) gaps.push(conns[i].openedAt - conns[i - 1].closedAt);
    return gaps;
  };
  h.checkBackoff = (assert) => {
    const gaps = h.backoffGaps();
    assert.ok(gaps.length >= 1, "at least one reconnection attempt");
    for (const gap of gaps) {
      assert.ok(
        gap >= MIN_DELAY - 25 && gap <= MAX_DELAY + BACKOFF_SLACK,
        `backoff gap ${gap} ms outside [${MIN_DELAY}, ${MAX_DELAY} + ${BACKOFF_SLACK}]: ${gaps.join(",")}`
      );
    }
    return gaps;
  };

  h.cleanup = async () => {
    h.pubSup.stop();
    h.subSup.stop();
    await publisher.disconnect();
    await subscriber.disconnect();
    await proxy.close();
    await broker.close();
  };
  t.after(() => h.cleanup());
  return h;
}

module.exports = { setup, sleep, waitFor, within, MIN_DELAY, MAX_DELAY, KEEPALIVE };
