"use strict";
// Outgoing publishes (QoS 0/1/2, retransmission, maxInflight), packet ids, subscribe.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { useFakeClock, makeClient, connectUp, advance, track, rejectsWith, text, flush, T, packetBytes, MQTT5 } = require("./helpers.js");

useFakeClock();

test("QoS 0 publish: one PUBLISH with topic, payload, retain; resolves when written", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  await client.publish("a/b", "héllo", true, 0);
  const [p, ...rest] = broker.take();
  assert.equal(rest.length, 0);
  assert.equal(p.type, T.PUBLISH);
  assert.equal(p.topicName, "a/b");
  assert.equal(text(p.payload), "héllo");
  assert.equal(p.qos, 0);
  assert.equal(p.retain, true);
  assert.equal(p.dup, false);
  assert.equal(p.packetId, undefined);
  await client.disconnect();
});

test("publishes made in one turn leave in one socket write, once that code has run, and settle then", async () => {
  // Node: one write (system call) for the lot instead of one each.
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const socket = broker.sockets[0];
  const before = socket.writes.length;
  const published = [1, 2, 3].map((i) => track(client.publish("t", "m" + i)));
  assert.equal(socket.writes.length, before, "nothing written while the loop runs");
  await Promise.resolve();
  assert.equal(socket.writes.length, before + 1, "one write for the three");
  await flush();
  assert.deepEqual(published.map((p) => p.state), ["resolved", "resolved", "resolved"]);
  assert.deepEqual(broker.take().map((p) => text(p.payload)), ["m1", "m2", "m3"]);
  client.publish("t", "m4");
  await Promise.resolve();
  assert.equal(socket.writes.length, before + 2, "a later turn, a write of its own");
  await client.disconnect();
});

test("a turn that writes more than 16 KB: at its end, in writes of at most 16 KB gathered from the packets, one over that as it is, all in order", async () => {
  const { client, broker } = makeClient({ maxPacketSize: 0 });
  await connectUp(client, broker);
  const socket = broker.sockets[0];
  const before = socket.writes.length;
  const small = new Uint8Array(1000); // a PUBLISH of 1,006 bytes (MQTT 5: 1,007, with its property length)
  for (let i = 0; i < 20; i++) client.publish("t", small);
  client.publish("t", new Uint8Array(20000)); // over 16 KB: after the 4 gathered, alone
  client.publish("t", "last");
  assert.equal(socket.writes.length, before, "nothing written while the loop runs");
  await flush();
  const sizes = socket.writes.slice(before).map((w) => w.length);
  const v5 = MQTT5 ? 1 : 0;
  assert.deepEqual(sizes, [16 * (1006 + v5), 4 * (1006 + v5), 20007 + v5, 9 + v5]);
  const lengths = broker.take().map((p) => p.payload.length);
  assert.deepEqual(lengths, [...Array(20).fill(1000), 20000, 4]);
  await client.disconnect();
});

test("QoS 1 publish resolves on PUBACK, not before", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const pub = track(client.publish("t", new Uint8Array([1, 2, 3]), false, 1));
  await flush();
  const [p] = broker.take();
  assert.equal(p.qos, 1);
  assert.equal(p.dup, false);
  assert.equal(p.retain, false);
  assert.deepEqual([...p.payload], [1, 2, 3]);
  assert.ok(p.packetId >= 1 && p.packetId <= 65535);
  await advance(500);
  assert.equal(pub.state, "pending");
  broker.send({ type: T.PUBACK, packetId: p.packetId });
  await flush();
  assert.equal(pub.state, "resolved");
  await client.disconnect();
});

