// Refusals that name the value and the limit, in the built bundles (what users see): a bad
// topic says which topic and why; a packet over maxPacketSize says both sizes. Tests check
// codes elsewhere; here the words are the feature.
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const v3 = require("../../dist/node/mqtt_as.js");
const v5 = require("../../dist/node/mqtt_as5.js");

function silentTransport() {
  return () => ({ on() {}, write: () => true, end() {}, destroy() {} });
}

const refusal = (promise, code, message) => assert.rejects(promise, (e) => e instanceof Error && e.code === code && e.message === message);

for (const [name, bundle] of [["dist/node/mqtt_as.js", v3], ["dist/node/mqtt_as5.js", v5]]) {
  test(`${name}: a publish to a bad topic names the topic and why`, async () => {
    const client = new bundle.MQTTClient({ server: "127.0.0.1", transport: silentTransport() });
    await refusal(client.publish("a/+/b", "x"), "BAD_ARGUMENT", 'bad topic "a/+/b": + and # are for subscribing');
    await refusal(client.publish("", "x", false, 1), "BAD_ARGUMENT", 'bad topic "": empty');
    await refusal(client.publish(42, "x"), "BAD_ARGUMENT", "bad topic 42: not a string");
  });

  test(`${name}: a will topic with a wildcard is named when connect() refuses it`, async () => {
    const client = new bundle.MQTTClient({ server: "127.0.0.1", will: { topic: "esp32-1/#", msg: "gone" }, transport: silentTransport() });
    await refusal(client.connect(), "BAD_ARGUMENT", 'bad will topic "esp32-1/#": + and # are for subscribing');
  });

  test(`${name}: a publish over maxPacketSize names the packet's size and the limit, before copying the message`, async () => {
    const client = new bundle.MQTTClient({ server: "127.0.0.1", transport: silentTransport() });
    // 102,400 bytes of payload, topic "t/big": 1 + 3 (remaining length) + 2 + 5 + payload.
    await refusal(client.publish("t/big", new Uint8Array(102400)), "TOO_LARGE", "packet of 102,411 bytes over maxPacketSize 8,192");
    await refusal(client.publish("t/big", "x".repeat(102400), false, 1), "TOO_LARGE", "packet of 102,413 bytes over maxPacketSize 8,192");
    // Just over: the encoder's own check, after encoding, says the same.
    await refusal(client.publish("t/big", "é".repeat(4094)), "TOO_LARGE", "packet of 8,198 bytes over maxPacketSize 8,192");
  });
}

test("the codec: a bad topic filter names the filter and why", () => {
  const { encodeSubscription } = require("../../build/codec/encode-client.js");
  const refused = (filter, message) => assert.throws(() => encodeSubscription(1, filter, 0), (e) => e.code === "BAD_ARGUMENT" && e.message === message);
  refused("a/#/b", 'bad topic filter "a/#/b": "#" must be last');
  refused("a/b+", 'bad topic filter "a/b+": + and # must be whole levels');
  refused("", 'bad topic filter "": empty');
});

test("the MQTT 5 codec: a bad shared subscription says what a $share/ filter needs", () => {
  const { encode5 } = require("../../build/codec/broker/encode5.js");
  assert.throws(
    () => encode5({ type: 8, packetId: 1, subscriptions: [{ topicFilter: "$share//a", qos: 0 }] }),
    (e) => e.code === "BAD_ARGUMENT" && e.message === 'bad topic filter "$share//a": $share/ needs a name without + # /, then a filter'
  );
  assert.throws(() => encode5({ type: 10, packetId: 1, topicFilters: ["a/#/b"] }), (e) => e.message === 'bad topic filter "a/#/b": "#" must be last');
});
