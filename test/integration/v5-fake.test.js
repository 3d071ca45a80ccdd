// MQTT 5 behaviour that Mosquitto 2.0.11 cannot be made to show, against a tiny fake v5 broker
// (mqtt-packet, protocolVersion 5) on a real loopback socket, with the v5 bundle. Checked with
// raw clients: Mosquitto 2.0.11 never sends topic aliases to clients (even to one that allows
// 10), closes a taken-over connection without DISCONNECT 0x8E, sends no AUTH without an auth
// plugin, and refuses a max_keepalive under 10 s. Everything else is tested on Mosquitto.
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { nextEvent, rejectsWith, TEST_TIMEOUT_MS } = require("./helpers.js");
const { client5, collect5, recordDowns, delay, withFakeBroker } = require("./v5-helpers.js");

const opts = { timeout: TEST_TIMEOUT_MS };

/** Resolves once cond() is true, polling; the test's timeout bounds the wait. */
async function until(cond) {
  while (!cond()) await delay(10);
}

/** Connects `client` to the fake broker; resolves with the broker's end of that connection. */
async function connectToFake(ctx, client) {
  const connection = ctx.broker.nextConnection();
  await client.connect();
  return connection;
}

test("v5 (fake broker): incoming topic aliases are resolved; the callback sees the real topic", opts, () =>
  withFakeBroker({}, async (ctx) => {
    const client = client5(ctx, { properties: { topicAliasMaximum: 5 } });
    const got = collect5(client);
    const conn = await connectToFake(ctx, client);
    const connect = await conn.next("connect");
    assert.equal(connect.protocolVersion, 5);
    assert.equal(connect.properties.topicAliasMaximum, 5, "the CONNECT tells the broker our maximum");
    const a = ctx.topic("a"),
      b = ctx.topic("b");
    conn.send({ cmd: "publish", topic: a, payload: "1", qos: 0, properties: { topicAlias: 1 } });
    conn.send({ cmd: "publish", topic: "", payload: "2", qos: 0, properties: { topicAlias: 1 } });
    conn.send({ cmd: "publish", topic: b, payload: "3", qos: 0, properties: { topicAlias: 5 } });
    conn.send({ cmd: "publish", topic: "", payload: "4", qos: 1, messageId: 7, properties: { topicAlias: 5, userProperties: { k: "v" } } });
    conn.send({ cmd: "publish", topic: a, payload: "5", qos: 0, properties: { topicAlias: 5 } }); // rebinds 5
    conn.send({ cmd: "publish", topic: "", payload: "6", qos: 0, properties: { topicAlias: 5 } });
    conn.send({ cmd: "publish", topic: "", payload: "7", qos: 0, properties: { topicAlias: 1 } });
    await got.next((m) => m.text === "7");
    assert.deepEqual(got.messages.map((m) => [m.topic, m.text]), [
      [a, "1"],
      [a, "2"],
      [b, "3"],
      [b, "4"],
      [a, "5"],
      [a, "6"],
      [a, "7"],
    ]);
    assert.deepEqual(got.messages[3].properties.userProperties, [["k", "v"]]);
    assert.equal((await conn.next("puback")).messageId, 7);
    assert.equal(client.up.isSet(), true);
  })
);

for (const bad of [
  { name: "an alias above our topicAliasMaximum", max: 5, packet: { topic: "x", properties: { topicAlias: 6 } } },
  { name: "alias 0", max: 5, packet: { topic: "x", properties: { topicAlias: 0 } } },
  { name: "an empty topic with an alias never set", max: 5, packet: { topic: "", properties: { topicAlias: 2 } } },
  { name: "an alias when we allowed none (no topicAliasMaximum)", max: undefined, packet: { topic: "x", properties: { topicAlias: 1 } } },
]) {
  test(`v5 (fake broker): ${bad.name} is a protocol error: down PROTOCOL, and nothing delivered`, opts, () =>
    withFakeBroker({}, async (ctx) => {
      const client = client5(ctx, bad.max === undefined ? {} : { properties: { topicAliasMaximum: bad.max } });
      const got = collect5(client);
      const conn = await connectToFake(ctx, client);
      const { downs, down } = recordDowns(client);
      // mqtt-packet refuses to encode alias 0 and the empty topic without an alias it knows:
      // the bytes are written by hand where needed.
      conn.socket.write(publishBytes(bad.packet.topic, bad.packet.properties.topicAlias, "bad"));
      await down;
      assert.equal(downs.length, 1);
      assert.equal(downs[0].code, "PROTOCOL");
      assert.deepEqual(got.messages, []);
      await conn.closed; // the client closed the connection
    })
  );
}