test("QoS 1 without PUBACK: resent with DUP and the same id every responseTime, maxRepubs times, then TIMEOUT; a late PUBACK is absorbed", async () => {
  const { client, broker } = makeClient({ responseTime: 2, maxRepubs: 3 }); // ticker period 500 ms
  await connectUp(client, broker);
  const downs = [];
  client.on("down", (e) => downs.push(e));
  const pub = track(client.publish("t", "x", false, 1));
  await flush();
  const [first] = broker.take();
  assert.equal(first.dup, false);
  const id = first.packetId;
  for (let i = 1; i <= 3; i++) {
    await advance(1500);
    assert.deepEqual(broker.take(), [], "nothing resent before responseTime (try " + i + ")");
    await advance(500);
    const resent = broker.take();
    assert.equal(resent.length, 1, "one retransmission after responseTime (try " + i + ")");
    assert.equal(resent[0].type, T.PUBLISH);
    assert.equal(resent[0].dup, true);
    assert.equal(resent[0].qos, 1);
    assert.equal(resent[0].packetId, id);
    assert.equal(text(resent[0].payload), "x");
    assert.equal(pub.state, "pending");
  }
  await advance(2000);
  assert.deepEqual(broker.take(), [], "no retransmission beyond maxRepubs");
  assert.equal(pub.state, "rejected");
  assert.equal(pub.error.code, "TIMEOUT");
  // The late acknowledgement is not a protocol error.
  broker.send({ type: T.PUBACK, packetId: id });
  await flush();
  assert.equal(client.up.isSet(), true);
  assert.equal(downs.length, 0);
  assert.equal(broker.socket.closed, false);
  // Still usable.
  const next = track(client.publish("t", "y", false, 1));
  await flush();
  const [p2] = broker.take();
  broker.send({ type: T.PUBACK, packetId: p2.packetId });
  await flush();
  assert.equal(next.state, "resolved");
  await client.disconnect();
});

test("QoS 2 publish: PUBLISH, PUBREC, PUBREL, PUBCOMP resolves", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const pub = track(client.publish("q2", "m", false, 2));
  await flush();
  const [p] = broker.take();
  assert.equal(p.type, T.PUBLISH);
  assert.equal(p.qos, 2);
  broker.send({ type: T.PUBREC, packetId: p.packetId });
  await flush();
  const [rel, ...rest] = broker.take();
  assert.equal(rest.length, 0);
  assert.equal(rel.type, T.PUBREL);
  assert.equal(rel.packetId, p.packetId);
  assert.equal(pub.state, "pending", "not settled on PUBREC");
  broker.send({ type: T.PUBCOMP, packetId: p.packetId });
  await flush();
  assert.equal(pub.state, "resolved");
  assert.deepEqual(broker.take(), []);
  await client.disconnect();
});

test("QoS 2: PUBREL is retransmitted when no PUBCOMP comes", async () => {
  const { client, broker } = makeClient({ responseTime: 1, maxRepubs: 2 });
  await connectUp(client, broker);
  const pub = track(client.publish("q2", "m", false, 2));
  await flush();
  const [p] = broker.take();
  broker.send({ type: T.PUBREC, packetId: p.packetId });
  await flush();
  assert.equal(broker.take()[0].type, T.PUBREL);
  await advance(1000);
  const again = broker.take();
  assert.equal(again.length, 1);
  assert.equal(again[0].type, T.PUBREL);
  assert.equal(again[0].packetId, p.packetId);
  broker.send({ type: T.PUBCOMP, packetId: p.packetId });
  await flush();
  assert.equal(pub.state, "resolved");
  await client.disconnect();
});

test("QoS 2: PUBLISH is resent with DUP when no PUBREC comes", async () => {
  const { client, broker } = makeClient({ responseTime: 1 });
  await connectUp(client, broker);
  track(client.publish("q2", "m", false, 2));
  await flush();
  const [p] = broker.take();
  await advance(1000);
  const [again] = broker.take();
  assert.equal(again.type, T.PUBLISH);
  assert.equal(again.dup, true);
  assert.equal(again.qos, 2);
  assert.equal(again.packetId, p.packetId);
  await client.disconnect();
});

