"use strict";
// Incoming messages (QoS 1 and 2 acknowledgements), the "msg" callbacks, the queue, events.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { useFakeClock, makeClient, connectUp, advance, track, text, pub, flush, T, packetBytes } = require("./helpers.js");
const { Event } = require("../../build/client/event.js");

useFakeClock();

test("incoming QoS 0: msg callback gets topic, bytes, retained, qos, dup; nothing is written back", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const got = [];
  client.on("msg", (...args) => got.push(args));
  broker.send(pub("x/y", "hi", 0, undefined, { retain: true }));
  await flush();
  assert.equal(got.length, 1);
  const [topic, msg, retained, qos, dup] = got[0];
  assert.equal(topic, "x/y");
  assert.ok(msg instanceof Uint8Array);
  assert.equal(text(msg), "hi");
  assert.equal(retained, true);
  assert.equal(qos, 0);
  assert.equal(dup, false);
  assert.deepEqual(broker.take(), []);
  await client.disconnect();
});

test("Node: a message's payload is a plain Uint8Array, not a Buffer, though the socket delivers Buffers", async () => {
  // Views of a Buffer are Buffers, which cost Node several times more to make (src/transport/link.ts).
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const got = [];
  client.on("msg", (topic, msg) => got.push(msg));
  const two = Buffer.concat([packetBytes(pub("a", "one", 0)), packetBytes(pub("a", "two", 0))].map((b) => Buffer.from(b)));
  broker.sockets[0].sendRaw(two); // one chunk: each payload a view on it
  await flush();
  assert.deepEqual(got.map((msg) => Object.getPrototypeOf(msg) === Uint8Array.prototype), [true, true]);
  assert.deepEqual(got.map(text), ["one", "two"]);
  await client.disconnect();
});

test("incoming QoS 1: the PUBACK is written after the msg callback ran", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  // One log: the broker appends "client:PUBACK" when the ack is written, the callback its mark.
  const order = [];
  broker.log = order;
  client.on("msg", (topic) => order.push("msg:" + topic));
  broker.send(pub("q1", "m", 1, 77));
  await flush();
  assert.deepEqual(order, ["msg:q1", "client:PUBACK"]);
  assert.deepEqual(broker.take(), [{ type: T.PUBACK, packetId: 77 }]);
  await client.disconnect();
});

test("the acknowledgements of one chunk's packets leave in one socket write, once the chunk is handled", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const socket = broker.sockets[0];
  const writesBefore = socket.writes.length;
  const chunk = Buffer.concat([1, 2, 3].map((id) => Buffer.from(packetBytes(pub("c", "m", 1, id)))));
  socket.sendRaw(chunk);
  assert.equal(socket.writes.length, writesBefore, "nothing written while the chunk is handled");
  await flush();
  assert.equal(socket.writes.length, writesBefore + 1, "one write for the three PUBACKs");
  assert.deepEqual(broker.take(), [1, 2, 3].map((id) => ({ type: T.PUBACK, packetId: id })));
  await client.disconnect();
});

test("incoming QoS 1 without a msg callback: in the queue before the PUBACK is written", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const order = [];
  const put = client.queue.put.bind(client.queue);
  client.queue.put = (m) => {
    order.push("queued:" + m.topic);
    put(m);
  };
  broker.log = order;
  broker.send(pub("q1", "m", 1, 9));
  await flush();
  assert.deepEqual(order, ["queued:q1", "client:PUBACK"]);
  const m = await client.queue.get();
  assert.equal(m.topic, "q1");
  assert.equal(text(m.msg), "m");
  assert.equal(m.qos, 1);
  assert.equal(m.retained, false);
  assert.equal(m.dup, false);
  await client.disconnect();
});

