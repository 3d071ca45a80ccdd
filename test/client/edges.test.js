"use strict";
// Edges of the state machine: split input, back-pressure, subscribe timeouts, incoming
// QoS 2 across reconnects, oversize input, re-entrant callbacks.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { useFakeClock, makeClient, connectUp, advance, track, rejectsWith, text, pub, flush, T, packetBytes, MQTT5 } = require("./helpers.js");

useFakeClock();

test("input split byte by byte: CONNACK and a PUBLISH still arrive whole", async () => {
  const { client, broker } = makeClient();
  const got = [];
  client.on("msg", (t, m) => got.push([t, text(m)]));
  const p = client.connect();
  await flush();
  broker.take();
  const bytes = Buffer.concat([
    packetBytes({ type: T.CONNACK, sessionPresent: false, returnCode: 0 }),
    packetBytes(pub("split/topic", "payload", 1, 3)),
  ]);
  for (const b of bytes) broker.sendRaw([b]);
  assert.equal(await p, false);
  await flush();
  assert.deepEqual(got, [["split/topic", "payload"]]);
  assert.deepEqual(broker.take(), [{ type: T.PUBACK, packetId: 3 }]);
  await client.disconnect();
});

test("back-pressure: a QoS 0 publish settles on 'drain' when write() returned false", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  broker.writeReturns = false;
  const p = track(client.publish("t", "x", false, 0));
  await flush();
  assert.equal(broker.take().length, 1, "written");
  assert.equal(p.state, "pending");
  broker.writeReturns = true;
  broker.socket.emit("drain");
  await flush();
  assert.equal(p.state, "resolved");
  await client.disconnect();
});

test("back-pressure: a QoS 0 publish waiting for 'drain' rejects CLOSED on a drop", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  broker.writeReturns = false;
  const p = track(client.publish("t", "x", false, 0));
  await flush();
  broker.drop();
  await flush();
  assert.equal(p.state, "rejected");
  assert.equal(p.error.code, "CLOSED");
});

test("promises nobody awaits (QoS 0 waiting for drain, QoS 1 in flight and waiting, subscribe, unsubscribe, connect) reject on a drop without an unhandled rejection, and still reject for a late await", async (t) => {
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  t.after(() => process.off("unhandledRejection", onUnhandled));
  const { client, broker } = makeClient({ maxInflight: 1 });
  await connectUp(client, broker);
  broker.writeReturns = false;
  const kept = [
    client.publish("t", "x", false, 0),
    client.publish("t", "x", false, 1), // in flight
    client.publish("t", "x", false, 1), // waiting for a slot
    client.subscribe("s", 0),
    client.unsubscribe("s"),
  ];
  await flush();
  broker.drop();
  broker.mode = "error"; // the next socket fails to open
  kept.push(client.connect());
  await flush();
  await new Promise((resolve) => setImmediate(resolve)); // Node reports unhandled rejections after the microtasks
  assert.deepEqual(unhandled, []);
  for (const p of kept) await rejectsWith(p, "CLOSED");
});

test("subscribe without SUBACK: TIMEOUT after responseTime, not resent; a late SUBACK is absorbed", async () => {
  const { client, broker } = makeClient({ responseTime: 2 });
  await connectUp(client, broker);
  const s = track(client.subscribe("t", 1));
  await flush();
  const [sub] = broker.take();
  await advance(1500);
  assert.equal(s.state, "pending");
  await advance(500);
  assert.equal(s.state, "rejected");
  assert.equal(s.error.code, "TIMEOUT");
  await advance(4000);
  assert.deepEqual(broker.take(), [], "SUBSCRIBE is not retransmitted");
  broker.send({ type: T.SUBACK, packetId: sub.packetId, returnCodes: [1] });
  await flush();
  assert.equal(client.up.isSet(), true);
  await client.disconnect();
});

test("incoming QoS 2: an id not yet released survives a persistent reconnect (the DUP redelivery is not delivered again)", async () => {
  const { client, broker } = makeClient({ clientId: "q2" });
  await connectUp(client, broker, { clean: false });
  const got = [];
  client.on("msg", (t) => got.push(t));
  broker.send(pub("x", "1", 2, 11));
  await flush();
  assert.deepEqual(broker.take(), [{ type: T.PUBREC, packetId: 11 }]);
  broker.drop();
  await flush();
  await connectUp(client, broker, { clean: false, sessionPresent: true });
  broker.send(pub("x", "1", 2, 11, { dup: true }));
  await flush();
  assert.deepEqual(got, ["x"], "not delivered twice");
  assert.deepEqual(broker.take(), [{ type: T.PUBREC, packetId: 11 }]);
  broker.send({ type: T.PUBREL, packetId: 11 });
  await flush();
  assert.deepEqual(broker.take(), [{ type: T.PUBCOMP, packetId: 11 }]);
  await client.disconnect();
});

