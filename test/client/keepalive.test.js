"use strict";
// Keepalive pings, a silent broker, and brokerUp().
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { useFakeClock, makeClient, connectUp, advance, track, flush, T } = require("./helpers.js");

useFakeClock();

const types = (packets) => packets.map((p) => p.type);

test("keepalive: PINGREQ once nothing was sent for keepalive/4", async () => {
  // keepalive 4 s: pings every 1 s; responseTime 1 s: ticker period 250 ms.
  const { client, broker } = makeClient({ keepalive: 4 }, { pingresp: true });
  await connectUp(client, broker);
  await advance(750);
  assert.deepEqual(broker.take(), [], "no ping before keepalive/4");
  await advance(250);
  assert.deepEqual(types(broker.take()), [T.PINGREQ]);
  await advance(750);
  assert.deepEqual(broker.take(), []);
  await advance(250);
  assert.deepEqual(types(broker.take()), [T.PINGREQ]);
  // A broker that answers keeps the connection up well past 1.5 x keepalive.
  await advance(10000);
  assert.equal(client.up.isSet(), true);
  assert.equal(broker.socket.closed, false);
  await client.disconnect();
});

test("keepalive: a pingInterval smaller than keepalive/4 sets the ping period", async () => {
  const { client, broker } = makeClient({ keepalive: 60, pingInterval: 2 }, { pingresp: true });
  await connectUp(client, broker);
  await advance(1750);
  assert.deepEqual(broker.take(), []);
  await advance(250);
  assert.deepEqual(types(broker.take()), [T.PINGREQ]);
  await advance(2000);
  assert.deepEqual(types(broker.take()), [T.PINGREQ]);
  await client.disconnect();
});

test("keepalive: a pingInterval larger than keepalive/4 does not slow the pings", async () => {
  const { client, broker } = makeClient({ keepalive: 8, pingInterval: 30 }, { pingresp: true });
  await connectUp(client, broker);
  await advance(1750);
  assert.deepEqual(broker.take(), []);
  await advance(250);
  assert.deepEqual(types(broker.take()), [T.PINGREQ]);
  await client.disconnect();
});

test("keepalive: nothing received for 1.5 x keepalive closes the socket; down with TIMEOUT; up cleared", async () => {
  const { client, broker } = makeClient({ keepalive: 4 }); // the broker never answers pings
  await connectUp(client, broker);
  const downs = [];
  client.on("down", (e) => downs.push(e));
  await advance(5750);
  assert.equal(client.up.isSet(), true);
  assert.equal(broker.socket.closed, false);
  assert.ok(types(broker.take()).every((t) => t === T.PINGREQ));
  await advance(250);
  assert.equal(broker.socket.destroyed, true);
  assert.equal(client.up.isSet(), false);
  assert.equal(client.down.isSet(), true);
  assert.equal(downs.length, 1);
  assert.ok(downs[0] instanceof Error);
  assert.equal(downs[0].code, "TIMEOUT");
});

test("keepalive: PINGREQ also when the client keeps sending but the broker is quiet", async () => {
  const { client, broker } = makeClient({ keepalive: 4 }, { pingresp: true });
  await connectUp(client, broker);
  for (let i = 0; i < 8; i++) {
    await client.publish("t", "x", false, 0);
    await advance(250);
  }
  const pings = broker.take().filter((p) => p.type === T.PINGREQ);
  assert.ok(pings.length >= 1, "a quiet broker is pinged even while publishing");
  assert.equal(client.up.isSet(), true);
  await client.disconnect();
});

test("keepalive 0 sends no pings and never times out", async () => {
  const { client, broker } = makeClient({ keepalive: 0 });
  await connectUp(client, broker);
  await advance(600000, 1000);
  assert.deepEqual(broker.take(), []);
  assert.equal(client.up.isSet(), true);
  assert.equal(broker.socket.closed, false);
  await client.disconnect();
});

test("brokerUp(): false when not connected", async () => {
  const { client, broker } = makeClient();
  assert.equal(await client.brokerUp(), false);
  const connecting = client.connect();
  assert.equal(await client.brokerUp(), false, "false while connecting");
  await flush();
  broker.send({ type: T.CONNACK, sessionPresent: false, returnCode: 0 });
  await connecting;
  await client.disconnect();
  assert.equal(await client.brokerUp(), false, "false after disconnect");
});

test("brokerUp(): true at once, with no PINGREQ, right after something arrived", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  await advance(500);
  const up = track(client.brokerUp());
  await flush();
  assert.equal(up.state, "resolved");
  assert.equal(up.value, true);
  assert.deepEqual(broker.take(), []);
  await client.disconnect();
});

test("brokerUp(): after a quiet second, PINGREQ and true on PINGRESP", async () => {
  const { client, broker } = makeClient({ responseTime: 2 });
  await connectUp(client, broker);
  await advance(1500);
  const up = track(client.brokerUp());
  const up2 = track(client.brokerUp()); // a second caller shares the one ping
  await flush();
  assert.deepEqual(types(broker.take()), [T.PINGREQ]);
  assert.equal(up.state, "pending");
  broker.send({ type: T.PINGRESP });
  await flush();
  assert.equal(up.state, "resolved");
  assert.equal(up.value, true);
  assert.equal(up2.value, true);
  await client.disconnect();
});

test("brokerUp(): false after responseTime without an answer, and never rejects", async () => {
  const { client, broker } = makeClient({ responseTime: 2 }); // period 500 ms
  await connectUp(client, broker);
  await advance(1000);
  const up = track(client.brokerUp());
  await flush();
  assert.deepEqual(types(broker.take()), [T.PINGREQ]);
  await advance(1500);
  assert.equal(up.state, "pending");
  await advance(500);
  assert.equal(up.state, "resolved");
  assert.equal(up.value, false);
  // A drop while waiting resolves false too.
  const up2 = track(client.brokerUp());
  await flush();
  assert.deepEqual(types(broker.take()), [T.PINGREQ]);
  broker.drop();
  await flush();
  assert.equal(up2.state, "resolved");
  assert.equal(up2.value, false);
});