test("incoming QoS 2: delivered once; a DUP redelivery before PUBREL gets PUBREC only; PUBREL gets PUBCOMP; then the id is new", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const got = [];
  client.on("msg", (topic, msg, retained, qos, dup) => got.push([text(msg), qos, dup]));
  broker.send(pub("q2", "one", 2, 5));
  await flush();
  assert.deepEqual(got, [["one", 2, false]]);
  assert.deepEqual(broker.take(), [{ type: T.PUBREC, packetId: 5 }]);

  broker.send(pub("q2", "one", 2, 5, { dup: true }));
  await flush();
  assert.equal(got.length, 1, "the redelivery is not handed over again");
  assert.deepEqual(broker.take(), [{ type: T.PUBREC, packetId: 5 }]);

  broker.send({ type: T.PUBREL, packetId: 5 });
  await flush();
  assert.deepEqual(broker.take(), [{ type: T.PUBCOMP, packetId: 5 }]);
  assert.equal(got.length, 1);

  broker.send(pub("q2", "two", 2, 5));
  await flush();
  assert.deepEqual(got, [["one", 2, false], ["two", 2, false]]);
  assert.deepEqual(broker.take(), [{ type: T.PUBREC, packetId: 5 }]);
  assert.equal(client.up.isSet(), true);
  await client.disconnect();
});

test("a PUBREL for an id the client does not hold is still answered with PUBCOMP", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  broker.send({ type: T.PUBREL, packetId: 321 });
  await flush();
  assert.deepEqual(broker.take(), [{ type: T.PUBCOMP, packetId: 321 }]);
  assert.equal(client.up.isSet(), true);
  await client.disconnect();
});

test("the queue is bounded by queueLen: drops the oldest and counts discards", async () => {
  const { client, broker } = makeClient({ queueLen: 3 });
  await connectUp(client, broker);
  for (let i = 1; i <= 5; i++) broker.send(pub("t/" + i, "m" + i, 0));
  await flush();
  assert.equal(client.queue.discards, 2);
  const topics = [];
  for (let i = 0; i < 3; i++) topics.push((await client.queue.get()).topic);
  assert.deepEqual(topics, ["t/3", "t/4", "t/5"]);
  // Empty now: get() waits for the next message.
  const next = track(client.queue.get());
  await flush();
  assert.equal(next.state, "pending");
  broker.send(pub("t/6", "m6", 0));
  await flush();
  assert.equal(next.state, "resolved");
  assert.equal(next.value.topic, "t/6");
  assert.equal(client.queue.discards, 2);
  await client.disconnect();
});

test("messages go to msg callbacks when any is registered, not into the queue", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const got = [];
  const off = client.on("msg", (topic) => got.push(topic));
  broker.send(pub("a", "1", 0));
  await flush();
  off();
  broker.send(pub("b", "2", 0));
  await flush();
  assert.deepEqual(got, ["a"]);
  const m = await client.queue.get();
  assert.equal(m.topic, "b");
  await client.disconnect();
});

test("on() returns the unsubscribe; off() removes a callback; others keep working", async () => {
  const { client, broker } = makeClient();
  const a = [];
  const b = [];
  const cbA = (t) => a.push(t);
  const offA = client.on("msg", cbA);
  const offB = client.on("msg", (t) => b.push(t));
  assert.equal(typeof offA, "function");
  await connectUp(client, broker);
  broker.send(pub("1", "x", 0));
  await flush();
  client.off("msg", cbA);
  broker.send(pub("2", "x", 0));
  await flush();
  offB();
  broker.send(pub("3", "x", 0));
  await flush();
  assert.deepEqual(a, ["1"]);
  assert.deepEqual(b, ["1", "2"]);
  assert.equal((await client.queue.get()).topic, "3");
  offA(); // a second unsubscribe is harmless
  await client.disconnect();
});

test("a throwing msg callback does not break the client: the next message still arrives and is acknowledged", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const got = [];
  client.on("msg", (topic) => {
    got.push(topic);
    if (topic === "bad") throw new Error("callback failure");
  });
  const downs = [];
  client.on("down", (e) => downs.push(e));
  broker.send(pub("bad", "x", 1, 1));
  await flush();
  broker.send(pub("good", "y", 1, 2));
  await flush();
  assert.deepEqual(got, ["bad", "good"]);
  assert.deepEqual(broker.take(), [
    { type: T.PUBACK, packetId: 1 },
    { type: T.PUBACK, packetId: 2 },
  ]);
  assert.equal(client.up.isSet(), true);
  assert.equal(downs.length, 0);
  // The error is reported on a later turn (the emitter rethrows it from a timer).
  assert.throws(() => require("node:test").mock.timers.tick(0), /callback failure/);
  await client.disconnect();
});

