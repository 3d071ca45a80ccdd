"use strict";
// Duplicate and late acknowledgements, writes that fail under the client (Espruino throws on
// a closed socket), and user callbacks that close or open connections while the client is
// in the middle of handling a packet.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { useFakeClock, makeClient, connectUp, advance, track, pub, recordTimeouts, flush, T } = require("./helpers.js");
const { keepConnected } = require("../../build/client/keep-connected.js");

useFakeClock();

test("a broker that answers both copies of a retransmitted QoS 1 publish: the second PUBACK is absorbed", async () => {
  const { client, broker } = makeClient({ responseTime: 1, maxRepubs: 2 });
  await connectUp(client, broker);
  const downs = [];
  client.on("down", (e) => downs.push(e));
  const p = track(client.publish("t", "x", false, 1));
  await flush();
  const [first] = broker.take();
  await advance(1000); // no PUBACK yet: sent again with DUP
  const [again] = broker.take();
  assert.equal(again.dup, true);
  broker.send({ type: T.PUBACK, packetId: first.packetId });
  broker.send({ type: T.PUBACK, packetId: first.packetId }); // Mosquitto acknowledges both copies
  await flush();
  assert.equal(p.state, "resolved");
  assert.deepEqual(downs, [], "no PROTOCOL for the duplicate");
  assert.equal(client.up.isSet(), true);
  await client.disconnect();
});

test("QoS 2: a duplicate PUBCOMP after a retransmitted PUBREL is absorbed", async () => {
  const { client, broker } = makeClient({ responseTime: 1, maxRepubs: 2 });
  await connectUp(client, broker);
  const downs = [];
  client.on("down", (e) => downs.push(e));
  const p = track(client.publish("t", "x", false, 2));
  await flush();
  const [first] = broker.take();
  broker.send({ type: T.PUBREC, packetId: first.packetId });
  await flush();
  assert.equal(broker.take()[0].type, T.PUBREL);
  await advance(1000); // no PUBCOMP yet: PUBREL again
  assert.equal(broker.take()[0].type, T.PUBREL);
  broker.send({ type: T.PUBCOMP, packetId: first.packetId });
  broker.send({ type: T.PUBCOMP, packetId: first.packetId });
  await flush();
  assert.equal(p.state, "resolved");
  assert.deepEqual(downs, []);
  await client.disconnect();
});

test("an acknowledgement for a packet id never used is ignored: the connection stays up", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const downs = [];
  client.on("down", (e) => downs.push(e));
  broker.send({ type: T.PUBACK, packetId: 4242 });
  await flush();
  assert.deepEqual(downs, []);
  assert.equal(client.up.isSet(), true);
  await client.disconnect();
});

test("brokerUp() answers false when writing its PINGREQ fails", async () => {
  const { client, broker } = makeClient({ responseTime: 1 });
  await connectUp(client, broker);
  await advance(1500); // nothing arrived for a while: brokerUp() must ping
  broker.writeThrows = true;
  const up = track(client.brokerUp());
  await flush();
  assert.equal(up.state, "resolved");
  assert.equal(up.value, false);
  assert.equal(client.up.isSet(), false, "the failed write ended the connection");
});

test("a msg callback that reconnects: the acknowledgement is not written to the new connection", async () => {
  const { client, broker } = makeClient({ responseTime: 1 });
  await connectUp(client, broker);
  let reconnect = null;
  client.on("msg", () => {
    client.disconnect();
    reconnect = client.connect();
  });
  broker.send(pub("t", "x", 1, 7));
  await flush();
  const second = broker.sockets[1];
  assert.ok(second, "a second connection was opened");
  await flush();
  assert.deepEqual(
    second.packets.map((p) => p.type),
    [T.CONNECT],
    "the new connection starts with CONNECT [MQTT-3.1.0-1], without the old PUBACK"
  );
  broker.send({ type: T.CONNACK, sessionPresent: false, returnCode: 0 });
  await reconnect;
  await client.disconnect();
});

