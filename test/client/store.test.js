"use strict";
// The client over a session store: publishes kept from publish() to their acknowledgement,
// sent from the store in order within the window, and resumed by a new client on the same
// store (a board after a reset).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { useFakeClock, makeClient, connectUp, advance, track, text, flush, rejectsWith, pub, T } = require("./helpers.js");
const { MemoryStore } = require("./memory-store.js");

useFakeClock();

test("store: a QoS 1 or 2 publish while offline resolves once stored, and nothing is written", async () => {
  const store = new MemoryStore();
  const { client, broker } = makeClient({ store });
  const a = track(client.publish("t/a", "A", false, 1));
  const b = track(client.publish("t/b", "B", false, 2));
  await flush();
  assert.deepEqual([a.state, b.state], ["resolved", "resolved"]);
  assert.equal(store.count(), 2);
  assert.deepEqual(broker.take(), []);
  // QoS 0 is not stored: offline it is refused as before.
  await rejectsWith(client.publish("t/c", "C", false, 0), "NOT_CONNECTED");
});

test("store: on connect the stored publishes go in order with new ids, and each leaves the store on its acknowledgement", async () => {
  const store = new MemoryStore();
  const { client, broker } = makeClient({ store });
  client.publish("t/a", "A", false, 1);
  client.publish("t/b", "B", false, 2);
  await connectUp(client, broker, { clean: false });
  const sent = broker.take();
  assert.deepEqual(sent.map((p) => [p.topicName, text(p.payload), p.qos, p.dup]), [["t/a", "A", 1, false], ["t/b", "B", 2, false]]);
  assert.notEqual(sent[0].packetId, sent[1].packetId);
  const done = track(client.flushed());
  broker.send({ type: T.PUBACK, packetId: sent[0].packetId });
  broker.send({ type: T.PUBREC, packetId: sent[1].packetId });
  await flush();
  assert.deepEqual(broker.take(), [{ type: T.PUBREL, packetId: sent[1].packetId }]);
  assert.equal(store.count(), 1);
  assert.equal(done.state, "pending", "flushed() waits for the PUBCOMP");
  broker.send({ type: T.PUBCOMP, packetId: sent[1].packetId });
  await flush();
  assert.equal(store.count(), 0);
  assert.equal(done.state, "resolved");
  await client.disconnect();
});

test("store: no more than maxInflight are read from the store at once; the rest follow as slots free", async () => {
  const store = new MemoryStore();
  const { client, broker } = makeClient({ store, maxInflight: 2 });
  for (let i = 0; i < 5; i++) client.publish("t/" + i, String(i), false, 1);
  await connectUp(client, broker, { clean: false });
  let sent = broker.take();
  assert.deepEqual(sent.map((p) => p.topicName), ["t/0", "t/1"]);
  assert.equal(client.pending.length, 2, "RAM holds the window only");
  const topics = sent.map((p) => p.topicName);
  while (sent.length) {
    for (const p of sent) broker.send({ type: T.PUBACK, packetId: p.packetId });
    await flush();
    sent = broker.take();
    topics.push(...sent.map((p) => p.topicName));
  }
  assert.deepEqual(topics, ["t/0", "t/1", "t/2", "t/3", "t/4"]);
  assert.equal(store.count(), 0);
  await client.disconnect();
});

test("store: after a reset a new client resends what was in flight with DUP and its id, PUBREL past PUBREC, then what waited", async () => {
  const store = new MemoryStore();
  const first = makeClient({ store, maxInflight: 2 });
  await connectUp(first.client, first.broker, { clean: false });
  first.client.publish("t/q1", "1", false, 1);
  first.client.publish("t/q2", "2", false, 2);
  first.client.publish("t/later", "3", false, 1); // waits for a slot
  await flush();
  const sent = first.broker.take();
  assert.deepEqual(sent.map((p) => p.topicName), ["t/q1", "t/q2"]);
  first.broker.send({ type: T.PUBREC, packetId: sent[1].packetId });
  await flush();
  first.broker.take();
  // The board resets: the first client is gone without a word; a new one opens the store.
  const second = makeClient({ store, maxInflight: 2 });
  await connectUp(second.client, second.broker, { clean: false, sessionPresent: true });
  const resent = second.broker.take();
  assert.deepEqual(
    resent.map((p) => [p.type, p.topicName, p.packetId, p.dup]),
    [
      [T.PUBLISH, "t/q1", sent[0].packetId, true],
      [T.PUBREL, undefined, sent[1].packetId, undefined],
    ]
  );
  second.broker.send({ type: T.PUBACK, packetId: sent[0].packetId });
  await flush();
  const [later] = second.broker.take();
  assert.equal(later.topicName, "t/later");
  assert.equal(later.dup, false);
  assert.ok(![sent[0].packetId, sent[1].packetId].includes(later.packetId), "a new id, not one in flight");
  first.broker.drop();
  await second.client.disconnect();
});

