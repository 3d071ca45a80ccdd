"use strict";
// The MQTT 5 fixture table drives encode, decode and round trip, and the decoder tables.
const test = require("node:test");
const assert = require("node:assert/strict");
const { fixtures } = require("./fixtures.js");
const { encode5 } = require("../../../build/codec/broker/encode5.js");
const { clientDecoders5 } = require("../../../build/codec/v5/decode.js");
const { decode5, serverDecoders5 } = require("../../../build/codec/broker/decode5.js");

const CLIENT_RECEIVES = [2, 3, 4, 5, 6, 7, 9, 11, 13, 14, 15];
const SERVER_RECEIVES = [1, 3, 4, 5, 6, 7, 8, 10, 12, 14, 15];

for (const f of fixtures) {
  test("v5 encode: " + f.name, () => {
    assert.deepEqual(encode5(f.packet), f.bytes);
  });
  test("v5 decode: " + f.name, () => {
    assert.deepEqual(decode5(f.bytes), f.packet);
  });
  test("v5 round trip: " + f.name, () => {
    assert.deepEqual(decode5(encode5(f.packet)), f.packet);
    assert.deepEqual(encode5(decode5(f.bytes)), f.bytes);
  });
  test("v5 decoder tables: " + f.name, () => {
    const type = f.packet.type;
    if (CLIENT_RECEIVES.includes(type)) assert.deepEqual(decode5(f.bytes, clientDecoders5), f.packet);
    else assert.throws(() => decode5(f.bytes, clientDecoders5), { code: "PROTOCOL" });
    // A broker refuses a PUBLISH with a Subscription Identifier from a client [MQTT-3.3.4-6].
    const fromServerOnly = type === 3 && f.packet.properties && f.packet.properties.subscriptionIdentifier;
    if (SERVER_RECEIVES.includes(type) && !fromServerOnly) assert.deepEqual(decode5(f.bytes, serverDecoders5), f.packet);
    else assert.throws(() => decode5(f.bytes, serverDecoders5), { code: "PROTOCOL" });
  });
}

const ALL_PROPERTIES = [
  "payloadFormatIndicator", "messageExpiryInterval", "contentType", "responseTopic", "correlationData",
  "subscriptionIdentifier", "sessionExpiryInterval", "assignedClientIdentifier", "serverKeepAlive",
  "authenticationMethod", "authenticationData", "requestProblemInformation", "willDelayInterval",
  "requestResponseInformation", "responseInformation", "serverReference", "reasonString", "receiveMaximum",
  "topicAliasMaximum", "topicAlias", "maximumQoS", "retainAvailable", "userProperties", "maximumPacketSize",
  "wildcardSubscriptionAvailable", "subscriptionIdentifiersAvailable", "sharedSubscriptionAvailable",
];

test("the fixtures cover all 15 packet types and all 27 properties", () => {
  const types = new Set(fixtures.map((f) => f.packet.type));
  assert.deepEqual([...types].sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  const seen = new Set();
  for (const f of fixtures) {
    for (const p of [f.packet.properties, f.packet.will && f.packet.will.properties]) for (const k in p || {}) seen.add(k);
  }
  assert.deepEqual([...seen].sort(), ALL_PROPERTIES.slice().sort());
});

test("v5 PUBLISH payload and binary properties are views on the input, not copies", () => {
  const f = fixtures.find((x) => x.name.startsWith("PUBLISH QoS 1, every"));
  const bytes = f.bytes.slice();
  const p = decode5(bytes);
  assert.equal(p.payload.buffer, bytes.buffer);
  assert.equal(p.payload.byteOffset, bytes.length - 2);
  assert.equal(p.properties.correlationData.buffer, bytes.buffer);
});

test("v5 encoders return exactly one Uint8Array, the packet's bytes and no more", () => {
  for (const f of fixtures) {
    const out = encode5(f.packet);
    assert.equal(Object.getPrototypeOf(out), Uint8Array.prototype, f.name);
    assert.equal(out.length, f.bytes.length, f.name);
  }
});

test("v5 encoder: optional fields take their defaults", () => {
  // reasonCode left out is 0; subscription options left out are 0; an empty properties object
  // and properties set to undefined are no properties.
  assert.deepEqual(encode5({ type: 4, packetId: 7 }), Uint8Array.from([0x40, 2, 0, 7]));
  assert.deepEqual(encode5({ type: 4, packetId: 7, properties: {} }), Uint8Array.from([0x40, 2, 0, 7]));
  assert.deepEqual(encode5({ type: 14, properties: { reasonString: undefined } }), Uint8Array.from([0xe0, 0]));
  assert.deepEqual(encode5({ type: 15 }), Uint8Array.from([0xf0, 0]));
  assert.deepEqual(encode5({ type: 8, packetId: 1, subscriptions: [{ topicFilter: "#", qos: 1 }] }), Uint8Array.from([0x82, 7, 0, 1, 0, 0, 1, 0x23, 1]));
  assert.deepEqual(encode5({ type: 1, cleanStart: true, keepAlive: 60, clientId: "c1" }), fixtures[0].bytes);
});

test("v5 decoder: the long forms of acks, DISCONNECT and AUTH decode as the short ones", () => {
  assert.deepEqual(decode5(Uint8Array.from([0x40, 3, 0, 7, 0])), { type: 4, packetId: 7, reasonCode: 0 });
  assert.deepEqual(decode5(Uint8Array.from([0x40, 4, 0, 7, 0, 0])), { type: 4, packetId: 7, reasonCode: 0 });
  assert.deepEqual(decode5(Uint8Array.from([0x62, 4, 0, 3, 0x92, 0])), { type: 6, packetId: 3, reasonCode: 0x92 });
  assert.deepEqual(decode5(Uint8Array.from([0xe0, 1, 0])), { type: 14, reasonCode: 0 });
  assert.deepEqual(decode5(Uint8Array.from([0xe0, 2, 0, 0])), { type: 14, reasonCode: 0 });
  assert.deepEqual(decode5(Uint8Array.from([0xf0, 2, 0x18, 0])), { type: 15, reasonCode: 0x18 });
});

test("v5 decoder tables: the PUBLISH with subscription identifiers is one a client takes and a broker refuses", () => {
  const withIds = fixtures.filter((f) => f.packet.type === 3 && f.packet.properties && f.packet.properties.subscriptionIdentifier);
  assert.equal(withIds.length, 1);
  assert.deepEqual(decode5(withIds[0].bytes, clientDecoders5), withIds[0].packet);
  assert.throws(() => decode5(withIds[0].bytes, serverDecoders5), { code: "PROTOCOL" });
});
