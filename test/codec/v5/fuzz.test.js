"use strict";
// Seeded random and mutated inputs through decode5 and the v5 parser. The only allowed
// outcomes are packets or an Error whose code is PROTOCOL or TOO_LARGE.
const test = require("node:test");
const assert = require("node:assert/strict");
const { fixtures } = require("./fixtures.js");
const { prng, randomPacket5, randomBytes } = require("./random.js");
const { encode5 } = require("../../../build/codec/v5/encode.js");
const { decode5, allDecoders5, clientDecoders5 } = require("../../../build/codec/v5/decode.js");
const { PacketParser5 } = require("../../../build/codec/v5/parser.js");

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
  // Keep the remaining length right half the time, so that bodies get decoded, not just framed.
  if (r.bool() && bytes.length > 1 && bytes[1] < 128 && bytes.length - 2 < 128) bytes[1] = bytes.length - 2;
  return Uint8Array.from(bytes);
}

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

test("v5: 100,000+ random and mutated inputs: packets or PROTOCOL/TOO_LARGE errors only", () => {
  const r = prng(5050);
  const counts = { ok: 0, PROTOCOL: 0, TOO_LARGE: 0 };
  const valid = [];
  for (let i = 0; i < 3000; i++) valid.push(encode5(randomPacket5(r, 1 + (i % 15), i % 5 === 0)));
  const N = 110000;
  for (let i = 0; i < N; i++) {
    let input;
    switch (i % 4) {
      case 0: input = randomBytes(r, 40); break;
      case 1: input = mutate(r, r.pick(small)); break;
      case 2: input = mutate(r, r.pick(valid)); break;
      default: { // a valid header over a property block of noise
        const body = randomBytes(r, 30);
        const type = 1 + r.int(15);
        input = Uint8Array.from([type << 4 | (type === 6 || type === 8 || type === 10 ? 2 : 0), body.length + 3, 0, 1, body.length, ...body]);
      }
    }
    counts[outcome(() => assert.equal(typeof decode5(input).type, "number"), input)]++;
    const parser = new PacketParser5(i % 2 ? allDecoders5 : clientDecoders5, 64, (p) => assert.equal(typeof p.type, "number"));
    const cut = r.int(input.length + 1);
    counts[outcome(() => { parser.push(input.subarray(0, cut)); parser.push(input.subarray(cut)); }, input)]++;
  }
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
    const input = mutate(r, r.pick(small));
    let p;
    try { p = decode5(input); } catch (e) { continue; }
    assert.deepEqual(decode5(encode5(p)), p, Buffer.from(input).toString("hex"));
    checked++;
  }
  assert.ok(checked > 1000, "checked " + checked);
});
