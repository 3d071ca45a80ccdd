"use strict";
// The fixture table drives encode, decode and round trip.
const test = require("node:test");
const assert = require("node:assert/strict");
const { fixtures } = require("./fixtures.js");
const { encode } = require("../../build/codec/broker/encode.js");
const { encodeSubscription } = require("../../build/codec/encode-client.js");
const { decode } = require("../../build/codec/broker/decode.js");
const { clientDecoders } = require("../../build/codec/decode-client.js");
const { serverDecoders } = require("../../build/codec/broker/decoders-all.js");

const CLIENT_RECEIVES = [2, 3, 4, 5, 6, 7, 9, 11, 13];
const SERVER_RECEIVES = [1, 3, 4, 5, 6, 7, 8, 10, 12, 14];

for (const f of fixtures) {
  test("encode: " + f.name, () => {
    assert.deepEqual(encode(f.packet), f.bytes);
  });
  test("decode: " + f.name, () => {
    assert.deepEqual(decode(f.bytes), f.packet);
  });
  test("round trip: " + f.name, () => {
    assert.deepEqual(decode(encode(f.packet)), f.packet);
    assert.deepEqual(encode(decode(f.bytes)), f.bytes);
  });
  test("decoder tables: " + f.name, () => {
    const type = f.packet.type;
    if (CLIENT_RECEIVES.includes(type)) assert.deepEqual(decode(f.bytes, clientDecoders), f.packet);
    else assert.throws(() => decode(f.bytes, clientDecoders), { code: "PROTOCOL" });
    if (SERVER_RECEIVES.includes(type)) assert.deepEqual(decode(f.bytes, serverDecoders), f.packet);
    else assert.throws(() => decode(f.bytes, serverDecoders), { code: "PROTOCOL" });
  });
}

test("PUBLISH payload is a view on the input, not a copy", () => {
  const f = fixtures.find((x) => x.name === "PUBLISH QoS 1 DUP");
  const bytes = f.bytes.slice();
  const p = decode(bytes);
  assert.equal(p.payload.buffer, bytes.buffer);
  assert.equal(p.payload.byteOffset, bytes.length - 3);
});

test("QoS 0 PUBLISH has no packetId property at all", () => {
  const p = decode(fixtures.find((x) => x.name === "PUBLISH QoS 0").bytes);
  assert.equal("packetId" in p, false);
});

test("encoders return exactly one Uint8Array, the packet's bytes and no more", () => {
  for (const f of fixtures) {
    const out = encode(f.packet);
    assert.equal(Object.getPrototypeOf(out), Uint8Array.prototype, f.name);
    assert.equal(out.length, f.bytes.length, f.name);
  }
});

test("packets made one after another share no bytes (small ones are views on one block)", () => {
  const packets = fixtures.map((f) => encode(f.packet));
  packets.push(encode(fixtures[0].packet)); // the same packet again: a block of its own
  for (const p of packets) p.fill(0xff);
  for (let i = 0; i < packets.length; i++) {
    const again = encode(fixtures[i % fixtures.length].packet);
    assert.deepEqual(again, fixtures[i % fixtures.length].bytes);
    again.fill(0xee); // writing one changes no other
    for (let k = 0; k < i; k++) assert.ok(packets[k].every((b) => b === 0xff), fixtures[k].name);
  }
});

test("the client's encodeSubscription writes what encode() writes for one filter", () => {
  const one = fixtures.filter((f) => (f.packet.subscriptions || f.packet.topicFilters || []).length === 1);
  assert.equal(one.length, 2, "a SUBSCRIBE and an UNSUBSCRIBE fixture with one filter");
  for (const f of one) {
    const p = f.packet;
    const out = p.type === 8
      ? encodeSubscription(p.packetId, p.subscriptions[0].topicFilter, p.subscriptions[0].qos)
      : encodeSubscription(p.packetId, p.topicFilters[0]);
    assert.deepEqual(out, f.bytes, f.name);
  }
  for (const qos of [0, 1, 2]) {
    assert.deepEqual(encodeSubscription(7, "a/#", qos), encode({ type: 8, packetId: 7, subscriptions: [{ topicFilter: "a/#", qos }] }));
  }
});

test("CONNECT encoder defaults level and keep alive; the name is MQTT [MQTT-3.1.2-1]", () => {
  const { encodeConnect } = require("../../build/codec/encode-client.js");
  const out = encodeConnect({ type: 1, cleanSession: true, clientId: "c1" });
  assert.deepEqual(decode(out), { type: 1, protocolLevel: 4, cleanSession: true, keepAlive: 0, clientId: "c1" }); // decode() refuses any other name
});
