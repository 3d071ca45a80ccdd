// MQTT 5 features through a real broker, with the v5 bundle (dist/mqtt_as5.js).
// Every scenario here is `only: "mosquitto"`: Aedes does not speak MQTT 5. Mosquitto (2.0.11
// here) is started by each test on a loopback port.
"use strict";
const assert = require("node:assert/strict");
const { brokerTest, rejectsWith, uniqueId } = require("./helpers.js");
const { MQTTClient, client5, connected5, collect5, delay, decodingRelayFor, countUnacknowledged, dynsec } = require("./v5-helpers.js");

const MOSQUITTO = { only: "mosquitto" }; // Aedes has no MQTT 5

brokerTest("v5: a retained message with messageExpiryInterval 1 is not delivered after 2 s; retained ones without expiry, or not yet expired, are", MOSQUITTO, async (ctx) => {
  const expiring = ctx.topic("expiring");
  const kept = ctx.topic("kept");
  const later = ctx.topic("later");
  const pub = await connected5(ctx);
  // QoS 1: the PUBACK means the broker has stored each one.
  await pub.publish(expiring, "short-lived", true, 1, { messageExpiryInterval: 1 });
  await pub.publish(kept, "no expiry", true, 1);
  await pub.publish(later, "sixty seconds", true, 1, { messageExpiryInterval: 60 });
  await delay(2200);
  const sub = client5(ctx);
  const got = collect5(sub);
  await sub.connect();
  // One at a time, in this order: a retained message of the first subscription would be queued
  // before those of the later ones, so when the last has arrived the first would have too.
  for (const topic of [expiring, kept, later]) await sub.subscribe(topic, 1);
  await got.next(later);
  assert.deepEqual(got.messages.map((m) => [m.topic, m.text, m.retained]), [
    [kept, "no expiry", true],
    [later, "sixty seconds", true],
  ]);
  // The broker forwards the remaining lifetime [MQTT-3.3.2-6]; none when there was none.
  const remaining = got.messages[1].properties.messageExpiryInterval;
  assert.ok(Number.isInteger(remaining) && remaining >= 1 && remaining <= 60, `remaining expiry ${remaining}`);
  assert.equal(got.messages[0].properties.messageExpiryInterval, undefined);
});

brokerTest("v5: noLocal keeps a client's own publishes from it; another client, and a subscription without noLocal, get them", MOSQUITTO, async (ctx) => {
  const quiet = ctx.topic("nolocal");
  const echo = ctx.topic("echo");
  const a = client5(ctx);
  const gotA = collect5(a);
  await a.connect();
  assert.equal(await a.subscribe(quiet, 1, { noLocal: true }), 1);
  assert.equal(await a.subscribe(echo, 1), 1);
  const b = client5(ctx);
  const gotB = collect5(b);
  await b.connect();
  await b.subscribe(quiet, 1);
  await a.publish(quiet, "mine", false, 1);
  await a.publish(echo, "mine too", false, 1);
  // Same publisher, same subscriber: the broker keeps their order [MQTT-4.6.0-6], so "mine"
  // would have come before the echo.
  await gotA.next(echo);
  assert.deepEqual(gotA.messages.map((m) => [m.topic, m.text]), [[echo, "mine too"]]);
  assert.equal((await gotB.next(quiet)).text, "mine");
});

brokerTest("v5: retainHandling 0 sends retained messages at every subscribe, 1 only for a new subscription, 2 never", MOSQUITTO, async (ctx) => {
  const topic = ctx.topic("rh");
  const marker = ctx.topic("marker");
  const pub = await connected5(ctx);
  await pub.publish(topic, "stored", true, 1);
  const seen = {};
  for (const rh of [0, 1, 2]) {
    const sub = client5(ctx);
    const got = collect5(sub);
    await sub.connect();
    await sub.subscribe(marker, 1);
    await sub.subscribe(topic, 1, { retainHandling: rh });
    await sub.subscribe(topic, 1, { retainHandling: rh }); // the same subscription again
    // The broker sends retained messages while it handles the SUBSCRIBE, before it reads this
    // client's next packet: the marker comes after any of them.
    await sub.publish(marker, "end", false, 1);
    await got.next(marker);
    seen[rh] = got.messages.filter((m) => m.topic === topic).map((m) => [m.text, m.retained]);
  }
  assert.deepEqual(seen, {
    0: [["stored", true], ["stored", true]],
    1: [["stored", true]],
    2: [],
  });
});

