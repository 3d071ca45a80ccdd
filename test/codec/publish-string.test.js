"use strict";
// publishString(): Espruino's QoS 0 PUBLISH as a string of bytes. Its bytes must be those of
// publishPacket() for the same fields, and anything it cannot encode so is left to
// publishPacket() (undefined), which encodes or refuses it.
const test = require("node:test");
const assert = require("node:assert/strict");
const { publishPacket, publishString } = require("../../build/codec/encode-client.js");
const { encodeUtf8 } = require("../../build/codec/bytes.js");

const bytesOf = (str) => Uint8Array.from(str, (c) => c.charCodeAt(0));

const SAME = [
  ["a short topic and message", "a/b", "hello", false],
  ["retained", "a/b", "hello", true],
  ["an empty message", "t", "", false],
  ["a message that needs two length bytes", "sensors/t", "x".repeat(200), false],
  ["a message of 512 bytes", "t", "y".repeat(512), true],
  ["U+0000 in the message (allowed in a payload)", "t", "a\u0000b", false],
  ["every ASCII character in the message", "t", String.fromCharCode(...Array.from({ length: 128 }, (_, i) => i)), false],
];

for (const [name, topic, msg, retain] of SAME) {
  test(`publishString: ${name}: the bytes of publishPacket`, () => {
    const str = publishString(topic, msg, retain);
    assert.equal(typeof str, "string");
    assert.deepEqual(bytesOf(str), publishPacket(topic, encodeUtf8(msg), 0, retain));
  });
}

const LEFT = [
  ["a non-ASCII message", "t", "caf\u00e9"],
  ["a non-ASCII topic", "caf\u00e9", "x"],
  ["an empty topic", "", "x"],
  ["a topic with +", "a/+", "x"],
  ["a topic with #", "a/#", "x"],
  ["a topic with U+0000", "a\u0000", "x"],
  ["a topic over 65535 bytes", "t".repeat(65536), "x"],
  ["a topic that is no string", 42, "x"],
  ["a message over 512 bytes (publishPacket copies less, and checks the heap)", "t", "y".repeat(513)],
];

for (const [name, topic, msg] of LEFT) {
  test(`publishString: ${name}: left to publishPacket`, () => {
    assert.equal(publishString(topic, msg, false), undefined);
  });
}

// publishString() remembers the last topic it took: whatever came before, each call gives
// publishPacket's bytes or leaves the publish to it, as a first call would.
test("publishString: topic after topic, each call as if it were the first", () => {
  const calls = [
    ["a/b", "one"],
    ["a/b", "two"],
    ["c", "three"],
    ["a/b", "x".repeat(200)],
    ["a/+", "refused topic"],
    ["a/+", "refused again"],
    ["a/b", "after a refusal"],
    ["a/b", "caf\u00e9"], // left over its message: the topic stays remembered
    ["a/b", "ascii again"],
    ["caf\u00e9", "non-ASCII topic"],
    [42, "no string"],
    ["", "empty topic"],
    ["a/b", "at the end"],
  ];
  let left = 0;
  for (const [topic, msg] of calls) {
    const str = publishString(topic, msg, false);
    const first = (() => {
      delete require.cache[require.resolve("../../build/codec/encode-client.js")];
      return require("../../build/codec/encode-client.js").publishString(topic, msg, false);
    })();
    assert.equal(str, first, `${topic} / ${msg}`);
    if (str === undefined) left++;
    else assert.deepEqual(bytesOf(str), publishPacket(topic, encodeUtf8(msg), 0, false), `${topic} / ${msg}`);
  }
  assert.equal(left, 6, "the calls left to publishPacket");
});
