"use strict";
// Seeded random and mutated inputs through decode and PacketParser. The only allowed
// outcomes are packets or an Error whose code is PROTOCOL or TOO_LARGE; a TypeError, a
// RangeError or an Error without a code fails the test.
const test = require("node:test");
const assert = require("node:assert/strict");
const { fixtures } = require("./fixtures.js");
const { prng, randomPacket, randomBytes } = require("./random.js");
const { encode } = require("../../build/codec/encode.js");
const { decode } = require("../../build/codec/decode.js");
const { PacketParser } = require("../../build/codec/parser.js");
const { allDecoders } = require("../../build/codec/decoders-all.js");
const { clientDecoders } = require("../../build/codec/decode-client.js");

const ALLOWED = ["PROTOCOL", "TOO_LARGE"];
const small = fixtures.filter((f) => f.bytes.length < 200).map((f) => f.bytes);

function mutate(r, input) {
  let bytes = Array.from(input);
  for (let n = 1 + r.int(3); n > 0; n--) {
    const at = r.int(bytes.length + 1);
    switch (r.int(5)) {
      case 0: if (bytes.length) bytes[at % bytes.length] ^= 1 << r.int(8); break; // flip a bit
      case 1: if (bytes.length) bytes[at % bytes.length] = r.int(256); break; // replace a byte
      case 2: bytes.splice(at, 0, r.int(256)); break; // insert
      case 3: bytes.splice(at, 1 + r.int(3)); break; // delete
      default: bytes = bytes.slice(0, at); // truncate
    }
  }
  return Uint8Array.from(bytes);
}

/** Runs fn; a thrown error must be ours, with an allowed code. Returns "ok" or the code. */
function outcome(fn, input) {
  try {
    fn();
    return "ok";
  } catch (e) {
    if (!(e instanceof Error) || !ALLOWED.includes(e.code)) {
      assert.fail("input " + Buffer.from(input).toString("hex") + " threw " + (e && e.stack));
    }
    return e.code;
  }
}

test("100,000+ random and mutated inputs: packets or PROTOCOL/TOO_LARGE errors only", () => {
  const r = prng(20240601);
  const counts = { ok: 0, PROTOCOL: 0, TOO_LARGE: 0 };
  const validPackets = [];
  for (let i = 0; i < 2000; i++) validPackets.push(encode(randomPacket(r, 1 + (i % 14))));
  const N = 120000;
  for (let i = 0; i < N; i++) {
    let input;
    switch (i % 4) {
      case 0: input = randomBytes(r, 40); break; // pure noise
      case 1: input = mutate(r, r.pick(small)); break; // mutated fixture
      case 2: input = mutate(r, r.pick(validPackets)); break; // mutated random packet
      default: { // plausible header over noise: a valid type and length, random body
        const body = randomBytes(r, 30);
        input = Uint8Array.from([r.int(256), body.length, ...body]);
      }
    }
    const result = outcome(() => {
      const p = decode(input);
      assert.equal(typeof p.type, "number");
    }, input);
    counts[result]++;
    // The stream parser, with a small size bound, fed in two random pieces, client table
    // every other time.
    const parser = new PacketParser(i % 2 ? allDecoders : clientDecoders, 64, (p) => assert.equal(typeof p.type, "number"));
    const cut = r.int(input.length + 1);
    counts[outcome(() => { parser.push(input.subarray(0, cut)); parser.push(input.subarray(cut)); }, input)]++;
  }
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