/** A QoS 0 PUBLISH with one property, Topic Alias (0x23), built byte by byte. */
function publishBytes(topic, alias, payload) {
  const t = Buffer.from(topic, "utf8");
  const body = Buffer.concat([
    Buffer.from([t.length >> 8, t.length & 255]),
    t,
    Buffer.from([3, 0x23, alias >> 8, alias & 255]),
    Buffer.from(payload, "utf8"),
  ]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

test("v5 (fake broker): a DISCONNECT 0x8E (session taken over) gives down CLOSED with reasonCode 0x8E; a publish in flight rejects CLOSED", opts, () =>
  withFakeBroker({ answer: { publish() {} } }, async (ctx) => {
    const client = client5(ctx);
    const conn = await connectToFake(ctx, client);
    const { downs } = recordDowns(client);
    const downEvent = nextEvent(client, "down");
    const publishing = client.publish(ctx.topic("x"), "never acknowledged", false, 1);
    await conn.next("publish");
    conn.send({ cmd: "disconnect", reasonCode: 0x8e, properties: { reasonString: "another client took the id" } });
    const [error] = await downEvent;
    assert.equal(error.code, "CLOSED");
    assert.equal(error.reasonCode, 0x8e);
    assert.equal(downs.length, 1);
    assert.equal((await rejectsWith(publishing)).code, "CLOSED");
    assert.equal(client.isConnected, false);
    await conn.closed; // the client closed its end too
  })
);

test("v5 (fake broker): an AUTH from the broker (enhanced authentication is not supported) gives a coded down: PROTOCOL", opts, () =>
  withFakeBroker({}, async (ctx) => {
    const client = client5(ctx);
    const conn = await connectToFake(ctx, client);
    const { downs, down } = recordDowns(client);
    conn.send({ cmd: "auth", reasonCode: 0x18, properties: { authenticationMethod: "SCRAM-SHA-1" } });
    await down;
    assert.equal(downs.length, 1);
    assert.equal(downs[0].code, "PROTOCOL");
  })
);

test("v5 (fake broker): serverKeepAlive replaces our keepalive: PINGREQ within 1.5 s of a serverKeepAlive of 1 (we asked for 60)", opts, () =>
  withFakeBroker({ connack: { serverKeepAlive: 1 } }, async (ctx) => {
    const client = client5(ctx, { keepalive: 60 });
    const conn = await connectToFake(ctx, client);
    assert.equal((await conn.next("connect")).keepalive, 60);
    assert.equal(client.connack.serverKeepAlive, 1);
    const started = Date.now();
    const pinged = await Promise.race([conn.next("pingreq").then(() => true), delay(1500).then(() => false)]);
    // The keepalive is the longest silence allowed [MQTT-3.1.2-22]: a client that kept 60 s
    // would not ping for tens of seconds.
    assert.ok(pinged, `no PINGREQ within ${Date.now() - started} ms`);
    assert.equal(client.up.isSet(), true);
  })
);

test("v5 (fake broker): receiveMaximum 1 counts a QoS 2 publish until its PUBCOMP, not its PUBREC", opts, () => {
  const pubrels = [];
  return withFakeBroker(
    {
      connack: { receiveMaximum: 1 },
      // PUBREC at once; PUBCOMP only when the test says so.
      answer: { pubrel: (conn, p) => pubrels.push(() => conn.send({ cmd: "pubcomp", messageId: p.messageId })) },
    },
    async (ctx) => {
      const client = client5(ctx, { maxInflight: 10 });
      const conn = await connectToFake(ctx, client);
      assert.equal(client.connack.receiveMaximum, 1);
      const done = [];
      const publishes = [0, 1, 2].map((i) => client.publish(ctx.topic("q2"), `m${i}`, false, 2).then(() => done.push(i)));
      for (let i = 0; i < 3; i++) {
        await until(() => pubrels.length >= 1); // the i-th PUBLISH got its PUBREC and was released
        await delay(200); // time enough for a client that would send the next one too early
        const sent = conn.packets.filter((p) => p.cmd === "publish").length;
        assert.equal(sent, i + 1, `with ${i} PUBCOMPs sent, the client sent ${sent} PUBLISHes`);
        pubrels.shift()();
      }
      await Promise.all(publishes);
      assert.deepEqual(done, [0, 1, 2]);
    }
  );
});

test("v5 (fake broker): a PUBREC with 0x80 or above rejects REFUSED, returns the quota, and no PUBREL follows", opts, () =>
  withFakeBroker(
    {
      connack: { receiveMaximum: 1 },
      answer: {
        publish: (conn, p) => {
          if (p.payload.toString() === "refuse me") conn.send({ cmd: "pubrec", messageId: p.messageId, reasonCode: 0x97 });
          else conn.send({ cmd: "pubrec", messageId: p.messageId });
        },
      },
    },
    async (ctx) => {
      const client = client5(ctx);
      const conn = await connectToFake(ctx, client);
      const refused = client.publish(ctx.topic("x"), "refuse me", false, 2);
      const next = client.publish(ctx.topic("x"), "take me", false, 2);
      const error = await rejectsWith(refused);
      assert.equal(error.code, "REFUSED");
      assert.equal(error.reasonCode, 0x97);
      await next;
      const pubrels = conn.packets.filter((p) => p.cmd === "pubrel");
      const publishes = conn.packets.filter((p) => p.cmd === "publish");
      assert.equal(publishes.length, 2);
      assert.deepEqual(pubrels.map((p) => p.messageId), [publishes[1].messageId], "PUBREL only for the accepted one (4.3.3: a PUBREC of 0x80 or above ends the exchange)");
    }
  )
);

/** A QoS 0 PUBLISH to `topic` whose properties are the raw bytes `props` (length added). */
function publishWithRawProperties(topic, props, payload) {
  const t = Buffer.from(topic, "utf8");
  const body = Buffer.concat([Buffer.from([t.length >> 8, t.length & 255]), t, Buffer.from([props.length]), Buffer.from(props), Buffer.from(payload, "utf8")]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

const str = (s) => [0, s.length, ...Buffer.from(s, "latin1")];

// Bad input from the broker (issue 12): each a coded down, nothing delivered, and the client
// connects again and works. The control row, a User Property given twice, is allowed.
for (const bad of [
  { name: "a property given twice where the spec forbids it (Content Type)", props: [0x03, ...str("a"), 0x03, ...str("b")] },
  { name: "an invalid property identifier (0x7F)", props: [0x7f, 0x00] },
  { name: "a string property with invalid UTF-8 (C3 28)", props: [0x03, 0x00, 0x02, 0xc3, 0x28] },
  { name: "a string property with an encoded surrogate (ED A0 80) [MQTT-1.5.4-1]", props: [0x03, 0x00, 0x03, 0xed, 0xa0, 0x80] },
  { name: "a property not allowed in PUBLISH (Session Expiry Interval)", props: [0x11, 0, 0, 0, 5] },
  { name: "a property length past the end of the packet", props: [0x03, 0x00, 0x09, 0x61] },
]) {
  test(`v5 (fake broker): an incoming PUBLISH with ${bad.name}: down PROTOCOL, nothing delivered, reconnecting works`, opts, () =>
    withFakeBroker({}, async (ctx) => {
      const client = client5(ctx);
      const got = collect5(client);
      let conn = await connectToFake(ctx, client);
      const { downs, down } = recordDowns(client);
      conn.socket.write(publishWithRawProperties(ctx.topic("bad"), bad.props, "bad"));
      await down;
      assert.equal(downs.length, 1);
      assert.equal(downs[0].code, "PROTOCOL");
      assert.deepEqual(got.messages, []);
      conn = await connectToFake(ctx, client);
      conn.socket.write(publishWithRawProperties(ctx.topic("good"), [0x26, ...str("k"), ...str("1"), 0x26, ...str("k"), ...str("2")], "good"));
      const m = await got.next(ctx.topic("good"));
      assert.deepEqual(m.properties.userProperties, [["k", "1"], ["k", "2"]]);
      assert.deepEqual(downs.map((e) => e.code), ["PROTOCOL"]);
    })
  );
}

test("v5 (fake broker): a CONNACK with a property given twice rejects connect() PROTOCOL; the client is idle again", opts, () =>
  withFakeBroker(
    {
      answer: {
        connect: (conn) => {
          // CONNACK, session present 0, reason 0, properties: Receive Maximum twice.
          conn.socket.write(Buffer.from([0x20, 9, 0, 0, 6, 0x21, 0, 5, 0x21, 0, 6]));
        },
      },
    },
    async (ctx) => {
      const client = client5(ctx);
      const error = await rejectsWith(client.connect());
      assert.equal(error.code, "PROTOCOL");
      assert.equal(client.isConnected, false);
      assert.equal(client.up.isSet(), false);
      assert.equal((await rejectsWith(client.connect())).code, "PROTOCOL", "a second attempt fails the same way, not as busy");
    }
  )
);

// [MQTT-3.1.2-24]: nothing over the broker's Maximum Packet Size, SUBSCRIBE, UNSUBSCRIBE and
// DISCONNECT included (they went out whatever their size).
test("v5 (fake broker): over the broker's maximumPacketSize, subscribe() and unsubscribe() reject TOO_LARGE unsent; disconnect() leaves out its reason string and user properties", opts, () =>
  withFakeBroker({ connack: { maximumPacketSize: 20 } }, async (ctx) => {
    const client = client5(ctx, { properties: { sessionExpiryInterval: 60 } });
    const conn = await connectToFake(ctx, client);
    const long = "a/filter/longer/than/twenty/bytes";
    assert.equal((await rejectsWith(client.subscribe(long, 1))).code, "TOO_LARGE");
    assert.equal((await rejectsWith(client.unsubscribe(long))).code, "TOO_LARGE");
    assert.equal(await client.subscribe("short", 1), 1, "one within the size goes");
    await client.disconnect(4, { sessionExpiryInterval: 5, reasonString: "a reason string far over twenty bytes", userProperties: [["k", "v"]] });
    const disconnect = await conn.next("disconnect");
    assert.equal(disconnect.reasonCode, 4);
    assert.deepEqual(disconnect.properties, { sessionExpiryInterval: 5 }, "the session expiry is kept, the rest left out");
    assert.ok(disconnect.length + 2 <= 20, `a DISCONNECT of ${disconnect.length + 2} bytes`);
    assert.deepEqual(conn.packets.filter((p) => p.cmd === "subscribe" || p.cmd === "unsubscribe").map((p) => p.cmd), ["subscribe"]);
  })
);

// [MQTT-3.3.4-7]: after a reconnect the broker's new Receive Maximum holds for the publishes
// sent again too; all of them went at once.
test("v5 (fake broker): 4 unacknowledged QoS 1 publishes, reconnect with receiveMaximum 1: sent again one at a time, in order, with their ids", opts, () => {
  let connects = 0;
  return withFakeBroker(
    {
      answer: {
        connect: (conn) => {
          connects++;
          conn.send({ cmd: "connack", sessionPresent: connects > 1, reasonCode: 0, properties: connects > 1 ? { receiveMaximum: 1 } : {} });
        },
        publish() {}, // acknowledged by the test
      },
    },
    async (ctx) => {
      const client = client5(ctx, { responseTime: 5, clientId: "rm-" + Date.now() });
      const opened = ctx.broker.nextConnection();
      await client.connect(false);
      const first = await opened;
      const done = [];
      const publishes = [0, 1, 2, 3].map((i) => client.publish(ctx.topic("q1"), `m${i}`, false, 1).then(() => done.push(i)));
      await until(() => first.packets.filter((p) => p.cmd === "publish").length === 4);
      const ids = first.packets.filter((p) => p.cmd === "publish").map((p) => p.messageId);
      const down = client.down.wait();
      first.destroy();
      await down;
      const second = ctx.broker.nextConnection();
      await client.connect(false);
      const conn = await second;
      const sent = () => conn.packets.filter((p) => p.cmd === "publish");
      for (let i = 0; i < 4; i++) {
        await until(() => sent().length > i);
        await delay(200); // time enough for a client that would send the next one too early
        assert.equal(sent().length, i + 1, `with ${i} PUBACKs sent, the client sent ${sent().length} PUBLISHes`);
        const p = sent()[i];
        assert.deepEqual([p.payload.toString(), p.messageId, p.dup], [`m${i}`, ids[i], true]);
        conn.send({ cmd: "puback", messageId: p.messageId });
      }
      await Promise.all(publishes);
      assert.deepEqual(done, [0, 1, 2, 3]);
    }
  );
});

// A broker may set as many aliases as our topicAliasMaximum allows, each with a long topic: what
// they hold is bounded (4096 characters), past it the connection ends TOO_LARGE.
test("v5 (fake broker): incoming topic aliases holding over 4096 characters end the connection TOO_LARGE; an alias set again does not add up", opts, () =>
  withFakeBroker({}, async (ctx) => {
    const client = client5(ctx, { properties: { topicAliasMaximum: 1000 } });
    const got = collect5(client);
    const conn = await connectToFake(ctx, client);
    const { downs, down } = recordDowns(client);
    const topic = (i) => ctx.topic(String(i)).padEnd(120, "x");
    for (let i = 0; i < 100; i++) conn.send({ cmd: "publish", topic: topic(i), payload: "again", qos: 0, properties: { topicAlias: 1 } });
    await got.next((m) => m.topic === topic(99));
    for (let i = 2; i <= 100; i++) conn.send({ cmd: "publish", topic: topic(i), payload: "new", qos: 0, properties: { topicAlias: i } });
    await down;
    assert.deepEqual(downs.map((e) => e.code), ["TOO_LARGE"]);
    // 34 topics of 120 characters fit in 4096: alias 1 and 33 more.
    assert.equal(got.messages.filter((m) => m.text === "new").length, 33);
    await conn.closed;
  })
);
