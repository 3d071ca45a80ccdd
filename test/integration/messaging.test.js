// Publish and receive through real brokers, with the bundle that goes to the board.
"use strict";
const assert = require("node:assert/strict");
const { brokerTest, collect } = require("./helpers.js");

for (const qos of [0, 1, 2]) {
  brokerTest(`QoS ${qos}: a publish reaches a subscriber's "msg" callback`, async (ctx) => {
    const topic = ctx.topic(`q${qos}`);
    const sub = ctx.client();
    const got = collect(sub);
    await sub.connect();
    assert.equal(await sub.subscribe(topic, qos), qos, "granted QoS");
    const pub = await ctx.connected();
    // Settles on write (0), PUBACK (1) or PUBCOMP (2): resolving is part of the claim.
    await pub.publish(topic, `hello at qos ${qos} \u20ac`, false, qos);
    const m = await got.next(topic);
    assert.equal(m.text, `hello at qos ${qos} \u20ac`);
    assert.ok(m.msg instanceof Uint8Array);
    assert.equal(m.qos, qos);
    assert.equal(m.retained, false);
    assert.equal(m.dup, false);
    assert.equal(got.messages.length, 1, "delivered exactly once");
  });

  brokerTest(`QoS ${qos}: without a "msg" callback, messages go to queue.get()`, async (ctx) => {
    const topic = ctx.topic(`queue${qos}`);
    const sub = await ctx.connected({}, { [topic]: qos });
    const pub = await ctx.connected();
    await pub.publish(topic, "first", false, qos);
    await pub.publish(topic, new Uint8Array([0, 1, 2, 255]), false, qos);
    const first = await sub.queue.get();
    const second = await sub.queue.get();
    assert.equal(first.topic, topic);
    assert.equal(Buffer.from(first.msg).toString(), "first");
    assert.equal(first.qos, qos);
    assert.equal(first.retained, false);
    assert.deepEqual([...second.msg], [0, 1, 2, 255]);
    assert.equal(second.qos, qos);
    assert.equal(sub.queue.discards, 0);
  });
}

brokerTest("a subscription granted a lower QoS delivers at that QoS", async (ctx) => {
  const topic = ctx.topic("downgrade");
  const sub = ctx.client();
  const got = collect(sub);
  await sub.connect();
  assert.equal(await sub.subscribe(topic, 1), 1);
  const pub = await ctx.connected();
  await pub.publish(topic, "sent at 2", false, 2);
  const m = await got.next(topic);
  assert.equal(m.qos, 1);
});

brokerTest("a retained message reaches a fresh subscriber with the retained flag", async (ctx) => {
  const topic = ctx.topic("retained");
  const pub = await ctx.connected();
  await pub.publish(topic, "kept", true, 1); // PUBACK: the broker has stored it
  const sub = ctx.client();
  const got = collect(sub);
  await sub.connect();
  await sub.subscribe(topic, 1);
  const m = await got.next(topic);
  assert.equal(m.text, "kept");
  assert.equal(m.retained, true);
  // A message that arrives through the existing subscription is not flagged [MQTT-3.3.1-9].
  await pub.publish(topic, "live", true, 1);
  const live = await got.next((x) => x.text === "live");
  assert.equal(live.retained, false);
  await pub.publish(topic, "", true, 1); // clear it
});

brokerTest("after unsubscribe resolves, nothing more arrives on that topic", async (ctx) => {
  const gone = ctx.topic("gone");
  const marker = ctx.topic("marker");
  const sub = ctx.client();
  const got = collect(sub);
  await sub.connect();
  await sub.subscribe(gone, 1);
  await sub.subscribe(marker, 1);
  const pub = await ctx.connected();
  await pub.publish(gone, "before", false, 1);
  await got.next(gone); // the subscription worked
  await sub.unsubscribe(gone);
  await pub.publish(gone, "after", false, 1);
  await pub.publish(marker, "end", false, 1);
  // Same publisher, same subscriber: the broker forwards in order [MQTT-4.6.0-6], so the
  // marker arriving means "after" would have arrived before it.
  await got.next(marker);
  assert.deepEqual(
    got.messages.filter((m) => m.topic === gone).map((m) => m.text),
    ["before"]
  );
});

brokerTest("a 256 KB payload at QoS 1 arrives byte for byte", async (ctx) => {
  const topic = ctx.topic("big");
  const size = 256 * 1024;
  const payload = new Uint8Array(size);
  let x = 12345;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    payload[i] = x >> 16;
  }
  const sub = ctx.client({ maxPacketSize: size + 1024 });
  const got = collect(sub);
  await sub.connect();
  await sub.subscribe(topic, 1);
  // The client applies maxPacketSize to what it sends as well, so the sender needs it too.
  const pub = await ctx.connected({ maxPacketSize: size + 1024 });
  await pub.publish(topic, payload, false, 1);
  const m = await got.next(topic);
  assert.equal(m.msg.length, size);
  assert.ok(Buffer.from(m.msg).equals(Buffer.from(payload)), "payload differs");
  assert.equal(m.qos, 1);
});