test("a write that fails while resending at CONNACK ends the connection with CLOSED; the kept publish stays pending", async () => {
  // On Node what is written leaves at the end of the turn (src/transport/link.ts): connect()
  // has resolved by then, and the failure comes as a "down". (Node's sockets do not throw on
  // write; Espruino's do, and there the write fails inside connect(): test/espruino/.)
  const { client, broker } = makeClient({ clientId: "p", responseTime: 1 });
  await connectUp(client, broker, { clean: false });
  const pending = track(client.publish("t", "x", false, 1));
  await flush();
  broker.drop();
  await flush();
  const downs = [];
  client.on("down", (error) => downs.push(error));
  const again = track(client.connect(false));
  await flush();
  broker.take();
  broker.writeThrows = true; // the resend of the kept PUBLISH fails
  broker.send({ type: T.CONNACK, sessionPresent: true, returnCode: 0 });
  await flush();
  assert.equal(again.state, "resolved");
  assert.deepEqual(downs.map((e) => e.code), ["CLOSED"]);
  assert.equal(client.up.isSet(), false);
  assert.equal(pending.state, "pending", "still kept by the persistent session");
  broker.writeThrows = false;
  await client.disconnect();
  assert.equal(pending.state, "rejected");
});

test("disconnect() lets QoS 0 publishes waiting for 'drain' go out, and resolves once the socket is closed", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  broker.writeReturns = false; // as on Espruino, where write() always returns false
  const p = track(client.publish("t", "x", false, 0));
  await flush();
  assert.equal(p.state, "pending");
  const socket = broker.socket;
  const done = track(client.disconnect());
  assert.equal(socket.ended, true, "ended, so what was written is flushed first");
  assert.equal(done.state, "pending", "not before the socket is closed");
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  await flush();
  assert.equal(done.state, "resolved");
  assert.equal(p.state, "resolved", "written before the DISCONNECT: not a failure");
  assert.deepEqual(socket.packets.map((x) => x.type), [T.CONNECT, T.PUBLISH, T.DISCONNECT]);
});

test("keepConnected: a connection lost before its connect() reaction starts no timer", async (t) => {
  const { client, broker } = makeClient({}, { connack: null });
  const delays = recordTimeouts(t);
  const sup = keepConnected(client, { minDelay: 100, maxDelay: 5000 });
  await flush();
  broker.take();
  // CONNACK and the loss in one turn: "down" runs before the promise reaction.
  broker.send({ type: T.CONNACK, sessionPresent: true, returnCode: 0 });
  broker.drop();
  await flush(6);
  assert.equal(delays.includes(5000), false, "no 'connection held' timer for a connection already gone");
  assert.equal(delays.length, 1, "only the retry");
  sup.stop();
});

// Issue 11: with maxInflight above the old 16 remembered ids, acknowledgements that come after
// TIMEOUT tore the connection down. Now they are ignored, and the ids in use meanwhile are
// new ones, so a late answer cannot settle a later request.
test("20 QoS 1 publishes acknowledged after their TIMEOUT: the late PUBACKs are ignored, the next publishes get other ids and settle on their own", async () => {
  const { client, broker } = makeClient({ responseTime: 1, maxRepubs: 0, maxInflight: 20 });
  await connectUp(client, broker);
  const downs = [];
  client.on("down", (e) => downs.push(e));
  const late = [];
  for (let i = 0; i < 20; i++) late.push(track(client.publish("t", "m" + i, false, 1)));
  await flush();
  const oldIds = broker.take().map((p) => p.packetId);
  assert.equal(new Set(oldIds).size, 20);
  await advance(1500); // no PUBACK within responseTime: TIMEOUT
  assert.deepEqual(late.map((p) => p.error && p.error.code), Array(20).fill("TIMEOUT"));
  const next = [];
  for (let i = 0; i < 20; i++) next.push(track(client.publish("t", "n" + i, false, 1)));
  await flush();
  const newIds = broker.take().map((p) => p.packetId);
  assert.deepEqual(newIds.filter((id) => oldIds.includes(id)), [], "no id of a request that may still be answered");
  for (const id of oldIds) broker.send({ type: T.PUBACK, packetId: id }); // the late answers
  await flush();
  assert.deepEqual(downs, []);
  assert.deepEqual(next.map((p) => p.state), Array(20).fill("pending"), "late answers settle nothing new");
  for (const id of newIds) broker.send({ type: T.PUBACK, packetId: id });
  await flush();
  assert.deepEqual(next.map((p) => p.state), Array(20).fill("resolved"));
  await client.disconnect();
});
