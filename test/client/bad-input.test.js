"use strict";
// Bad arguments (rejected before anything is written; the client stays usable) and a
// misbehaving broker (PROTOCOL, socket closed, pending work rejected, no crash).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { useFakeClock, makeClient, connectUp, track, rejectsWith, flush, T, MQTT5 } = require("./helpers.js");

useFakeClock();

/** Runs `call` on a connected client: it must reject `code`, write nothing, and leave the client working. */
async function rejectsCleanly(call, code, cfg = {}) {
  const { client, broker } = makeClient(cfg);
  await connectUp(client, broker);
  const writesBefore = broker.writes.length;
  let error = null;
  let promise;
  try {
    promise = call(client);
  } catch (e) {
    assert.fail("threw synchronously instead of rejecting: " + e);
  }
  assert.ok(promise && typeof promise.then === "function", "returns a promise");
  error = await rejectsWith(promise, code);
  await flush();
  assert.equal(broker.writes.length, writesBefore, "nothing written");
  assert.equal(client.up.isSet(), true);
  // Still usable: a QoS 1 publish goes through.
  const ok = track(client.publish("fine", "x", false, 1));
  await flush();
  const [p] = broker.take();
  assert.equal(p.type, T.PUBLISH);
  assert.equal(p.topicName, "fine");
  broker.send({ type: T.PUBACK, packetId: p.packetId });
  await flush();
  assert.equal(ok.state, "resolved");
  await client.disconnect();
  return error;
}

const cases = [
  ["publish to a topic with +", (c) => c.publish("a/+/b", "m"), "BAD_ARGUMENT"],
  ["publish to a topic with #", (c) => c.publish("a/#", "m", false, 1), "BAD_ARGUMENT"],
  ["publish to an empty topic", (c) => c.publish("", "m"), "BAD_ARGUMENT"],
  ["publish to a non-string topic", (c) => c.publish(42, "m"), "BAD_ARGUMENT"],
  ["subscribe to a/#/b", (c) => c.subscribe("a/#/b", 0), "BAD_ARGUMENT"],
  ["subscribe to a+", (c) => c.subscribe("a+", 0), "BAD_ARGUMENT"],
  ["subscribe to an empty filter", (c) => c.subscribe("", 0), "BAD_ARGUMENT"],
  ["unsubscribe from a/#/b", (c) => c.unsubscribe("a/#/b"), "BAD_ARGUMENT"],
  ["publish with QoS 3", (c) => c.publish("t", "m", false, 3), "BAD_ARGUMENT"],
  ["publish with QoS -1", (c) => c.publish("t", "m", false, -1), "BAD_ARGUMENT"],
  ['publish with QoS "1"', (c) => c.publish("t", "m", false, "1"), "BAD_ARGUMENT"],
  ["subscribe with QoS 3", (c) => c.subscribe("t", 3), "BAD_ARGUMENT"],
  ["subscribe with QoS -1", (c) => c.subscribe("t", -1), "BAD_ARGUMENT"],
  ['subscribe with QoS "1"', (c) => c.subscribe("t", "1"), "BAD_ARGUMENT"],
  ["publish a number as payload", (c) => c.publish("t", 42), "BAD_ARGUMENT"],
  ["publish an object as payload", (c) => c.publish("t", { a: 1 }), "BAD_ARGUMENT"],
  ["publish an array as payload", (c) => c.publish("t", [1, 2]), "BAD_ARGUMENT"],
  ["publish larger than maxPacketSize", (c) => c.publish("t", "x".repeat(200), false, 0), "TOO_LARGE", { maxPacketSize: 128 }],
  ["QoS 1 publish larger than maxPacketSize", (c) => c.publish("t", new Uint8Array(1000), false, 1), "TOO_LARGE", { maxPacketSize: 512 }],
];

for (const [name, call, code, cfg] of cases) {
  test("bad input: " + name + " rejects " + code + ", writes nothing, client still usable", async () => {
    await rejectsCleanly(call, code, cfg);
  });
}

test("a publish exactly maxPacketSize long is sent", async () => {
  const { client, broker } = makeClient({ maxPacketSize: 100 });
  await connectUp(client, broker);
  // 1 header + 1 length byte + (2 + 1) topic (+ 1 property length, MQTT 5) + payload = 100.
  const payload = MQTT5 ? 94 : 95;
  await client.publish("t", new Uint8Array(payload), false, 0);
  assert.equal(broker.writes[broker.writes.length - 1].length, 100);
  await rejectsWith(client.publish("t", new Uint8Array(payload + 1), false, 0), "TOO_LARGE");
  await client.disconnect();
});

test("maxPacketSize 0 bounds nothing, what is sent as what is received", async () => {
  const { client, broker } = makeClient({ maxPacketSize: 0 });
  await connectUp(client, broker);
  await client.publish("t", new Uint8Array(20000), false, 0);
  assert.equal(broker.writes[broker.writes.length - 1].length, 1 + 3 + 3 + (MQTT5 ? 1 : 0) + 20000); // MQTT 5: a property length
  const got = [];
  client.on("msg", (topic, msg) => got.push(msg.length));
  broker.send({ type: 3, dup: false, qos: 0, retain: false, topicName: "t", payload: new Uint8Array(20000) });
  await flush();
  assert.deepEqual(got, [20000]);
  await client.disconnect();
});