test("up and down are Events; up/down callbacks fire, down with the error", async () => {
  const { client, broker } = makeClient();
  assert.ok(client.up instanceof Event);
  assert.ok(client.down instanceof Event);
  const events = [];
  client.on("up", (...args) => events.push(["up", args.length ? args[0] : undefined]));
  client.on("down", (e) => events.push(["down", e && e.code]));
  const waitUp = track(client.up.wait());
  await flush();
  assert.equal(waitUp.state, "pending");
  await connectUp(client, broker);
  assert.equal(waitUp.state, "resolved");
  const waitDown = track(client.down.wait());
  await flush();
  assert.equal(waitDown.state, "pending");
  broker.drop();
  await flush();
  assert.equal(waitDown.state, "resolved");
  assert.equal(client.up.isSet(), false);
  assert.equal(client.down.isSet(), true);
  assert.equal(client.isConnected, false, "isConnected: the most recent status, false once the connection ended");
  assert.deepEqual(events, [
    ["up", undefined],
    ["down", "CLOSED"],
  ]);
  // Reconnect clears down.
  await connectUp(client, broker);
  assert.equal(client.down.isSet(), false);
  assert.equal(client.up.isSet(), true);
  await client.disconnect();
});

test("Event: wait() resolves after set(); clear(); isSet()", async () => {
  const e = new Event();
  assert.equal(e.isSet(), false);
  const w1 = track(e.wait());
  const w2 = track(e.wait());
  await flush();
  assert.equal(w1.state, "pending");
  e.set();
  await flush();
  assert.equal(e.isSet(), true);
  assert.equal(w1.state, "resolved");
  assert.equal(w2.state, "resolved");
  const w3 = track(e.wait());
  await flush();
  assert.equal(w3.state, "resolved", "wait() on a set event resolves at once");
  e.clear();
  assert.equal(e.isSet(), false);
  const w4 = track(e.wait());
  await flush();
  assert.equal(w4.state, "pending");
  e.set();
  await flush();
  assert.equal(w4.state, "resolved");
});

test("a message arriving in the same chunk as the CONNACK is delivered", async () => {
  const { client, broker } = makeClient();
  const got = [];
  client.on("msg", (t) => got.push(t));
  const p = client.connect(false);
  await flush();
  broker.take();
  broker.sendRaw(
    Buffer.concat([
      packetBytes({ type: T.CONNACK, sessionPresent: true, returnCode: 0 }),
      packetBytes(pub("queued/while/away", "z", 1, 40)),
    ])
  );
  assert.equal(await p, true);
  await flush();
  assert.deepEqual(got, ["queued/while/away"]);
  assert.deepEqual(broker.take(), [{ type: T.PUBACK, packetId: 40 }]);
  await advance(10);
  await client.disconnect();
});

// A broker (or a man in the middle) that sends QoS 2 messages and never releases them would
// fill the heap with held ids: at most 1000 are held, and the 1001st ends the connection.
test("QoS 2: 1000 ids held for PUBREL are fine; the 1001st unreleased is PROTOCOL, and a PUBREL frees one", async () => {
  const { client, broker } = makeClient();
  await connectUp(client, broker);
  const downs = [];
  client.on("down", (e) => downs.push(e && e.code));
  client.on("msg", () => {});
  for (let id = 1; id <= 1000; id++) broker.send(pub("q2", "m", 2, id));
  await flush();
  assert.deepEqual(downs, []);
  broker.send({ type: T.PUBREL, packetId: 1 });
  broker.send(pub("q2", "m", 2, 1001)); // takes the place of the released one
  await flush();
  assert.deepEqual(downs, []);
  broker.send(pub("q2", "m", 2, 1002));
  await flush();
  assert.deepEqual(downs, ["PROTOCOL"]);
  await client.disconnect();
});
