// MQTT 5 sessions, wills, refusals and the broker's DISCONNECT through a real broker, with the
// v5 bundle. `only: "mosquitto"` throughout: Aedes does not speak MQTT 5.
"use strict";
const assert = require("node:assert/strict");
const { brokerTest, nextEvent, rejectsWith, uniqueId } = require("./helpers.js");
const { client5, connected5, collect5, recordDowns, delay, decodingRelayFor, countUnacknowledged, dynsec, dynsecClient } = require("./v5-helpers.js");

const MOSQUITTO = { only: "mosquitto" }; // Aedes has no MQTT 5

brokerTest("v5: a session with sessionExpiryInterval 2 survives a reconnect within it, with the messages meanwhile, and not after it", MOSQUITTO, async (ctx) => {
  const topic = ctx.topic("expiry");
  const clientId = uniqueId("sx");
  const a = client5(ctx, { clientId, properties: { sessionExpiryInterval: 2 } });
  const got = collect5(a);
  assert.equal(await a.connect(false), false, "a fresh broker has no session");
  assert.equal(await a.subscribe(topic, 1), 1);
  await a.disconnect();
  const b = await connected5(ctx);
  await b.publish(topic, "while away", false, 1); // PUBACKed: stored for the session
  assert.equal(await a.connect(false), true, "reconnected within the expiry: session present");
  const m = await got.next(topic);
  assert.equal(m.text, "while away");
  assert.equal(m.qos, 1);
  await a.disconnect();
  await delay(3500); // past the 2 s expiry, and Mosquitto's once-a-second check of it
  assert.equal(await a.connect(false), false, "the session expired");
  // And with it the subscription: a publish now does not reach the client.
  const marker = ctx.topic("marker");
  await a.subscribe(marker, 1);
  await b.publish(topic, "after expiry", false, 1);
  await b.publish(marker, "end", false, 1);
  await got.next(marker);
  assert.deepEqual(got.messages.map((x) => x.text), ["while away", "end"]);
});

brokerTest("v5: without sessionExpiryInterval, connect(false) keeps no session past the connection (absent means 0, 3.1.2.11.2)", MOSQUITTO, async (ctx) => {
  const clientId = uniqueId("sx0");
  const a = client5(ctx, { clientId });
  assert.equal(await a.connect(false), false);
  await a.subscribe(ctx.topic("x"), 1);
  await a.disconnect();
  assert.equal(await a.connect(false), false, "the session ended with the network connection");
});

brokerTest("v5: disconnect(0x04) makes the broker publish the will, with its properties", MOSQUITTO, async (ctx) => {
  const willTopic = ctx.topic("will");
  const watcher = client5(ctx);
  const got = collect5(watcher);
  await watcher.connect();
  await watcher.subscribe(willTopic, 1);
  const client = client5(ctx, {
    will: {
      topic: willTopic,
      msg: "gone on purpose",
      qos: 1,
      retain: false,
      properties: {
        contentType: "text/plain",
        userProperties: [["why", "test"], ["why", "again"]],
        correlationData: new Uint8Array([9, 8, 7]),
        messageExpiryInterval: 30,
      },
    },
  });
  await client.connect();
  await client.disconnect(0x04, { reasonString: "bye, with will" });
  const m = await got.next(willTopic);
  assert.equal(m.text, "gone on purpose");
  assert.equal(m.qos, 1);
  assert.equal(m.properties.contentType, "text/plain");
  assert.deepEqual(m.properties.userProperties, [["why", "test"], ["why", "again"]]);
  assert.deepEqual([...m.properties.correlationData], [9, 8, 7]);
  assert.ok(m.properties.messageExpiryInterval >= 1 && m.properties.messageExpiryInterval <= 30);
});