brokerTest("v5: retainAsPublished keeps the retain flag of a live message; without it the flag is cleared", MOSQUITTO, async (ctx) => {
  const topic = ctx.topic("rap");
  const asPublished = client5(ctx);
  const gotRap = collect5(asPublished);
  await asPublished.connect();
  await asPublished.subscribe(topic, 1, { retainAsPublished: true });
  const plain = client5(ctx);
  const gotPlain = collect5(plain);
  await plain.connect();
  await plain.subscribe(topic, 1);
  const pub = await connected5(ctx);
  // Both subscribed before the publish: a live message, not one stored and sent at subscribe.
  await pub.publish(topic, "live and retained", true, 1);
  await pub.publish(topic, "live, not retained", false, 1);
  await gotRap.next((m) => m.text === "live, not retained");
  await gotPlain.next((m) => m.text === "live, not retained");
  assert.deepEqual(gotRap.messages.map((m) => [m.text, m.retained]), [
    ["live and retained", true],
    ["live, not retained", false],
  ]);
  assert.deepEqual(gotPlain.messages.map((m) => [m.text, m.retained]), [
    ["live and retained", false],
    ["live, not retained", false],
  ]);
});

for (const qos of [0, 1, 2]) {
  brokerTest(`v5: QoS ${qos}: user properties arrive with every pair, in order, repeats kept, as the 6th "msg" argument`, MOSQUITTO, async (ctx) => {
    const topic = ctx.topic(`up${qos}`);
    const sub = client5(ctx);
    const got = collect5(sub);
    await sub.connect();
    await sub.subscribe(topic, qos);
    const pub = await connected5(ctx);
    const pairs = [["a", "1"], ["b", "2"], ["a", "3"], ["\u00fc", "\u20ac \u00e9"], ["a", ""]];
    await pub.publish(topic, "with properties", false, qos, { userProperties: pairs });
    await pub.publish(topic, "without", false, qos);
    const m = await got.next((x) => x.text === "with properties");
    assert.equal(m.args, 6, "the msg callback gets six arguments under v5");
    assert.equal(m.qos, qos);
    assert.deepEqual(m.properties.userProperties, pairs);
    const bare = await got.next((x) => x.text === "without");
    assert.deepEqual(bare.properties, {}, "a message without properties gets {}");
  });
}

brokerTest("v5: without a \"msg\" callback, queued messages carry their properties", MOSQUITTO, async (ctx) => {
  const topic = ctx.topic("queued");
  const sub = await connected5(ctx, {}, { [topic]: 1 });
  const pub = await connected5(ctx);
  await pub.publish(topic, "queued", false, 1, { userProperties: [["k", "v"], ["k", "w"]], contentType: "text/plain" });
  const m = await sub.queue.get();
  assert.equal(m.topic, topic);
  assert.equal(Buffer.from(m.msg).toString(), "queued");
  assert.deepEqual(m.properties.userProperties, [["k", "v"], ["k", "w"]]);
  assert.equal(m.properties.contentType, "text/plain");
});

