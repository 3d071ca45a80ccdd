"use strict";
// Persistent sessions: what survives a dropped connection, what a clean connect or
// disconnect() discards, and what a drop rejects without a session.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { useFakeClock, makeClient, connectUp, advance, track, text, flush, T } = require("./helpers.js");

useFakeClock();

/** Three publishes outstanding: a (QoS 1), b (QoS 2, no PUBREC yet), c (QoS 2, past PUBREC). */
async function outstanding(client, broker) {
  const a = track(client.publish("a", "A", false, 1));
  const b = track(client.publish("b", "B", false, 2));
  const c = track(client.publish("c", "C", false, 2));
  await flush();
  const sent = broker.take();
  assert.deepEqual(sent.map((p) => p.topicName), ["a", "b", "c"]);
  const ids = { a: sent[0].packetId, b: sent[1].packetId, c: sent[2].packetId };
  broker.send({ type: T.PUBREC, packetId: ids.c });
  await flush();
  assert.deepEqual(broker.take(), [{ type: T.PUBREL, packetId: ids.c }]);
  return { a, b, c, ids };
}

test("persistent session: outstanding publishes survive a drop and are sent again, in order, with DUP, on reconnect", async () => {
  const { client, broker } = makeClient({ clientId: "keeper" });
  await connectUp(client, broker, { clean: false });
  const { a, b, c, ids } = await outstanding(client, broker);
  const downs = [];
  client.on("down", (e) => downs.push(e));

  broker.drop();
  await flush();
  assert.equal(downs.length, 1);
  assert.equal(downs[0].code, "CLOSED");
  assert.deepEqual([a.state, b.state, c.state], ["pending", "pending", "pending"]);

  // Offline under a persistent session, a QoS 1 publish waits instead of failing.
  const d = track(client.publish("d", "D", false, 1));
  await advance(5000);
  assert.equal(d.state, "pending");
  assert.deepEqual([a.state, b.state, c.state], ["pending", "pending", "pending"]);
  assert.deepEqual(broker.take(), [], "nothing is written while offline");

  const again = client.connect(false);
  await flush();
  const [connect] = broker.take();
  assert.equal(connect.type, T.CONNECT);
  assert.equal(connect.cleanSession, false);
  broker.send({ type: T.CONNACK, sessionPresent: true, returnCode: 0 });
  assert.equal(await again, true);
  await flush();
  const resent = broker.take();
  assert.deepEqual(
    resent.map((p) => [p.type, p.topicName, p.packetId]),
    [
      [T.PUBLISH, "a", ids.a],
      [T.PUBLISH, "b", ids.b],
      [T.PUBREL, undefined, ids.c],
      [T.PUBLISH, "d", resent[3].packetId],
    ]
  );
  assert.equal(resent[0].dup, true);
  assert.equal(resent[0].qos, 1);
  assert.equal(resent[1].dup, true);
  assert.equal(resent[1].qos, 2);
  assert.equal(text(resent[1].payload), "B");
  assert.equal(resent[3].dup, false, "d was never sent before");
  assert.equal(resent[3].qos, 1);
  assert.ok(![ids.a, ids.b, ids.c].includes(resent[3].packetId));

  broker.send({ type: T.PUBACK, packetId: ids.a });
  broker.send({ type: T.PUBREC, packetId: ids.b });
  broker.send({ type: T.PUBCOMP, packetId: ids.c });
  broker.send({ type: T.PUBACK, packetId: resent[3].packetId });
  await flush();
  assert.deepEqual(broker.take(), [{ type: T.PUBREL, packetId: ids.b }]);
  assert.deepEqual([a.state, b.state, c.state, d.state], ["resolved", "pending", "resolved", "resolved"]);
  broker.send({ type: T.PUBCOMP, packetId: ids.b });
  await flush();
  assert.equal(b.state, "resolved");
  await client.disconnect();
});

test("persistent session, then a clean connect: the kept publishes reject CLOSED and are not sent", async () => {
  const { client, broker } = makeClient({ clientId: "keeper" });
  await connectUp(client, broker, { clean: false });
  const { a, b, c } = await outstanding(client, broker);
  broker.drop();
  await flush();
  const d = track(client.publish("d", "D", false, 1));
  await flush();
  assert.equal(d.state, "pending");
  const again = client.connect(true);
  await flush();
  for (const p of [a, b, c, d]) {
    assert.equal(p.state, "rejected");
    assert.equal(p.error.code, "CLOSED");
  }
  const [connect, ...rest] = broker.take();
  assert.equal(connect.cleanSession, true);
  assert.deepEqual(rest, []);
  broker.send({ type: T.CONNACK, sessionPresent: false, returnCode: 0 });
  assert.equal(await again, false);
  await flush();
  assert.deepEqual(broker.take(), [], "nothing of the old session is sent");
  // The in-flight count was reset: new publishes go out.
  const e = track(client.publish("e", "E", false, 1));
  await flush();
  const [pe] = broker.take();
  assert.equal(pe.topicName, "e");
  broker.send({ type: T.PUBACK, packetId: pe.packetId });
  await flush();
  assert.equal(e.state, "resolved");
  await client.disconnect();
});

