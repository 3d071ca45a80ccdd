"use strict";
// isReasonCode against the specification's tables, for every packet type and every byte: the
// codes each packet may carry are accepted, and no other value, of any kind.
const test = require("node:test");
const assert = require("node:assert/strict");
const { isReasonCode } = require("../../../build/codec/v5/reason-codes.js");

const hex = (list) => list.split(" ").map((h) => parseInt(h, 16));
const PUBACK = hex("00 10 80 83 87 90 91 97 99"); // 3.4.2.1, and PUBREC's 3.5.2.1
const PUBREL = hex("00 92"); // 3.6.2.1, and PUBCOMP's 3.7.2.1
const allowed = {
  2: hex("00 80 81 82 83 84 85 86 87 88 89 8a 8c 90 95 97 99 9a 9b 9c 9d 9f"), // CONNACK 3.2.2.2
  4: PUBACK,
  5: PUBACK,
  6: PUBREL,
  7: PUBREL,
  9: hex("00 01 02 80 83 87 8f 91 97 9e a1 a2"), // SUBACK 3.9.3
  11: hex("00 11 80 83 87 8f 91"), // UNSUBACK 3.11.3
  14: hex("00 04 80 81 82 83 87 89 8b 8d 8e 8f 90 93 94 95 96 97 98 99 9a 9b 9c 9d 9e 9f a0 a1 a2"), // DISCONNECT 3.14.2.1
  15: hex("00 18 19"), // AUTH 3.15.2.1
};

test("v5 reason codes: each packet type takes exactly the codes of its table, of 0 to 255", () => {
  for (let type = 0; type < 16; type++) {
    const codes = allowed[type] || [];
    for (let code = 0; code < 256; code++) {
      assert.equal(isReasonCode(type, code), codes.includes(code), "type " + type + ", code 0x" + code.toString(16));
    }
  }
});

test("v5 reason codes: what is not an integer of 0 to 255 is none", () => {
  for (const code of [-1, 256, 0x180, 0x100 + 0x87, 0.5, 0x80 + 0.5, NaN, Infinity, "0", "128", null, undefined, true, [0], {}]) {
    for (const type of Object.keys(allowed)) assert.equal(isReasonCode(Number(type), code), false, "type " + type + ", " + String(code));
  }
});