brokerTest("v5: under keepConnected, disconnect(0x04) still sends reason 0x04, and the broker publishes the will", MOSQUITTO, async (ctx) => {
  const { keepConnected } = require("../../dist/keep-connected.js");
  const willTopic = ctx.topic("will");
  const marker = ctx.topic("after");
  const watcher = client5(ctx);
  const got = collect5(watcher);
  await watcher.connect();
  await watcher.subscribe(ctx.topic("#"), 1);
  const client = client5(ctx, { will: { topic: willTopic, msg: "gone on purpose", qos: 1 } });
  const supervisor = keepConnected(client);
  await supervisor.up.wait();
  await client.disconnect(0x04);
  // The broker handles the DISCONNECT before this publish: when it is back, a will sent
  // for reason 0x04 has arrived before it.
  await watcher.publish(marker, "after", false, 1);
  await got.next(marker);
  assert.deepEqual(got.messages.map((m) => m.topic), [willTopic, marker]);
});

brokerTest("v5: a refused CONNACK rejects connect() CONNACK_REFUSED with returnCode and reasonCode the v5 reason code", { only: "mosquitto", mosquitto: ["allow_anonymous false"] }, async (ctx) => {
  const client = client5(ctx);
  const error = await rejectsWith(client.connect());
  assert.equal(error.code, "CONNACK_REFUSED");
  // Mosquitto 2.0 refuses an anonymous v5 client with 0x87 (not authorized), v3.1.1 with 5.
  assert.equal(error.reasonCode, 0x87);
  assert.equal(error.returnCode, 0x87);
  assert.equal(client.up.isSet(), false);
  assert.equal(client.isConnected, false);
});

brokerTest("v5: a second client with the same client id ends the first's connection: down CLOSED, with the reasonCode of the broker's DISCONNECT if it sent one", MOSQUITTO, async (ctx) => {
  const relay = await decodingRelayFor(ctx);
  const clientId = uniqueId("twin");
  const first = client5(ctx, { clientId, server: relay.host, port: relay.port });
  await first.connect();
  const { downs, down } = recordDowns(first);
  const second = client5(ctx, { clientId });
  await second.connect();
  await down;
  assert.equal(downs.length, 1);
  assert.ok(downs[0] instanceof Error);
  assert.equal(downs[0].code, "CLOSED");
  // Mosquitto 2.0.11 closes the old connection without a DISCONNECT (checked with a raw
  // client; later versions send 0x8E, session taken over). What the client says must match
  // what crossed the wire; the 0x8E case is tested on a fake broker (v5-fake.test.js).
  const disconnect = relay.toClient.find((p) => p.cmd === "disconnect");
  if (disconnect) assert.equal(downs[0].reasonCode, 0x8e);
  else assert.equal(downs[0].reasonCode, undefined, "no DISCONNECT came, so no reason code");
  assert.equal(second.up.isSet(), true);
  assert.equal(first.up.isSet(), false);
});

brokerTest(
  "v5: the broker's DISCONNECT (0x98, administrative action: the dynamic-security plugin disables the client) gives down CLOSED with reasonCode 0x98",
  {
    only: "mosquitto",
    mosquitto: (dir) =>
      dynsec(dir, {
        defaultACLAccess: { publishClientSend: true, publishClientReceive: true, subscribe: true, unsubscribe: true },
        clients: [dynsecClient("victim", "secret")],
        groups: [{ groupname: "anonymous", roles: [{ rolename: "admin" }], clients: [] }],
        roles: [{ rolename: "admin", acls: [{ acltype: "publishClientSend", topic: "$CONTROL/dynamic-security/#", priority: 0, allow: true }] }],
        anonymousGroup: "anonymous",
      }),
  },
  async (ctx) => {
    const victim = client5(ctx, { user: "victim", password: "secret" });
    await victim.connect();
    const { downs, down } = recordDowns(victim);
    const admin = await connected5(ctx);
    await admin.publish("$CONTROL/dynamic-security/v1", JSON.stringify({ commands: [{ command: "disableClient", username: "victim" }] }), false, 1);
    await down;
    assert.equal(downs.length, 1);
    assert.equal(downs[0].code, "CLOSED");
    assert.equal(downs[0].reasonCode, 0x98);
    assert.equal(victim.isConnected, false);
    assert.equal((await rejectsWith(victim.publish(ctx.topic("x"), "late", false, 1))).code, "NOT_CONNECTED");
    // Disabled: connecting again is refused (bad user name or password / not authorized).
    const again = await rejectsWith(victim.connect());
    assert.equal(again.code, "CONNACK_REFUSED");
    assert.ok(again.reasonCode >= 0x80, `reason code ${again.reasonCode}`);
  }
);