brokerTest("v5: request/response: responseTopic and correlationData reach the responder, and the reply's correlationData comes back byte-equal", MOSQUITTO, async (ctx) => {
  const requests = ctx.topic("requests");
  const replies = ctx.topic("replies/for-me");
  const correlation = new Uint8Array([0, 1, 2, 0x7f, 0x80, 0xc3, 0xff]);
  const responder = client5(ctx);
  const seenByResponder = [];
  responder.on("msg", (topic, msg, retained, qos, dup, properties) => {
    seenByResponder.push(properties);
    responder
      .publish(properties.responseTopic, "reply to " + Buffer.from(msg).toString(), false, 1, { correlationData: properties.correlationData })
      .catch(() => {});
  });
  await responder.connect();
  await responder.subscribe(requests, 1);
  const requester = client5(ctx);
  const got = collect5(requester);
  await requester.connect();
  await requester.subscribe(replies, 1);
  await requester.publish(requests, "question", false, 1, { responseTopic: replies, correlationData: correlation, contentType: "text/plain" });
  const reply = await got.next(replies);
  assert.equal(reply.text, "reply to question");
  assert.ok(reply.properties.correlationData instanceof Uint8Array, "correlationData is a Uint8Array");
  assert.deepEqual([...reply.properties.correlationData], [...correlation]);
  assert.equal(seenByResponder.length, 1);
  assert.equal(seenByResponder[0].responseTopic, replies);
  assert.equal(seenByResponder[0].contentType, "text/plain");
  assert.deepEqual([...seenByResponder[0].correlationData], [...correlation]);
});

brokerTest("v5: a subscription identifier comes back with each message of that subscription, as an array", MOSQUITTO, async (ctx) => {
  const exact = ctx.topic("sid/x");
  const wild = ctx.topic("sid/+");
  const sub = client5(ctx);
  const got = collect5(sub);
  await sub.connect();
  await sub.subscribe(exact, 1, { subscriptionIdentifier: 7 });
  await sub.subscribe(wild, 1, { subscriptionIdentifier: 300 }); // two bytes as a variable byte integer
  const pub = await connected5(ctx);
  await pub.publish(exact, "both", false, 1);
  await pub.publish(ctx.topic("sid/y"), "wild only", false, 1);
  await got.next((m) => m.text === "wild only");
  // Mosquitto 2.0 sends one copy per matching subscription, each with its identifier.
  const ids = got.messages.map((m) => [m.text, m.properties.subscriptionIdentifier]);
  const both = ids.filter(([text]) => text === "both").map(([, id]) => id);
  assert.ok(both.every(Array.isArray), `subscriptionIdentifier arrays: ${JSON.stringify(both)}`);
  assert.deepEqual(both.flat().sort((x, y) => x - y), [7, 300]);
  assert.deepEqual(ids.filter(([text]) => text === "wild only").map(([, id]) => id), [[300]]);
});

brokerTest("v5: unsubscribe with properties resolves; nothing more arrives on that topic", MOSQUITTO, async (ctx) => {
  const gone = ctx.topic("gone");
  const marker = ctx.topic("marker");
  const sub = client5(ctx);
  const got = collect5(sub);
  await sub.connect();
  await sub.subscribe(gone, 1);
  await sub.subscribe(marker, 1);
  const pub = await connected5(ctx);
  await pub.publish(gone, "before", false, 1);
  await got.next(gone);
  await sub.unsubscribe(gone, { userProperties: [["why", "test"]] });
  await pub.publish(gone, "after", false, 1);
  await pub.publish(marker, "end", false, 1);
  await got.next(marker);
  assert.deepEqual(got.messages.filter((m) => m.topic === gone).map((m) => m.text), ["before"]);
});