test("packet ids run 1..65535, wrap around, and skip an id still in use", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  // Id 1 stays in use: a QoS 1 publish nobody acknowledges (responseTime is never reached).
  const held = track(client.publish("held", "x", false, 1));
  await flush();
  const [p1] = broker.take();
  assert.equal(p1.packetId, 1);
  let issued = 0;
  const seen = [];
  // Subscriptions in batches, each answered at once, until the ids have gone round.
  while (issued < 65535) {
    const batch = [];
    for (let i = 0; i < 1000 && issued < 65535; i++, issued++) batch.push(client.subscribe("s", 0));
    await flush(1);
    const subs = broker.take();
    assert.equal(subs.length, batch.length);
    const acks = [];
    for (const s of subs) {
      seen.push(s.packetId);
      acks.push(packetBytes({ type: T.SUBACK, packetId: s.packetId, returnCodes: [0] }));
    }
    broker.sendRaw(Buffer.concat(acks));
    const granted = await Promise.all(batch);
    assert.ok(granted.every((g) => g === 0));
  }
  // 2..65535 in order, then 1 is skipped (in use): 2 again.
  assert.equal(seen.length, 65535);
  for (let i = 0; i < 65534; i++) if (seen[i] !== i + 2) assert.fail("id " + seen[i] + " at " + i);
  assert.equal(seen[65534], 2, "after 65535 comes 2: 1 is still in use");
  assert.ok(seen.every((id) => id >= 1 && id <= 65535));
  assert.equal(held.state, "pending");
  broker.send({ type: T.PUBACK, packetId: 1 });
  await flush();
  assert.equal(held.state, "resolved");
  await client.disconnect();
});

// With every id held by a request the broker never answers, the next request had nothing to
// take, and nextId() searched for ever: the process hung.
test("with all 65535 ids held, one more subscribe and a QoS 1 publish are refused QUEUE_FULL at once", { timeout: 60000 }, async () => {
  const { client, broker } = makeClient({ responseTime: 1000 });
  await connectUp(client, broker);
  const held = [];
  for (let i = 0; i < 65535; i++) held.push(track(client.subscribe("s", 0)));
  await flush(1);
  assert.equal(broker.take().length, 65535, "every SUBSCRIBE sent, none answered");
  const subscribe = track(client.subscribe("one/more", 0));
  const publish = track(client.publish("t", "x", false, 1));
  await flush();
  assert.deepEqual([subscribe.state, subscribe.error && subscribe.error.code], ["rejected", "QUEUE_FULL"]);
  assert.deepEqual([publish.state, publish.error && publish.error.code], ["rejected", "QUEUE_FULL"]);
  assert.deepEqual(broker.take(), [], "nothing more sent");
  assert.ok(held.every((h) => h.state === "pending"));
  // An id freed is taken again.
  broker.sendRaw(MQTT5 ? [0x90, 4, 0, 7, 0, 0] : [0x90, 3, 0, 7, 0]); // MQTT 5: a property length
  await flush();
  assert.equal(held[6].state, "resolved");
  const again = track(client.subscribe("again", 0));
  await flush();
  assert.deepEqual(broker.take().map((p) => [p.type, p.packetId]), [[T.SUBSCRIBE, 7]]);
  assert.equal(again.state, "pending");
  await client.disconnect();
});

test("two requests in flight never share an id", async () => {
  const { client, broker } = makeClient({ maxInflight: 10 });
  await connectUp(client, broker);
  for (let i = 0; i < 5; i++) track(client.publish("t", "x", false, 1));
  for (let i = 0; i < 3; i++) track(client.subscribe("f/" + i, 1));
  await flush();
  const ids = broker.take().map((p) => p.packetId);
  assert.equal(ids.length, 8);
  assert.equal(new Set(ids).size, 8);
  await client.disconnect();
});

