// Faults between the client and Mosquitto, injected by a loopback proxy. In each: `down`
// fires once per loss with the right code, the supervisor reconnects when the path is back,
// every QoS 1 and QoS 2 message published before, during and after the outage under the
// publisher's persistent session reaches the subscriber (QoS 2 exactly once), and the
// supervisor's backoff waits stay within [minDelay, maxDelay + slack].
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { setup, sleep, waitFor, within } = require("./harness.js");

const T = { timeout: 45000 };

test("a connection cut in the middle of a packet: one CLOSED down, reconnect, nothing lost", T, async (t) => {
  const h = await setup(t);
  if (!h) return t.skip("mosquitto not installed");
  h.publishBatch("before", 10);
  await waitFor(() => h.publishes.every((p) => p.state !== "pending"), 10000, "before-publishes");

  // The next chunk the publisher writes gets 3 bytes through, then both sides are closed.
  h.proxy.cut({ afterBytes: 3, direction: "up" });
  h.publishBatch("during", 10);
  await waitFor(() => h.downs.length >= 1, 10000, "down");
  assert.ok(h.proxy.connections.some((c) => c.cutMidPacket), "the proxy cut inside a packet");
  h.publishBatch("outage", 5); // made while the client is down: they wait for the reconnect
  await within(h.pubSup.up.wait(), 10000, "publisher up again");
  h.publishBatch("after", 10);

  await h.checkDelivery(assert);
  assert.deepEqual(h.downs.map((d) => d.code), ["CLOSED"], "one down, CLOSED");
  assert.equal(h.subscriberDowns.length, 0, "the subscriber's direct path was not touched");
  h.checkBackoff(assert);
});

test("half-open path longer than 1.5 x keepalive: one TIMEOUT down, reconnect once it heals", T, async (t) => {
  const h = await setup(t);
  if (!h) return t.skip("mosquitto not installed");
  h.publishBatch("before", 10);
  await waitFor(() => h.publishes.every((p) => p.state !== "pending"), 10000, "before-publishes");

  const start = Date.now();
  h.proxy.blackhole(true);
  h.publishBatch("during", 10); // written into the void while the client still thinks it is up
  await waitFor(() => h.downs.length >= 1, 10000, "down");
  const detectedAfter = Date.now() - start;
  h.publishBatch("outage", 5);
  await sleep(1500); // attempts during the outage are accepted and then ignored: CONNACK TIMEOUT
  h.proxy.blackhole(false);
  await within(h.pubSup.up.wait(), 10000, "publisher up again");
  h.publishBatch("after", 10);

  await h.checkDelivery(assert);
  assert.deepEqual(h.downs.map((d) => d.code), ["TIMEOUT"], "one down, TIMEOUT");
  // Silence is noticed after 1.5 x keepalive (3 s), not before; generous upper bound.
  assert.ok(detectedAfter >= 2500 && detectedAfter < 8000, `silence detected after ${detectedAfter} ms`);
  assert.ok(h.proxy.connections.length >= 3, "attempts were made during the outage");
  h.checkBackoff(assert);
});

test("Mosquitto stopped and started again: one CLOSED down, reconnect, new session", T, async (t) => {
  const h = await setup(t);
  if (!h) return t.skip("mosquitto not installed");
  // persistence is off: the restarted Mosquitto remembers no session. Guaranteed here:
  // messages acknowledged before the crash (we wait for their delivery first), messages
  // published while the broker is down (the publisher holds them under its own session
  // and sends them once reconnected), and messages published after. Not guaranteed (and
  // not tested): messages in flight at the instant of the crash.
  h.publishBatch("before", 10);
  await h.checkDelivery(assert);

  const subscriberDownsBefore = h.subscriberDowns.length;
  h.proxy.refuse(true); // hold the publisher back until the subscriber is subscribed again
  await h.broker.stop();
  await waitFor(() => h.downs.length >= 1, 10000, "publisher down");
  await waitFor(() => h.subscriberDowns.length > subscriberDownsBefore, 10000, "subscriber down");
  h.publishBatch("outage", 10);
  await sleep(1000);
  await h.broker.start();
  await within(h.subSup.up.wait(), 10000, "subscriber up and subscribed again");
  h.proxy.refuse(false);
  await within(h.pubSup.up.wait(), 10000, "publisher up again");
  h.publishBatch("after", 10);

  await h.checkDelivery(assert);
  assert.deepEqual(h.downs.map((d) => d.code), ["CLOSED"], "one down, CLOSED");
  assert.ok(h.proxy.connections.filter((c) => c.refused).length >= 2, "attempts were refused while down");
  h.checkBackoff(assert);
});

test("the broker's path closes right after CONNACK, repeatedly: one down each, then recovery", T, async (t) => {
  const h = await setup(t);
  if (!h) return t.skip("mosquitto not installed");
  h.publishBatch("before", 10);
  await waitFor(() => h.publishes.every((p) => p.state !== "pending"), 10000, "before-publishes");

  h.proxy.closeAfterConnack(true);
  h.proxy.cut(); // the current connection goes; every new one gets CONNACK and is closed
  h.publishBatch("outage", 10);
  await waitFor(() => h.proxy.connections.filter((c) => c.closedAfterConnack).length >= 4, 10000, "4 cycles");
  h.proxy.closeAfterConnack(false);
  await waitFor(() => h.publisher.up.isSet() && h.pubSup.up.isSet(), 10000, "publisher up again");
  const cycles = h.proxy.connections.filter((c) => c.closedAfterConnack).length;
  h.publishBatch("after", 10);

  await h.checkDelivery(assert);
  // One loss for the first cut, and one for every connection closed after its CONNACK.
  assert.equal(h.downs.length, 1 + cycles, `downs ${h.downs.map((d) => d.code)} for ${cycles} cycles`);
  assert.ok(h.downs.every((d) => d.code === "CLOSED"), "every down is CLOSED");
  h.checkBackoff(assert);
});
