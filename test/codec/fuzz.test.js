"use strict";
// Seeded random and mutated inputs through decode and PacketParser. The only allowed
// outcomes are packets or an Error whose code is PROTOCOL or TOO_LARGE; a TypeError, a
// RangeError or an Error without a code fails the test.
const test = require("node:test");
const assert = require("node:assert/strict");
const { fixtures } = require("./fixtures.js");
const { prng, randomPacket, randomBytes } = require("./random.js");
const { mutate, fuzzOutcomes } = require("./fuzz-helpers.js");
const { encode } = require("../../build/codec/broker/encode.js");
const { decode } = require("../../build/codec/broker/decode.js");
const { PacketParser } = require("../../build/codec/parser.js");
const { allDecoders } = require("../../build/codec/broker/decoders-all.js");
const { clientDecoders } = require("../../build/codec/decode-client.js");

const small = fixtures.filter((f) => f.bytes.length < 200).map((f) => f.bytes);

test("100,000+ random and mutated inputs: packets or PROTOCOL/TOO_LARGE errors only", () => {
  const r = prng(20240601);
  const validPackets = [];
  for (let i = 0; i < 2000; i++) validPackets.push(encode(randomPacket(r, 1 + (i % 14))));
  const counts = fuzzOutcomes(r, 120000, {
    small,
    valid: validPackets,
    mutate,
    plausible: (r) => { // a valid type and length, random body
      const body = randomBytes(r, 30);
      return Uint8Array.from([r.int(256), body.length, ...body]);
    },
    decode,
    Parser: PacketParser,
    allDecoders,
    clientDecoders,
  });
  // The inputs reach every outcome: the test is not just rejecting everything.
  assert.ok(counts.ok > 5000, "packets decoded: " + counts.ok);
  assert.ok(counts.PROTOCOL > 50000, "PROTOCOL: " + counts.PROTOCOL);
  assert.ok(counts.TOO_LARGE > 100, "TOO_LARGE: " + counts.TOO_LARGE);
});

test("a decoded mutation re-encodes to the same bytes", () => {
  // Whatever decode accepts must be a packet our encoder writes back byte for byte, except
  // a non-minimal remaining length, the one way two byte strings decode to the same packet.
  const r = prng(77);
  let checked = 0;
  for (let i = 0; i < 20000; i++) {
    const input = mutate(r, r.pick(small));
    let p;
    try { p = decode(input); } catch (e) { continue; }
    const out = encode(p);
    // Compare bodies after the fixed header: the length may be encoded non-minimally.
    const skip = (bytes) => { let k = 1; while (bytes[k] & 128) k++; return bytes.subarray(k + 1); };
    assert.equal(out[0], input[0]);
    assert.deepEqual(skip(out), skip(input), Buffer.from(input).toString("hex"));
    checked++;
  }
  assert.ok(checked > 500, "checked " + checked);
});