brokerTest("v5: an outgoing topic alias: set with a topic, then used with an empty topic; the subscriber sees the real topic", MOSQUITTO, async (ctx) => {
  const relay = await decodingRelayFor(ctx);
  const first = ctx.topic("alias/first");
  const second = ctx.topic("alias/second");
  const sub = client5(ctx);
  const got = collect5(sub);
  await sub.connect();
  await sub.subscribe(ctx.topic("alias/#"), 0);
  const pub = client5(ctx, { server: relay.host, port: relay.port });
  await pub.connect();
  assert.equal(pub.connack.topicAliasMaximum, 10, "Mosquitto's default max_topic_alias");
  await pub.publish(first, "one", false, 0, { topicAlias: 1 });
  await pub.publish("", "two", false, 0, { topicAlias: 1 });
  await pub.publish(second, "three", false, 0, { topicAlias: 1 }); // the alias now means another topic
  await pub.publish("", "four", false, 0, { topicAlias: 1 });
  await got.next((m) => m.text === "four");
  assert.deepEqual(got.messages.map((m) => [m.topic, m.text]), [
    [first, "one"],
    [first, "two"],
    [second, "three"],
    [second, "four"],
  ]);
  // On the wire, the alias did what it is for: the topic was left out [MQTT-3.3.2-12].
  const sent = relay.toBroker.filter((p) => p.cmd === "publish").map((p) => [p.topic, p.properties && p.properties.topicAlias]);
  assert.deepEqual(sent, [
    [first, 1],
    ["", 1],
    [second, 1],
    ["", 1],
  ]);
  assert.equal(pub.up.isSet(), true);
});

brokerTest("v5: topic aliases belong to one connection: after a reconnect an alias must be set again (BAD_ARGUMENT)", MOSQUITTO, async (ctx) => {
  const topic = ctx.topic("alias");
  const sub = client5(ctx);
  const got = collect5(sub);
  await sub.connect();
  await sub.subscribe(topic, 0);
  const pub = await connected5(ctx);
  await pub.publish(topic, "set", false, 0, { topicAlias: 2 });
  await pub.disconnect();
  await pub.connect();
  const error = await rejectsWith(pub.publish("", "stale", false, 0, { topicAlias: 2 }));
  assert.equal(error.code, "BAD_ARGUMENT");
  await pub.publish(topic, "set again", false, 0, { topicAlias: 2 });
  await pub.publish("", "via alias", false, 0, { topicAlias: 2 });
  await got.next((m) => m.text === "via alias");
  assert.deepEqual(got.messages.map((m) => [m.topic, m.text]), [
    [topic, "set"],
    [topic, "set again"],
    [topic, "via alias"],
  ]);
});

for (const mix of [
  { name: "QoS 1", qos: [1] },
  { name: "QoS 2", qos: [2] },
  { name: "QoS 1 and 2 mixed", qos: [1, 2] },
]) {
  brokerTest(
    `v5: the broker's receiveMaximum 2 bounds ${mix.name} publishes in flight; 10 un-awaited publishes all settle`,
    { only: "mosquitto", mosquitto: ["max_inflight_messages 2"] },
    async (ctx) => {
      const relay = await decodingRelayFor(ctx);
      const unacknowledged = countUnacknowledged(relay);
      const topic = ctx.topic("window");
      const sub = client5(ctx);
      const got = collect5(sub);
      await sub.connect();
      await sub.subscribe(topic, 2);
      // maxInflight 10: the client's own limit is not what holds the publishes back.
      const pub = client5(ctx, { server: relay.host, port: relay.port, maxInflight: 10 });
      await pub.connect();
      assert.equal(pub.connack.receiveMaximum, 2);
      relay.hold(); // the broker's acknowledgements wait in the relay...
      const results = [];
      const publishes = [];
      for (let i = 0; i < 10; i++) {
        const qos = mix.qos[i % mix.qos.length];
        publishes.push(pub.publish(topic, `m${i}`, false, qos).then(() => results.push(i)));
      }
      await delay(300);
      // ...so the client may have sent only two.
      const sentWhileHeld = relay.toBroker.filter((p) => p.cmd === "publish").length;
      assert.ok(sentWhileHeld <= 2, `${sentWhileHeld} PUBLISHes sent with none acknowledged`);
      relay.release();
      await Promise.all(publishes);
      assert.equal(results.length, 10);
      assert.ok(unacknowledged.most <= 2, `${unacknowledged.most} PUBLISHes were unacknowledged at once`);
      assert.ok(unacknowledged.most >= 1);
      for (let i = 0; i < 10; i++) await got.next((m) => m.text === `m${i}`);
      assert.equal(got.messages.length, 10);
      assert.equal(relay.toBroker.filter((p) => p.cmd === "publish" && p.dup).length, 0, "no retransmissions were needed");
      assert.equal(pub.up.isSet(), true);
    }
  );
}