test("incoming QoS 2: a clean connect forgets unreleased ids (a new session's id 11 is a new message)", async () => {
  const { client, broker } = makeClient({ clientId: "q2" });
  await connectUp(client, broker, { clean: false });
  const got = [];
  client.on("msg", (t) => got.push(t));
  broker.send(pub("x", "1", 2, 11));
  await flush();
  assert.deepEqual(broker.take(), [{ type: T.PUBREC, packetId: 11 }]);
  broker.drop();
  await flush();
  await connectUp(client, broker, { clean: true });
  broker.send(pub("y", "2", 2, 11));
  await flush();
  assert.deepEqual(got, ["x", "y"]);
  await client.disconnect();
});

test("a PUBLISH from the broker larger than maxPacketSize: MQTT 3.1.1 skips and counts it; MQTT 5 (the broker was told the limit) ends the connection TOO_LARGE", async () => {
  const { client, broker } = makeClient({ maxPacketSize: 64 });
  await connectUp(client, broker);
  const downs = [];
  client.on("down", (e) => downs.push(e));
  const got = [];
  client.on("msg", (t) => got.push(t));
  broker.send(pub("big", "x".repeat(100), 0));
  await flush();
  assert.deepEqual(got, []);
  if (MQTT5) {
    assert.equal(downs.length, 1);
    assert.equal(downs[0].code, "TOO_LARGE");
    assert.equal(broker.socket.destroyed, true);
    assert.equal(client.up.isSet(), false);
  } else {
    assert.deepEqual(downs, []);
    assert.equal(client.queue.oversized, 1);
    assert.equal(client.up.isSet(), true);
    await client.disconnect();
  }
});

test("a socket error while up: down with CLOSED carrying the cause", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const downs = [];
  client.on("down", (e) => downs.push(e));
  const cause = new Error("ECONNRESET");
  broker.socket.emit("error", cause);
  broker.socket.emit("close");
  await flush();
  assert.equal(downs.length, 1);
  assert.equal(downs[0].code, "CLOSED");
  assert.equal(downs[0].cause, cause);
  assert.equal(client.up.isSet(), false);
});

if (!MQTT5) {
  test("a password without a user name: connect rejects BAD_ARGUMENT [MQTT-3.1.2-22]", async () => {
    const { client, broker } = makeClient({ password: "p" });
    await rejectsWith(client.connect(), "BAD_ARGUMENT");
    assert.equal(broker.transportCalls, 0);
  });
} else {
  test("a password without a user name goes out: MQTT 5 allows it (3.1.2.9)", async () => {
    const { client, broker } = makeClient({ password: "p" });
    const { connect } = await connectUp(client, broker);
    assert.equal(connect.username, undefined);
    assert.equal(text(connect.password), "p");
    await client.disconnect();
  });
}

test("a msg callback may publish; a msg callback may disconnect without a crash", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const replies = [];
  client.on("msg", (topic) => {
    if (topic === "ping") replies.push(client.publish("pong", "x", false, 0));
    if (topic === "bye") client.disconnect();
  });
  broker.send(pub("ping", "1", 0));
  await flush();
  await Promise.all(replies);
  const sent = broker.take();
  assert.deepEqual(sent.map((p) => [p.type, p.topicName]), [[T.PUBLISH, "pong"]]);
  broker.send(pub("bye", "2", 1, 8));
  await flush();
  assert.equal(client.up.isSet(), false);
  assert.equal(broker.socket.closed, true);
  // DISCONNECT went out; no PUBACK after the socket was closed.
  assert.deepEqual(broker.take().map((p) => p.type), [T.DISCONNECT]);
  assert.equal(broker.writesAfterClose, 0);
});

test("an up callback that throws does not stop connect() from resolving", async () => {
  const { client, broker } = makeClient();
  client.on("up", () => {
    throw new Error("up callback failure");
  });
  const { sessionPresent } = await connectUp(client, broker);
  assert.equal(sessionPresent, false);
  assert.equal(client.up.isSet(), true);
  await client.disconnect();
});

test("QoS 1 publish under a persistent session while connecting is sent after the CONNACK", async () => {
  const { client, broker } = makeClient({ clientId: "c" });
  const conn = client.connect(false);
  const p = track(client.publish("early", "e", false, 1));
  await flush();
  assert.deepEqual(broker.take().map((x) => x.type), [T.CONNECT]);
  broker.send({ type: T.CONNACK, sessionPresent: false, returnCode: 0 });
  await conn;
  await flush();
  const [pe] = broker.take();
  assert.equal(pe.topicName, "early");
  assert.equal(pe.dup, false);
  broker.send({ type: T.PUBACK, packetId: pe.packetId });
  await flush();
  assert.equal(p.state, "resolved");
  await client.disconnect();
});
