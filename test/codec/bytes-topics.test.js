"use strict";
// UTF-8 helpers against Node's own encoder, and the topic name / filter rules.
const test = require("node:test");
const assert = require("node:assert/strict");
const { prng } = require("./random.js");
const { writeUtf8, encodeUtf8, decodeUtf8, mqttStringLength } = require("../../build/codec/bytes.js");
const { isValidTopicName, isValidTopicFilter } = require("../../build/codec/topics.js");

test("UTF-8 encode/decode agree with Buffer on 20,000 seeded random strings", () => {
  const r = prng(99);
  const pool = ["a", "Z", "/", "\u0001", "\u007f", "\u0080", "\u07ff", "\u0800", "\ud7ff", "\ue000", "\ufffd", "\uffff", "\ufeff", "\ud800\udc00", "\udbff\udfff", "😀"];
  for (let i = 0; i < 20000; i++) {
    let s = "";
    for (let n = r.int(12); n > 0; n--) s += r.pick(pool);
    const expected = Uint8Array.from(Buffer.from(s, "utf8"));
    assert.equal(writeUtf8(s, 0, 0), expected.length); // measuring only
    assert.deepEqual(encodeUtf8(s), expected);
    const buf = new Uint8Array(expected.length + 3);
    assert.equal(writeUtf8(s, buf, 3), expected.length + 3);
    assert.equal(decodeUtf8(buf, 3, buf.length), s);
  }
});

test("every 1-, 2- and 3-byte sequence: decodeUtf8 accepts exactly the well-formed ones but U+0000", () => {
  let accepted = 0;
  const check = (bytes) => {
    const u8 = Uint8Array.from(bytes);
    const s = Buffer.from(u8).toString("utf8");
    const wellFormed = Buffer.from(s, "utf8").equals(Buffer.from(u8)); // else Node substituted U+FFFD
    if (wellFormed && !s.includes("\u0000")) {
      assert.equal(decodeUtf8(u8, 0, u8.length), s);
      accepted++;
    } else {
      assert.throws(() => decodeUtf8(u8, 0, u8.length), { code: "PROTOCOL" }, Buffer.from(u8).toString("hex"));
    }
  };
  for (let a = 0; a < 256; a++) {
    check([a]);
    for (let b = 0; b < 256; b++) {
      check([a, b]);
      if (a >= 0xe0 && a <= 0xef) for (const c of [0x00, 0x7f, 0x80, 0x81, 0x9f, 0xa0, 0xbf, 0xc0, 0xff]) check([a, b, c]);
    }
  }
  assert.ok(accepted > 5000, "accepted " + accepted);
});

test("4-byte sequences: bounds of U+10000..U+10FFFF", () => {
  assert.equal(decodeUtf8(Uint8Array.from([0xf0, 0x90, 0x80, 0x80]), 0, 4), "\ud800\udc00");
  assert.equal(decodeUtf8(Uint8Array.from([0xf4, 0x8f, 0xbf, 0xbf]), 0, 4), "\udbff\udfff");
  for (const bad of [[0xf0, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xf0, 0x90, 0x80], [0xf0, 0x90, 0x80, 0x7f]]) {
    assert.throws(() => decodeUtf8(Uint8Array.from(bad), 0, bad.length), { code: "PROTOCOL" });
  }
});

test("decodeUtf8 reads only [start, end)", () => {
  assert.equal(decodeUtf8(Uint8Array.from([0xff, 0x61, 0x62, 0xff]), 1, 3), "ab");
  assert.throws(() => decodeUtf8(Uint8Array.from([0x61, 0xc3, 0xbc]), 0, 2), { code: "PROTOCOL" });
});

test("encoding: unpaired surrogates are BAD_ARGUMENT; U+0000 only in MQTT strings", () => {
  for (const s of ["\ud800", "a\udc00", "\udc00\ud800", "\ud800a"]) {
    assert.throws(() => writeUtf8(s, 0, 0), { code: "BAD_ARGUMENT" });
    assert.throws(() => encodeUtf8(s), { code: "BAD_ARGUMENT" });
  }
  assert.deepEqual(encodeUtf8("\u0000"), Uint8Array.from([0]));
  assert.throws(() => mqttStringLength("\u0000"), { code: "BAD_ARGUMENT" });
  assert.equal(mqttStringLength("€".repeat(21845)), 65535);
  assert.throws(() => mqttStringLength("€".repeat(21845) + "a"), { code: "BAD_ARGUMENT" });
  assert.equal(mqttStringLength("abc" + "😀".repeat(16383)), 65535);
  assert.throws(() => mqttStringLength("abcd" + "😀".repeat(16383)), { code: "BAD_ARGUMENT" });
  assert.throws(() => mqttStringLength("ab" + "😀".repeat(16384)), { code: "BAD_ARGUMENT" });
  for (const x of [undefined, null, 5, {}, ["a"]]) assert.throws(() => mqttStringLength(x), { code: "BAD_ARGUMENT" });
  assert.equal(writeUtf8("a€😀", 0, 0), 8); // no buffer: measures only
});

test("topic names", () => {
  for (const ok of ["a", "/", "a/b", "/a/", "sport/tennis/player1", " ", "ü/€"]) assert.equal(isValidTopicName(ok), true, ok);
  for (const bad of ["", "+", "#", "a/+", "a/#", "a+b", "a#", undefined, 5]) assert.equal(isValidTopicName(bad), false, String(bad));
});

test("topic filters [MQTT-4.7.1-1..3]", () => {
  const ok = ["#", "+", "/", "a/#", "+/+", "/+", "+/", "a/+/b", "sport/tennis/#", "+/tennis/#", "/#", "//", "a//#"];
  const bad = ["", "a#", "#/a", "a/#/b", "a/b#", "a+", "+a", "a/+b", "a/b+/c", "##", "++", "#+", "+#", "a/#/", undefined];
  for (const f of ok) assert.equal(isValidTopicFilter(f), true, f);
  for (const f of bad) assert.equal(isValidTopicFilter(f), false, String(f));
});

test("topic filters: each level is '+', a last '#', or free of wildcards, on 20,000 seeded random strings", () => {
  const r = prng(7);
  const parts = ["a", "b/", "/", "+", "#", "\n", "é"];
  const byLevel = (f) => f !== "" && f.split("/").every((l, i, all) => l === "+" || (l === "#" && i === all.length - 1) || !/[+#]/.test(l));
  for (let i = 0; i < 20000; i++) {
    let f = "";
    for (let n = r.int(7); n > 0; n--) f += r.pick(parts);
    assert.equal(isValidTopicFilter(f), byLevel(f), JSON.stringify(f));
    assert.equal(isValidTopicName(f), f !== "" && !/[+#]/.test(f), JSON.stringify(f));
  }
});