// The dynamic-security plugin refuses SUBSCRIBE and UNSUBSCRIBE with 0x87 (Mosquitto's
// acl_file does not), and answers a refused QoS 1 PUBLISH with PUBACK 0x87 and a QoS 2 one
// with PUBREC 0x87 (checked on 2.0.11 with a raw client).
const REFUSING = {
  only: "mosquitto",
  mosquitto: (dir) =>
    dynsec(dir, {
      defaultACLAccess: { publishClientSend: true, publishClientReceive: true, subscribe: false, unsubscribe: true },
      clients: [],
      groups: [{ groupname: "anonymous", roles: [{ rolename: "r" }], clients: [] }],
      roles: [
        {
          rolename: "r",
          acls: [
            { acltype: "subscribePattern", topic: "it/+/allowed", priority: 0, allow: true },
            { acltype: "subscribePattern", topic: "it/+/sticky", priority: 0, allow: true },
            { acltype: "unsubscribePattern", topic: "it/+/sticky", priority: 0, allow: false },
            { acltype: "publishClientSend", topic: "it/+/denied", priority: 0, allow: false },
          ],
        },
      ],
      anonymousGroup: "anonymous",
    }),
};

brokerTest("v5: a refused subscription rejects SUBACK_FAILURE with reasonCode 0x87; the connection stays up", REFUSING, async (ctx) => {
  const client = client5(ctx);
  const got = collect5(client);
  await client.connect();
  const error = await rejectsWith(client.subscribe(ctx.topic("denied"), 1));
  assert.equal(error.code, "SUBACK_FAILURE");
  assert.equal(error.reasonCode, 0x87);
  assert.equal(client.up.isSet(), true);
  const allowed = ctx.topic("allowed");
  assert.equal(await client.subscribe(allowed, 1), 1);
  await client.publish(allowed, "still here", false, 1);
  assert.equal((await got.next(allowed)).text, "still here");
});

brokerTest("v5: a PUBACK or PUBREC with 0x87 rejects the publish REFUSED with that reasonCode; the connection stays up", REFUSING, async (ctx) => {
  const client = client5(ctx);
  const got = collect5(client);
  await client.connect();
  const allowed = ctx.topic("allowed");
  await client.subscribe(allowed, 2);
  for (const qos of [1, 2]) {
    const error = await rejectsWith(client.publish(ctx.topic("denied"), "no", false, qos));
    assert.equal(error.code, "REFUSED", `QoS ${qos}`);
    assert.equal(error.reasonCode, 0x87, `QoS ${qos}`);
  }
  // QoS 0 has no answer: it settles when written, refused or not.
  await client.publish(ctx.topic("denied"), "no", false, 0);
  for (const qos of [0, 1, 2]) await client.publish(allowed, `fine ${qos}`, false, qos);
  await got.next((m) => m.text === "fine 2");
  assert.deepEqual(got.messages.map((m) => m.text), ["fine 0", "fine 1", "fine 2"]);
  assert.equal(client.up.isSet(), true);
});

brokerTest("v5: a refused unsubscribe (UNSUBACK 0x87) rejects REFUSED with that reasonCode; the subscription stays", REFUSING, async (ctx) => {
  const client = client5(ctx);
  const got = collect5(client);
  await client.connect();
  const sticky = ctx.topic("sticky");
  await client.subscribe(sticky, 1);
  const error = await rejectsWith(client.unsubscribe(sticky));
  assert.equal(error.code, "REFUSED");
  assert.equal(error.reasonCode, 0x87);
  // An UNSUBACK of 0x11 (no subscription existed) is not a refusal (below 0x80).
  await client.unsubscribe(ctx.topic("never-subscribed"));
  await client.publish(sticky, "still subscribed", false, 1);
  assert.equal((await got.next(sticky)).text, "still subscribed");
});