test("store: a broker without the session gets the stored publishes again as new messages", async () => {
  const store = new MemoryStore();
  const first = makeClient({ store });
  await connectUp(first.client, first.broker, { clean: false });
  first.client.publish("t/a", "A", false, 2);
  await flush();
  first.broker.take();
  first.broker.drop();
  await flush();
  store.calls = [];
  await connectUp(first.client, first.broker, { clean: false, sessionPresent: false });
  const [again] = first.broker.take();
  assert.equal(again.topicName, "t/a");
  assert.equal(again.dup, false, "a new message in a new session");
  assert.deepEqual(store.calls.map((c) => c[0]), ["clearSession", "sent"]);
  await first.client.disconnect();
  assert.equal(store.count(), 1, "disconnect() keeps what is stored");
});

test("store: an incoming QoS 2 message resent after a reset is not delivered twice", async () => {
  const store = new MemoryStore();
  const first = makeClient({ store });
  const got = [];
  first.client.on("msg", (topic) => got.push(topic));
  await connectUp(first.client, first.broker, { clean: false });
  first.broker.send(pub("in/x", "X", 2, 7));
  await flush();
  assert.deepEqual(got, ["in/x"]);
  // Reset before the PUBREL came.
  const second = makeClient({ store });
  second.client.on("msg", (topic) => got.push(topic));
  await connectUp(second.client, second.broker, { clean: false, sessionPresent: true });
  second.broker.send(pub("in/x", "X", 2, 7, { dup: true }));
  await flush();
  assert.deepEqual(got, ["in/x"], "not delivered again");
  assert.deepEqual(second.broker.take(), [{ type: T.PUBREC, packetId: 7 }]);
  second.broker.send({ type: T.PUBREL, packetId: 7 });
  await flush();
  assert.deepEqual(second.broker.take(), [{ type: T.PUBCOMP, packetId: 7 }]);
  assert.deepEqual(store.open().held, []);
  first.broker.drop();
  await second.client.disconnect();
});

test("store: a full store refuses QUEUE_FULL at once and keeps what it had", async () => {
  const store = new MemoryStore(2);
  const { client } = makeClient({ store });
  await client.publish("t/a", "A", false, 1);
  await client.publish("t/b", "B", false, 1);
  await rejectsWith(client.publish("t/c", "C", false, 1), "QUEUE_FULL");
  await rejectsWith(client.publish("t/#", "bad", false, 1), "BAD_ARGUMENT");
  assert.equal(store.count(), 2);
});

test("store: a stored publish unanswered after maxRepubs ends the connection (TIMEOUT) and stays stored", async () => {
  const store = new MemoryStore();
  const { client, broker } = makeClient({ store, maxRepubs: 1 });
  const downs = [];
  client.on("down", (e) => downs.push(e));
  await connectUp(client, broker, { clean: false });
  await client.publish("t/a", "A", false, 1);
  await advance(2500);
  const sent = broker.take().filter((p) => p.type === T.PUBLISH);
  assert.deepEqual(sent.map((p) => p.dup), [false, true]);
  assert.equal(downs.length, 1);
  assert.equal(downs[0].code, "TIMEOUT");
  assert.equal(store.count(), 1, "still stored, for the next connection");
});

test("store: the client writes packet ids and DUP into a copy, never into the bytes the store hands back (flash-store's are a view of flash)", async () => {
  // A store that hands back its own bytes, as a view of its medium does.
  class ViewStore extends MemoryStore {
    next(after) {
      for (const [key, m] of this.messages) if (key > after) return { key, packet: m.packet, id: m.id, stage: m.stage };
      return undefined;
    }
  }
  const store = new ViewStore();
  const { client, broker } = makeClient({ store });
  client.publish("t/a", "A", false, 1);
  const kept = Uint8Array.from(store.messages.get(0).packet);
  await connectUp(client, broker, { clean: false });
  const sent = broker.take();
  assert.equal(sent.length, 1);
  assert.notEqual(sent[0].packetId, 0);
  assert.deepEqual(store.messages.get(0).packet, kept, "the stored bytes are as add() took them");
  // After a reset, the resend (DUP, same id) is written into a copy too.
  const again = makeClient({ store });
  await connectUp(again.client, again.broker, { clean: false, sessionPresent: true });
  const resent = again.broker.take();
  assert.deepEqual([resent[0].dup, resent[0].packetId], [true, sent[0].packetId]);
  assert.deepEqual(store.messages.get(0).packet, kept);
  await client.disconnect();
  await again.client.disconnect();
});