test("maxInflight 2: the third QoS 1 publish waits until one is acknowledged; order kept", async () => {
  const { client, broker } = makeClient({ maxInflight: 2 });
  await connectUp(client, broker);
  const pubs = ["a", "b", "c", "d"].map((topic) => track(client.publish(topic, topic, false, 1)));
  await flush();
  let sent = broker.take();
  assert.deepEqual(sent.map((p) => p.topicName), ["a", "b"]);
  broker.send({ type: T.PUBACK, packetId: sent[0].packetId });
  await flush();
  assert.equal(pubs[0].state, "resolved");
  const c = broker.take();
  assert.deepEqual(c.map((p) => p.topicName), ["c"]);
  assert.equal(c[0].dup, false);
  broker.send({ type: T.PUBACK, packetId: sent[1].packetId });
  await flush();
  const d = broker.take();
  assert.deepEqual(d.map((p) => p.topicName), ["d"]);
  assert.equal(pubs[3].state, "pending");
  broker.send({ type: T.PUBACK, packetId: c[0].packetId });
  broker.send({ type: T.PUBACK, packetId: d[0].packetId });
  await flush();
  assert.deepEqual(pubs.map((p) => p.state), ["resolved", "resolved", "resolved", "resolved"]);
  await client.disconnect();
});

test("maxInflight counts QoS 2 until PUBCOMP, and a TIMEOUT frees the slot", async () => {
  const { client, broker } = makeClient({ maxInflight: 1, maxRepubs: 0 });
  await connectUp(client, broker);
  const a = track(client.publish("a", "a", false, 2));
  const b = track(client.publish("b", "b", false, 1));
  await flush();
  const [pa] = broker.take();
  broker.send({ type: T.PUBREC, packetId: pa.packetId });
  await flush();
  assert.deepEqual(broker.take().map((p) => p.type), [T.PUBREL]);
  await advance(1000); // no PUBCOMP: TIMEOUT (maxRepubs 0)
  assert.equal(a.state, "rejected");
  assert.equal(a.error.code, "TIMEOUT");
  const [pb] = broker.take();
  assert.equal(pb.topicName, "b");
  broker.send({ type: T.PUBACK, packetId: pb.packetId });
  await flush();
  assert.equal(b.state, "resolved");
  await client.disconnect();
});

test("subscribe resolves with the granted QoS; SUBACK 0x80 rejects SUBACK_FAILURE", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const sub = track(client.subscribe("a/+/c", 2));
  await flush();
  const [s] = broker.take();
  assert.equal(s.type, T.SUBSCRIBE);
  assert.deepEqual(s.subscriptions, [{ topicFilter: "a/+/c", qos: 2 }]);
  broker.send({ type: T.SUBACK, packetId: s.packetId, returnCodes: [1] });
  await flush();
  assert.equal(sub.state, "resolved");
  assert.equal(sub.value, 1);

  const refused = client.subscribe("forbidden/#", 0);
  await flush();
  const [s2] = broker.take();
  broker.send({ type: T.SUBACK, packetId: s2.packetId, returnCodes: [0x80] });
  await rejectsWith(refused, "SUBACK_FAILURE");
  assert.equal(client.up.isSet(), true);
  await client.disconnect();
});

test("unsubscribe sends UNSUBSCRIBE and resolves on UNSUBACK", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const un = track(client.unsubscribe("a/#"));
  await flush();
  const [u] = broker.take();
  assert.equal(u.type, T.UNSUBSCRIBE);
  assert.deepEqual(u.topicFilters, ["a/#"]);
  assert.equal(un.state, "pending");
  broker.send({ type: T.UNSUBACK, packetId: u.packetId });
  await flush();
  assert.equal(un.state, "resolved");
  await client.disconnect();
});

test("not connected: publish, subscribe and unsubscribe reject NOT_CONNECTED", async () => {
  const { client, broker } = makeClient();
  await rejectsWith(client.publish("t", "m", false, 0), "NOT_CONNECTED");
  await rejectsWith(client.publish("t", "m", false, 1), "NOT_CONNECTED");
  await rejectsWith(client.subscribe("t", 1), "NOT_CONNECTED");
  await rejectsWith(client.unsubscribe("t"), "NOT_CONNECTED");
  // And after a disconnect.
  await connectUp(client, broker);
  await client.disconnect();
  broker.take();
  await rejectsWith(client.publish("t", "m", false, 2), "NOT_CONNECTED");
  await rejectsWith(client.subscribe("t", 0), "NOT_CONNECTED");
  await rejectsWith(client.unsubscribe("t"), "NOT_CONNECTED");
  assert.deepEqual(broker.take(), []);
});

