"use strict";
// Every MQTT 5 fixture through the stream parser (the 3.1.1 PacketParser with the v5 decoder
// tables): split at every offset, byte by byte, all concatenated in chunks of many sizes.
const test = require("node:test");
const assert = require("node:assert/strict");
const { fixtures, b } = require("./fixtures.js");
const { PacketParser } = require("../../../build/codec/parser.js");
const { clientDecoders5 } = require("../../../build/codec/v5/decode.js");
const { allDecoders5 } = require("../../../build/codec/broker/decode5.js");
const { testFixturesThroughParser } = require("../parser-cases.js");

function collect(maxPacketSize = 0, decoders = allDecoders5) {
  const out = [];
  const parser = new PacketParser(decoders, maxPacketSize, (p) => out.push(p));
  return { parser, out };
}

testFixturesThroughParser("v5 parser", fixtures, (onPacket) => new PacketParser(allDecoders5, 0, onPacket));

test("v5 parser: a client's table refuses CONNECT, SUBSCRIBE, UNSUBSCRIBE and PINGREQ on the first byte, and takes AUTH", () => {
  for (const first of [0x10, 0x82, 0xa2, 0xc0]) {
    const { parser } = collect(0, clientDecoders5);
    assert.throws(() => parser.push(b(first)), { code: "PROTOCOL" });
  }
  const { parser, out } = collect(0, clientDecoders5);
  parser.push(b(0xf0, 0));
  assert.deepEqual(out, [{ type: 15, reasonCode: 0 }]);
});

test("v5 parser: type 0 is PROTOCOL", () => {
  const { parser } = collect();
  assert.throws(() => parser.push(b(0x00, 0)), { code: "PROTOCOL" });
});

test("v5 parser: maxPacketSize counts the whole packet; exactly the limit passes", () => {
  const f = fixtures.find((x) => x.name.startsWith("PUBLISH remaining length 200"));
  const ok = collect(f.bytes.length);
  ok.parser.push(f.bytes);
  assert.equal(ok.out.length, 1);
  const tooSmall = collect(f.bytes.length - 1);
  assert.throws(() => tooSmall.parser.push(f.bytes.subarray(0, 3)), { code: "TOO_LARGE" });
});

test("v5 parser: a property error in a split body is thrown when the body completes, packets before it delivered", () => {
  const { parser, out } = collect();
  // PINGRESP, then PUBACK 0x10 with a property length of 3 holding topicAlias (not allowed in PUBACK).
  parser.push(b(0xd0, 0, 0x40, 7, 0, 1, 0x10, 3));
  assert.throws(() => parser.push(b(0x23, 0, 1)), { code: "PROTOCOL" });
  assert.deepEqual(out, [{ type: 13 }]);
});
