"use strict";
// Seeded random and mutated inputs through decode5 and the v5 parser. The only allowed
// outcomes are packets or an Error whose code is PROTOCOL or TOO_LARGE.
const test = require("node:test");
const assert = require("node:assert/strict");
const { fixtures } = require("./fixtures.js");
const { prng, randomPacket5, randomBytes } = require("./random.js");
const { mutate, fuzzOutcomes } = require("../fuzz-helpers.js");
const { encode5 } = require("../../../build/codec/broker/encode5.js");
const { clientDecoders5 } = require("../../../build/codec/v5/decode.js");
const { decode5, allDecoders5 } = require("../../../build/codec/broker/decode5.js");
const { PacketParser } = require("../../../build/codec/parser.js");

const small = fixtures.filter((f) => f.bytes.length < 200).map((f) => f.bytes);

/** A mutation (fuzz-helpers.js) that half the time sets the remaining length right again, so that bodies get decoded, not just framed. */
function mutate5(r, input) {
  const bytes = mutate(r, input);
  if (r.bool() && bytes.length > 1 && bytes[1] < 128 && bytes.length - 2 < 128) bytes[1] = bytes.length - 2;
  return bytes;
}

test("v5: 100,000+ random and mutated inputs: packets or PROTOCOL/TOO_LARGE errors only", () => {
  const r = prng(5050);
  const valid = [];
  for (let i = 0; i < 3000; i++) valid.push(encode5(randomPacket5(r, 1 + (i % 15), i % 5 === 0)));
  const counts = fuzzOutcomes(r, 110000, {
    small,
    valid,
    mutate: mutate5,
    plausible: (r) => { // a valid header over a property block of noise
      const body = randomBytes(r, 30);
      const type = 1 + r.int(15);
      return Uint8Array.from([type << 4 | (type === 6 || type === 8 || type === 10 ? 2 : 0), body.length + 3, 0, 1, body.length, ...body]);
    },
    decode: decode5,
    Parser: PacketParser,
    allDecoders: allDecoders5,
    clientDecoders: clientDecoders5,
  });
  assert.ok(counts.ok > 5000, "packets decoded: " + counts.ok);
  assert.ok(counts.PROTOCOL > 50000, "PROTOCOL: " + counts.PROTOCOL);
  assert.ok(counts.TOO_LARGE > 100, "TOO_LARGE: " + counts.TOO_LARGE);
});

test("v5: whatever decode5 accepts, encode5 writes, and that decodes to the same packet", () => {
  // Not byte for byte: property order, the long forms of acks and a non-minimal remaining
  // length all decode to a packet that encodes one way.
  const r = prng(99);
  let checked = 0;
  for (let i = 0; i < 30000; i++) {
    const input = mutate5(r, r.pick(small));
    let p;
    try { p = decode5(input); } catch (e) { continue; }
    assert.deepEqual(decode5(encode5(p)), p, Buffer.from(input).toString("hex"));
    checked++;
  }
  assert.ok(checked > 1000, "checked " + checked);
});
