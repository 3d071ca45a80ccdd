"use strict";
// What the 3.1.1 (test/codec/fuzz.test.js) and MQTT 5 (test/codec/v5/fuzz.test.js) fuzz
// tests share: the mutations, the rule for what a bad input may throw, and the loop that
// sends seeded random and mutated inputs through decode and a stream parser.
const assert = require("node:assert/strict");
const { randomBytes } = require("./random.js");

/** The error codes bad input may raise; a TypeError, a RangeError or an Error without a code is a bug. */
const ALLOWED_CODES = ["PROTOCOL", "TOO_LARGE"];

/** A copy of input changed 1 to 3 times (a bit flipped, a byte replaced, inserted or deleted, or truncated), drawing from the seeded generator r. */
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
    if (!(e instanceof Error) || !ALLOWED_CODES.includes(e.code)) {
      assert.fail("input " + Buffer.from(input).toString("hex") + " threw " + (e && e.stack));
    }
    return e.code;
  }
}

/**
 * Sends n inputs through decode and through a new parser each, and counts the outcomes
 * ({ ok, PROTOCOL, TOO_LARGE }, twice n in all). The inputs take turns: 40 bytes of noise, a
 * mutation of one of small (short fixtures), a mutation of one of valid (random packets), and
 * plausible(r), a valid header over noise. mutate(r, input) is the mutation. A decoded packet
 * must have a numeric type. Each input goes to a new Parser (the codec's PacketParser) with a
 * 64-byte limit, the client table and allDecoders every other time, and the input in two
 * pieces cut at random.
 */
function fuzzOutcomes(r, n, { small, valid, mutate, plausible, decode, Parser, allDecoders, clientDecoders }) {
  const counts = { ok: 0, PROTOCOL: 0, TOO_LARGE: 0 };
  for (let i = 0; i < n; i++) {
    let input;
    switch (i % 4) {
      case 0: input = randomBytes(r, 40); break; // pure noise
      case 1: input = mutate(r, r.pick(small)); break; // mutated fixture
      case 2: input = mutate(r, r.pick(valid)); break; // mutated random packet
      default: input = plausible(r);
    }
    counts[outcome(() => assert.equal(typeof decode(input).type, "number"), input)]++;
    const parser = new Parser(i % 2 ? allDecoders : clientDecoders, 64, (p) => assert.equal(typeof p.type, "number"));
    const cut = r.int(input.length + 1);
    counts[outcome(() => { parser.push(input.subarray(0, cut)); parser.push(input.subarray(cut)); }, input)]++;
  }
  return counts;
}

module.exports = { mutate, fuzzOutcomes };