test("QoS 2 after TIMEOUT: a late PUBREC is answered with PUBREL, and the PUBCOMP is absorbed", async () => {
  const { client, broker } = makeClient({ responseTime: 1, maxRepubs: 0 });
  await connectUp(client, broker);
  const downs = [];
  client.on("down", (e) => downs.push(e));
  const pub = track(client.publish("t", "x", false, 2));
  await flush();
  const [first] = broker.take();
  await advance(1000);
  assert.equal(pub.state, "rejected");
  assert.equal(pub.error.code, "TIMEOUT");
  broker.send({ type: T.PUBREC, packetId: first.packetId });
  await flush();
  const [release] = broker.take();
  assert.equal(release.type, T.PUBREL, "the broker is told to release the message [MQTT-4.3.3-1]");
  assert.equal(release.packetId, first.packetId);
  broker.send({ type: T.PUBCOMP, packetId: first.packetId });
  await flush();
  assert.equal(downs.length, 0, "no PROTOCOL for the late PUBCOMP");
  assert.equal(client.up.isSet(), true);
  await client.disconnect();
});

test("waiting line: every publish past maxInflight waits, whatever queueLen (it bounds received messages); in order with acks interleaved; a drop rejects the rest CLOSED", async () => {
  const { client, broker } = makeClient({ maxInflight: 1, queueLen: 3 });
  await connectUp(client, broker);
  const pubs = [];
  let n = 0;
  const sent = [];
  const publish = () => {
    const topic = "t" + n++;
    pubs.push(track(client.publish(topic, topic, false, 1)));
  };
  for (let i = 0; i < 5; i++) publish(); // 1 in flight, 4 waiting: more than queueLen
  await flush();
  assert.deepEqual(pubs.map((p) => p.state), Array(5).fill("pending"));
  let [last] = broker.take();
  assert.equal(last.topicName, "t0", "one in flight");
  for (let round = 0; round < 6; round++) {
    broker.send({ type: T.PUBACK, packetId: last.packetId });
    await flush();
    [last] = broker.take();
    sent.push(last.topicName);
    if (round % 2 === 0) publish();
  }
  assert.deepEqual(sent, ["t1", "t2", "t3", "t4", "t5", "t6"], "in the order made");
  broker.drop();
  await flush();
  assert.deepEqual(pubs.map((p) => p.state), ["resolved", "resolved", "resolved", "resolved", "resolved", "resolved", "rejected", "rejected"]);
  assert.equal(pubs[7].error.code, "CLOSED");
});

test("on Node, publishes waiting for a slot are bounded by their bytes (16 MB): past it QUEUE_FULL at once, and each settles", async () => {
  const { client, broker } = makeClient({ maxInflight: 1 });
  await connectUp(client, broker);
  const payload = new Uint8Array(8000);
  // A PUBLISH of topic "t" and 8,000 bytes at QoS 1: 1 + 2 (remaining length) + 2 + 1 + 2
  // (+ 1, MQTT 5's property length) + 8,000.
  const size = MQTT5 ? 8009 : 8008;
  const waiting = Math.floor((16 << 20) / size);
  const pubs = [];
  for (let i = 0; i < 1 + waiting + 2; i++) pubs.push(track(client.publish("t", payload, false, 1)));
  await flush();
  assert.deepEqual(pubs.slice(-2).map((p) => p.error && p.error.code), ["QUEUE_FULL", "QUEUE_FULL"]);
  assert.ok(pubs.slice(0, -2).every((p) => p.state === "pending"), "all before the bound wait");
  const [first] = broker.take();
  assert.equal(first.payload.length, 8000);
  broker.send({ type: T.PUBACK, packetId: first.packetId }); // a slot frees: the next goes, and room is made
  await flush();
  assert.equal(pubs[0].state, "resolved");
  const again = track(client.publish("t", payload, false, 1));
  await flush();
  assert.equal(again.state, "pending", "taken once one had settled");
  broker.drop();
  await flush();
  assert.ok(pubs.slice(1, -2).concat(again).every((p) => p.state === "rejected" && p.error.code === "CLOSED"));
});
