"use strict";
// The stream parser tests that every codec's fixtures go through, shared by the 3.1.1
// (test/codec/parser.test.js) and MQTT 5 (test/codec/v5/parser.test.js) parser tests.
const test = require("node:test");
const assert = require("node:assert/strict");
const { b } = require("./bytes-helpers.js");

/**
 * Declares, for each fixture { name, packet, bytes }, a test that feeds its bytes to a new
 * parser split in two at every offset and one that feeds them byte by byte; then one test of
 * all fixtures under 1,000 bytes concatenated, in chunks of every size 1..600. Test names
 * start with label ("parser", "v5 parser"). newParser(onPacket) returns a parser with no size
 * limit that accepts every packet type and calls onPacket with each packet it reads.
 */
function testFixturesThroughParser(label, fixtures, newParser) {
  function collect() {
    const out = [];
    const parser = newParser((p) => out.push(p));
    return { parser, out };
  }

  for (const f of fixtures) {
    test(label + ", split in two at every offset: " + f.name, () => {
      const { parser, out } = collect();
      for (let i = 0; i <= f.bytes.length; i++) {
        parser.push(f.bytes.subarray(0, i));
        parser.push(f.bytes.subarray(i));
      }
      assert.equal(out.length, f.bytes.length + 1);
      for (const p of out) assert.deepEqual(p, f.packet);
    });
    test(label + ", byte by byte: " + f.name, () => {
      const { parser, out } = collect();
      for (let i = 0; i < f.bytes.length; i++) {
        assert.equal(out.length, 0, "nothing before the last byte");
        parser.push(f.bytes.subarray(i, i + 1));
      }
      assert.deepEqual(out, [f.packet]);
    });
  }

  test(label + ", all fixtures concatenated, in chunks of every size 1..600", () => {
    const all = b(...fixtures.filter((f) => f.bytes.length < 1000).map((f) => f.bytes));
    const expected = fixtures.filter((f) => f.bytes.length < 1000).map((f) => f.packet);
    for (let size = 1; size <= 600; size += size < 40 ? 1 : 37) {
      const { parser, out } = collect();
      for (let i = 0; i < all.length; i += size) parser.push(all.subarray(i, i + size));
      assert.deepEqual(out, expected, "chunk size " + size);
    }
  });
}

module.exports = { testFixturesThroughParser };