brokerTest(
  "v5: the broker's maximumQoS, retainAvailable and maximumPacketSize are obeyed (BAD_ARGUMENT, TOO_LARGE); the connection keeps working",
  { only: "mosquitto", mosquitto: ["max_qos 1", "retain_available false", "max_packet_size 1000"] },
  async (ctx) => {
    const topic = ctx.topic("limits");
    const sub = client5(ctx);
    const got = collect5(sub);
    await sub.connect();
    await sub.subscribe(topic, 1);
    const pub = await connected5(ctx);
    assert.equal(pub.connack.maximumQoS, 1);
    assert.equal(pub.connack.retainAvailable, false);
    assert.equal(pub.connack.maximumPacketSize, 1000);
    assert.equal((await rejectsWith(pub.publish(topic, "qos 2", false, 2))).code, "BAD_ARGUMENT");
    assert.equal((await rejectsWith(pub.publish(topic, "retained", true, 1))).code, "BAD_ARGUMENT");
    assert.equal((await rejectsWith(pub.publish(topic, new Uint8Array(2000), false, 1))).code, "TOO_LARGE");
    // At the limit: a QoS 1 PUBLISH is 1 + 2 (fixed header, remaining length of 2 bytes) +
    // 2 + topic (topic name) + 2 (packet id) + 1 (no properties) + payload bytes. One more
    // byte is too large; exactly 1,000 is allowed [MQTT-3.2.2-15].
    const fits = 1000 - 3 - (2 + Buffer.byteLength(topic) + 2 + 1);
    assert.equal((await rejectsWith(pub.publish(topic, new Uint8Array(fits + 1), false, 1))).code, "TOO_LARGE");
    await pub.publish(topic, new Uint8Array(fits).fill(0x61), false, 1);
    await pub.publish(topic, "after", false, 1);
    await got.next((m) => m.text === "after");
    assert.deepEqual(got.messages.map((m) => m.msg.length), [fits, 5]);
    assert.equal(pub.up.isSet(), true);
  }
);

brokerTest("v5: CONNACK properties are on client.connack: serverKeepAlive, assignedClientIdentifier", { only: "mosquitto", mosquitto: ["max_keepalive 10"] }, async (ctx) => {
  // Mosquitto 2.0.11 will not take a max_keepalive under 10; that the client pings by the
  // server's keepalive is tested against a fake broker (v5-session.test.js).
  const client = client5(ctx, { clientId: "", keepalive: 60 });
  await client.connect();
  assert.equal(client.connack.serverKeepAlive, 10);
  // An empty client id is allowed in v5 [MQTT-3.1.3-6]: the broker assigns one [MQTT-3.2.2-16].
  const assigned = client.connack.assignedClientIdentifier;
  assert.equal(typeof assigned, "string");
  assert.ok(assigned.length > 0);
  const plain = await connected5(ctx);
  assert.equal(plain.connack.assignedClientIdentifier, undefined);
  assert.equal(typeof plain.connack, "object");
});

brokerTest("v5 bundle, protocolVersion 4 (the default): the 6th \"msg\" argument is undefined", MOSQUITTO, async (ctx) => {
  const topic = ctx.topic("v4");
  // No protocolVersion in the config at all: the default must be 4.
  const sub = new MQTTClient({ server: ctx.broker.host, port: ctx.broker.port, clientId: uniqueId("v4"), responseTime: 1 });
  ctx.clients.push(sub);
  const got = collect5(sub);
  await sub.connect();
  await sub.subscribe(topic, 1);
  const pub = await connected5(ctx, { protocolVersion: 4 });
  await pub.publish(topic, "plain", false, 1);
  const m = await got.next(topic);
  assert.equal(m.properties, undefined);
});