brokerTest("v5: a client whose connection was taken over connects again and works", MOSQUITTO, async (ctx) => {
  const clientId = uniqueId("again");
  const client = client5(ctx, { clientId });
  await client.connect();
  const downArgs = nextEvent(client, "down");
  const intruder = client5(ctx, { clientId });
  await intruder.connect();
  const [error] = await downArgs;
  assert.equal(error.code, "CLOSED");
  await intruder.disconnect();
  assert.equal(await client.connect(), false);
  const got = collect5(client);
  const topic = ctx.topic("back");
  await client.subscribe(topic, 1);
  await client.publish(topic, "back", false, 1);
  assert.equal((await got.next(topic)).text, "back");
});

brokerTest(
  "v5: receiveMaximum 2 is obeyed when a persistent session's unacknowledged publishes go out again after a reconnect",
  { only: "mosquitto", mosquitto: ["max_inflight_messages 2"] },
  async (ctx) => {
    const relay = await decodingRelayFor(ctx);
    // The quota starts at Receive Maximum on each connection (4.9): the count starts again at each CONNECT.
    const unacknowledged = countUnacknowledged(relay);
    const topic = ctx.topic("resend");
    const sub = client5(ctx);
    const got = collect5(sub);
    await sub.connect();
    await sub.subscribe(topic, 1);
    const client = client5(ctx, {
      server: relay.host,
      port: relay.port,
      clientId: uniqueId("resend"),
      maxInflight: 10,
      properties: { sessionExpiryInterval: 60 },
    });
    await client.connect(false);
    relay.hold(); // no PUBACK reaches the client...
    const publishes = [];
    for (let i = 0; i < 6; i++) publishes.push(client.publish(topic, `r${i}`, false, 1));
    await delay(200);
    const down = client.down.wait();
    relay.dropAll(); // ...and the connection is lost with two publishes unacknowledged
    await down;
    assert.equal(await client.connect(false), true, "session present");
    await Promise.all(publishes);
    assert.ok(unacknowledged.most <= 2, `${unacknowledged.most} PUBLISHes were unacknowledged at once`);
    for (let i = 0; i < 6; i++) await got.next((m) => m.text === `r${i}`);
    const resent = relay.toBroker.filter((p) => p.cmd === "publish" && p.dup);
    assert.ok(resent.length >= 1, "the unacknowledged publishes were sent again, with DUP");
  }
);

brokerTest("v5: disconnect() may shorten the session expiry to 0: the session then ends with the connection", MOSQUITTO, async (ctx) => {
  const clientId = uniqueId("shorten");
  const a = client5(ctx, { clientId, properties: { sessionExpiryInterval: 60 } });
  assert.equal(await a.connect(false), false);
  await a.subscribe(ctx.topic("x"), 1);
  await a.disconnect();
  assert.equal(await a.connect(false), true, "control: a plain disconnect keeps the 60 s session");
  await a.disconnect(0, { sessionExpiryInterval: 0 });
  assert.equal(await a.connect(false), false, "the DISCONNECT's expiry of 0 ended the session");
});

brokerTest("v5: disconnect() cannot set a session expiry when the CONNECT had none (a Protocol Error, 3.14.2.2.2): BAD_ARGUMENT, nothing such sent", MOSQUITTO, async (ctx) => {
  const relay = await decodingRelayFor(ctx);
  const client = client5(ctx, { server: relay.host, port: relay.port });
  await client.connect(false);
  const error = await rejectsWith(client.disconnect(0, { sessionExpiryInterval: 60 }));
  assert.equal(error.code, "BAD_ARGUMENT");
  await client.disconnect();
  await delay(100); // the relay decodes the DISCONNECT a moment after the client wrote it
  const disconnects = relay.toBroker.filter((p) => p.cmd === "disconnect");
  assert.ok(
    disconnects.every((p) => !(p.properties && p.properties.sessionExpiryInterval)),
    `sent: ${JSON.stringify(disconnects.map((p) => p.properties))}`
  );
});