test("bad input while not connected still reports BAD_ARGUMENT before NOT_CONNECTED", async () => {
  const { client } = makeClient();
  await rejectsWith(client.publish("a/#", "m"), "BAD_ARGUMENT");
  await rejectsWith(client.subscribe("a/#/b"), "BAD_ARGUMENT");
});

/** A connected client with a pending QoS 1 publish: its PUBLISH's packet id, what it
 *  returned, and the errors its "down" callbacks got. */
async function pendingPublish() {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const downs = [];
  client.on("down", (e) => downs.push(e));
  const pending = track(client.publish("t", "m", false, 1));
  await flush();
  const [p] = broker.take();
  return { client, broker, downs, pending, id: p.packetId };
}

/** A pending publish, then `misbehave(broker, publishId)`: PROTOCOL. */
async function protocolError(misbehave) {
  const { client, broker, downs, pending, id } = await pendingPublish();
  misbehave(broker, id);
  await flush();
  assert.equal(downs.length, 1, "one down");
  assert.ok(downs[0] instanceof Error);
  assert.equal(downs[0].code, "PROTOCOL");
  assert.equal(client.up.isSet(), false);
  assert.equal(client.down.isSet(), true);
  assert.equal(broker.socket.destroyed, true);
  assert.equal(pending.state, "rejected");
  assert.equal(pending.error.code, "CLOSED");
  // The client can connect again.
  await connectUp(client, broker);
  assert.equal(client.up.isSet(), true);
  await client.disconnect();
}

test("broker sends garbage bytes: PROTOCOL, socket closed, pending publish CLOSED", async () => {
  await protocolError((broker) => broker.sendRaw([0x00, 0x00]));
});

test("broker sends a reserved packet type 15: PROTOCOL", async () => {
  await protocolError((broker) => broker.sendRaw([0xf0, 0x00]));
});

test("broker sends a malformed remaining length: PROTOCOL", async () => {
  await protocolError((broker) => broker.sendRaw([0xd0, 0xff, 0xff, 0xff, 0xff, 0x01]));
});

test("broker sends a second CONNACK: PROTOCOL", async () => {
  await protocolError((broker) => broker.send({ type: T.CONNACK, sessionPresent: false, returnCode: 0 }));
});

/** A connected client with a pending QoS 1 publish; `ack(broker, publishId)` answers what
 *  no request awaits. It is ignored: no down, and the publish still settles on its PUBACK. */
async function ignoredAck(ack) {
  const { client, broker, downs, pending, id } = await pendingPublish();
  await ack(broker, id);
  await flush();
  assert.deepEqual(downs, []);
  assert.equal(client.up.isSet(), true);
  assert.equal(pending.state, "pending");
  broker.send({ type: T.PUBACK, packetId: id });
  await flush();
  assert.equal(pending.state, "resolved");
  await client.disconnect();
}

test("broker sends a SUBACK nobody asked for: ignored", async () => {
  await ignoredAck((broker) => broker.send({ type: T.SUBACK, packetId: 999, returnCodes: [0] }));
});

test("broker sends a PUBACK for an unknown packet id: ignored", async () => {
  await ignoredAck((broker, id) => broker.send({ type: T.PUBACK, packetId: id + 1 }));
});

test("broker sends PUBCOMP for a QoS 1 publish: ignored", async () => {
  await ignoredAck((broker, id) => broker.send({ type: T.PUBCOMP, packetId: id }));
});

test("broker sends an UNSUBACK nobody asked for: ignored", async () => {
  await ignoredAck((broker) => broker.send({ type: T.UNSUBACK, packetId: 9 }));
});

test("broker sends a PUBREC for an unknown packet id: answered with PUBREL, nothing else changes", async () => {
  await ignoredAck((broker, id) => {
    broker.send({ type: T.PUBREC, packetId: id + 1 });
    return flush().then(() => {
      const sent = broker.take();
      assert.deepEqual(sent.map((p) => [p.type, p.packetId]), [[T.PUBREL, id + 1]]);
    });
  });
});

test("broker sends a packet a client never accepts (SUBSCRIBE): PROTOCOL", async () => {
  await protocolError((broker) => broker.sendRaw([0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x00]));
});

test("broker sends garbage while the client waits for CONNACK: connect rejects, no crash", async () => {
  const { client, broker } = makeClient();
  const p = client.connect();
  await flush();
  // Type 15: reserved in 3.1.1; AUTH in MQTT 5, whose flags must be 0000 [MQTT-2.1.3-1].
  broker.sendRaw([0xff, 0x00, 0xff]);
  const error = await rejectsWith(p, "PROTOCOL");
  assert.ok(error);
  assert.equal(broker.socket.destroyed, true);
  assert.equal(client.up.isSet(), false);
});