test("persistent session, then disconnect(): the kept publishes reject CLOSED", async () => {
  const { client, broker } = makeClient({ clientId: "keeper" });
  await connectUp(client, broker, { clean: false });
  const { a, b, c } = await outstanding(client, broker);
  broker.drop();
  await flush();
  const d = track(client.publish("d", "D", false, 2));
  await flush();
  await client.disconnect();
  await flush();
  for (const p of [a, b, c, d]) {
    assert.equal(p.state, "rejected");
    assert.equal(p.error.code, "CLOSED");
  }
  assert.deepEqual(broker.take(), []);
});

test("persistent session: disconnect() while up rejects outstanding publishes CLOSED", async () => {
  const { client, broker } = makeClient({ clientId: "keeper" });
  await connectUp(client, broker, { clean: false });
  const { a, b, c } = await outstanding(client, broker);
  await client.disconnect();
  await flush();
  for (const p of [a, b, c]) {
    assert.equal(p.state, "rejected");
    assert.equal(p.error.code, "CLOSED");
  }
  assert.deepEqual(broker.take().map((p) => p.type), [T.DISCONNECT]);
  // And the next connect(false) sends none of them.
  const again = client.connect(false);
  await flush();
  broker.send({ type: T.CONNACK, sessionPresent: true, returnCode: 0 });
  await again;
  await flush();
  assert.deepEqual(broker.take().map((p) => p.type), [T.CONNECT]);
  await client.disconnect();
});

test("clean session: a drop rejects pending publishes, subscribes and waiting publishes with CLOSED", async () => {
  const { client, broker } = makeClient({ maxInflight: 2 });
  await connectUp(client, broker, { clean: true });
  const a = track(client.publish("a", "A", false, 1));
  const b = track(client.publish("b", "B", false, 2));
  const w = track(client.publish("w", "W", false, 1)); // waits for a slot
  const s = track(client.subscribe("s", 1));
  await flush();
  assert.deepEqual(broker.take().map((p) => p.type), [T.PUBLISH, T.PUBLISH, T.SUBSCRIBE]);
  broker.drop();
  await flush();
  for (const p of [a, b, w, s]) {
    assert.equal(p.state, "rejected");
    assert.equal(p.error.code, "CLOSED");
  }
  // Offline without a session: publishes fail at once.
  const late = track(client.publish("late", "L", false, 1));
  await flush();
  assert.equal(late.state, "rejected");
  assert.equal(late.error.code, "NOT_CONNECTED");
  // After reconnecting, nothing old is sent and the slots are free again.
  await connectUp(client, broker);
  assert.deepEqual(broker.take(), []);
  const n1 = track(client.publish("n1", "1", false, 1));
  const n2 = track(client.publish("n2", "2", false, 1));
  await flush();
  assert.deepEqual(broker.take().map((p) => p.topicName), ["n1", "n2"]);
  assert.deepEqual([n1.state, n2.state], ["pending", "pending"]);
  await client.disconnect();
});

test("persistent session: a subscribe pending at the drop rejects CLOSED", async () => {
  const { client, broker } = makeClient({ clientId: "keeper" });
  await connectUp(client, broker, { clean: false });
  const s = track(client.subscribe("s", 1));
  await flush();
  broker.take();
  broker.drop();
  await flush();
  assert.equal(s.state, "rejected");
  assert.equal(s.error.code, "CLOSED");
});

test("persistent session: a publish sent again after reconnect is still retransmitted and times out after maxRepubs", async () => {
  const { client, broker } = makeClient({ clientId: "keeper", maxRepubs: 1 });
  await connectUp(client, broker, { clean: false });
  const a = track(client.publish("a", "A", false, 1));
  await flush();
  const [pa] = broker.take();
  broker.drop();
  await flush();
  await connectUp(client, broker, { clean: false, sessionPresent: true });
  // connectUp takes only the CONNECT; the resend follows the CONNACK.
  const [resent] = broker.take();
  assert.equal(resent.packetId, pa.packetId);
  assert.equal(resent.dup, true);
  await advance(1000);
  assert.equal(broker.take().length, 1, "one retransmission (maxRepubs 1)");
  await advance(1000);
  assert.equal(a.state, "rejected");
  assert.equal(a.error.code, "TIMEOUT");
  await client.disconnect();
});