// Bad input: each a coded rejection at once, and nothing else disturbed (a publish that
// follows arrives, the connection stays up).
brokerTest("v5: bad properties and topic aliases reject BAD_ARGUMENT; the connection keeps working after each", MOSQUITTO, async (ctx) => {
  const topic = ctx.topic("bad");
  const sub = client5(ctx);
  const got = collect5(sub);
  await sub.connect();
  await sub.subscribe(topic, 1);
  const pub = await connected5(ctx);
  const max = pub.connack.topicAliasMaximum;
  assert.equal(max, 10);
  const cases = [
    ["topicAlias 0", topic, { topicAlias: 0 }],
    ["topicAlias above the broker's maximum", topic, { topicAlias: max + 1 }],
    ["an empty topic with an alias never set", "", { topicAlias: 3 }],
    ["an unknown property name", topic, { bogus: 1 }],
    ["a CONNECT-only property in PUBLISH", topic, { sessionExpiryInterval: 10 }],
    ["a SUBSCRIBE-only property in PUBLISH", topic, { subscriptionIdentifier: 1 }],
    ["userProperties neither pairs nor { name: value }", topic, { userProperties: "a=1" }],
    ["userProperties not pairs", topic, { userProperties: ["a", "1"] }],
    ["a userProperties pair of three", topic, { userProperties: [["a", "1", "2"]] }],
    ["a userProperties value not a string", topic, { userProperties: [["a", 1]] }],
    ["a lone surrogate in a string property [MQTT-1.5.4-1]", topic, { contentType: "text/\ud800" }],
    ["U+0000 in a string property [MQTT-1.5.4-2]", topic, { responseTopic: "a\u0000b" }],
    ["a wildcard in responseTopic [MQTT-3.3.2-14]", topic, { responseTopic: "replies/#" }],
    ["messageExpiryInterval not a number", topic, { messageExpiryInterval: "soon" }],
  ];
  let n = 0;
  for (const [name, t, properties] of cases) {
    for (const qos of [0, 1]) {
      let error;
      try {
        error = await rejectsWith(pub.publish(t, "bad", false, qos, properties));
      } catch (e) {
        throw new Error(`${name}, QoS ${qos}: ${e.message}`);
      }
      assert.equal(error.code, "BAD_ARGUMENT", `${name}, QoS ${qos}: ${error.code}`);
      const text = `ok after ${++n}`;
      await pub.publish(topic, text, false, qos);
      await got.next((m) => m.text === text);
    }
  }
  assert.deepEqual(got.messages.filter((m) => m.text === "bad"), [], "no bad publish went out");
  // Bad subscription options and unsubscribe properties are refused the same way.
  for (const [name, promise] of [
    ["retainHandling 3", () => sub.subscribe(topic, 1, { retainHandling: 3 })],
    ["subscriptionIdentifier 0 (a protocol error, 3.8.2.1.2)", () => sub.subscribe(topic, 1, { subscriptionIdentifier: 0 })],
    ["subscription userProperties not pairs", () => sub.subscribe(topic, 1, { userProperties: [["a"]] })],
    ["a PUBLISH property in UNSUBSCRIBE", () => sub.unsubscribe(topic, { contentType: "x" })],
  ]) {
    const error = await rejectsWith(promise());
    assert.equal(error.code, "BAD_ARGUMENT", name);
  }
  await pub.publish(topic, "last", false, 1);
  await got.next((m) => m.text === "last");
  assert.equal(pub.up.isSet(), true);
  assert.equal(sub.up.isSet(), true);
});