brokerTest("MQTT 3.1.1: a PUBLISH larger than the receiver's maxPacketSize is skipped and counted; the connection stays up", async (ctx) => {
  const topic = ctx.topic("toolarge");
  const sub = ctx.client({ maxPacketSize: 1024 });
  const got = collect(sub);
  const downs = [];
  sub.on("down", (e) => downs.push(e));
  await sub.connect();
  await sub.subscribe(topic, 0);
  const pub = await ctx.connected({ maxPacketSize: 8192 });
  await pub.publish(topic, new Uint8Array(4096), false, 0);
  await pub.publish(topic, "small", false, 0);
  const m = await got.next(topic);
  assert.equal(m.text, "small", "the one over the limit never arrives");
  assert.equal(sub.queue.oversized, 1);
  assert.deepEqual(downs, []);
});

brokerTest("publishes made in one turn leave in one socket write, and arrive in order", async (ctx) => {
  // Node: one write for the lot, not a system call each. The socket is Node's own, watched.
  const net = require("node:net");
  const topic = ctx.topic("gathered");
  const sub = await ctx.connected({}, { [topic]: 0 });
  const got = collect(sub);
  let writes = 0;
  const transport = (opts) => {
    const socket = net.connect(opts);
    const write = socket.write;
    socket.write = function () {
      writes++;
      return write.apply(this, arguments);
    };
    return socket;
  };
  const pub = await ctx.connected({ transport });
  writes = 0;
  const texts = ["m1", "m2", "m3", "m4", "m5"];
  await Promise.all(texts.map((text) => pub.publish(topic, text)));
  assert.equal(writes, 1, "one write for the five");
  await got.next((m) => m.text === "m5");
  assert.deepEqual(got.messages.map((m) => m.text), texts);
});

// Node's strings are Unicode: there, received topics are the very strings that were published
// (on an Espruino build without Unicode they hold their UTF-8 bytes instead; see
// test/espruino/interpreter-wire.test.js).
brokerTest("non-ASCII topics (U+0163, CJK, an emoji) arrive as the strings that were published, under a # subscription", async (ctx) => {
  const topics = [ctx.topic("dev/\u0163md"), ctx.topic("dev/\u65e5\u672c"), ctx.topic("dev/\u{1F600}")];
  const sub = ctx.client();
  const got = collect(sub);
  await sub.connect();
  await sub.subscribe(ctx.topic("dev/#"), 1);
  const pub = await ctx.connected();
  for (const topic of topics) await pub.publish(topic, "x", false, 1);
  for (const topic of topics) await got.next(topic);
  assert.deepEqual(got.messages.map((m) => m.topic), topics);
});

// MQTT 3.1.1 cannot tell the broker maxPacketSize: a retained message over it came again at
// every reconnect, and keepConnected never came up for good.
brokerTest("a retained 1 MB message over maxPacketSize is skipped and acknowledged, counted in queue.oversized; keepConnected comes up once and the small retained message arrives", async (ctx) => {
  const { keepConnected } = require("../../dist/keep-connected.js");
  const pub = await ctx.connected({ maxPacketSize: 0 });
  await pub.publish(ctx.topic("big/huge"), new Uint8Array(1 << 20).fill(42), true, 1);
  await pub.publish(ctx.topic("big/small"), "small", true, 1);
  const client = ctx.client(); // maxPacketSize: the default 8192
  const got = collect(client);
  const ups = [];
  client.on("up", () => ups.push(true));
  const down = new Promise((resolve) => client.on("down", resolve));
  const supervisor = keepConnected(client, { subscriptions: { [ctx.topic("big/#")]: 1 } });
  await supervisor.up.wait();
  // Published once the broker has sent the retained messages (after the SUBACK): when it is
  // here, both have passed.
  const marker = ctx.topic("big/marker");
  await pub.publish(marker, "after", false, 1);
  await Promise.race([got.next(marker), down.then((e) => assert.fail("down: " + (e && e.code)))]);
  assert.deepEqual(got.messages.map((m) => [m.topic, m.text]), [[ctx.topic("big/small"), "small"], [marker, "after"]]);
  assert.equal(client.queue.oversized, 1);
  assert.equal(ups.length, 1);
  await pub.publish(ctx.topic("big/huge"), "", true, 1); // the retained message goes
});