brokerTest("v5: a bad CONNECT or will property rejects connect() BAD_ARGUMENT without a connection; valid ones then connect", MOSQUITTO, async (ctx) => {
  for (const properties of [{ bogus: 1 }, { contentType: "x" }, { receiveMaximum: 0 }, { userProperties: [["a"]] }]) {
    const client = client5(ctx, { properties });
    const error = await rejectsWith(client.connect());
    assert.equal(error.code, "BAD_ARGUMENT", JSON.stringify(properties));
    assert.equal(client.up.isSet(), false);
  }
  for (const properties of [{ bogus: 1 }, { sessionExpiryInterval: 5 }, { topicAlias: 1 }]) {
    const client = client5(ctx, { will: { topic: ctx.topic("will"), msg: "x", properties } });
    const error = await rejectsWith(client.connect());
    assert.equal(error.code, "BAD_ARGUMENT", "will properties " + JSON.stringify(properties));
  }
  const client = client5(ctx, {
    properties: { receiveMaximum: 5, maximumPacketSize: 100000, topicAliasMaximum: 3, requestProblemInformation: true, userProperties: [["x", "y"], ["x", "z"]] },
    will: { topic: ctx.topic("will"), msg: "x", properties: { willDelayInterval: 2, contentType: "text/plain", userProperties: [["a", "b"]] } },
  });
  assert.equal(await client.connect(), false);
  assert.equal(client.up.isSet(), true);
});

brokerTest("v5: a message larger than our maxPacketSize is dropped by the broker (we told it our maximum); the connection lives", MOSQUITTO, async (ctx) => {
  const topic = ctx.topic("big");
  const sub = client5(ctx, { maxPacketSize: 1024 });
  const got = collect5(sub);
  const downs = [];
  sub.on("down", (e) => downs.push(e));
  await sub.connect();
  await sub.subscribe(topic, 1);
  const pub = await connected5(ctx);
  await pub.publish(topic, new Uint8Array(4000), false, 1);
  await pub.publish(topic, "small", false, 1);
  // Same publisher, same subscriber: the small one would come after the big one [MQTT-4.6.0-6].
  await got.next((m) => m.text === "small");
  assert.deepEqual(got.messages.map((m) => m.msg.length), [5], "the broker must not send a packet above our maximum [MQTT-3.1.2-24]");
  assert.deepEqual(downs, []);
  assert.equal(sub.up.isSet(), true);
});

brokerTest(
  "v5: an alias set by a publish still waiting for the receive window is not used before that publish is sent (no protocol error, the connection lives)",
  { only: "mosquitto", mosquitto: ["max_inflight_messages 1"] },
  async (ctx) => {
    const relay = await decodingRelayFor(ctx);
    const topic = ctx.topic("alias/late");
    const sub = client5(ctx);
    const got = collect5(sub);
    await sub.connect();
    await sub.subscribe(ctx.topic("alias/#"), 1);
    const pub = client5(ctx, { server: relay.host, port: relay.port });
    const downs = [];
    pub.on("down", (e) => downs.push(e));
    await pub.connect();
    assert.equal(pub.connack.receiveMaximum, 1);
    relay.hold(); // the first publish's PUBACK waits: the window of 1 stays full
    const first = pub.publish(ctx.topic("alias/first"), "first", false, 1);
    const setting = pub.publish(topic, "sets the alias", false, 1, { topicAlias: 1 }); // waits for the window
    // The alias is not yet set on the connection: this must not go out ahead of `setting`
    // with an empty topic (3.3.2.3.4: an empty topic needs the alias set on this connection first); waiting behind it or
    // BAD_ARGUMENT are both honest.
    const using = pub.publish("", "uses the alias", false, 0, { topicAlias: 1 }).then(
      () => "resolved",
      (e) => e.code
    );
    await delay(300);
    relay.release();
    await first;
    await setting;
    const outcome = await using;
    assert.ok(outcome === "resolved" || outcome === "BAD_ARGUMENT", `the aliased publish: ${outcome}`);
    await pub.publish(topic, "end", false, 1);
    await got.next((m) => m.text === "end");
    const expected = [[ctx.topic("alias/first"), "first"], [topic, "sets the alias"]];
    if (outcome === "resolved") expected.push([topic, "uses the alias"]);
    expected.push([topic, "end"]);
    assert.deepEqual(got.messages.map((m) => [m.topic, m.text]), expected);
    assert.deepEqual(downs, []);
    assert.equal(pub.up.isSet(), true);
  }
);
