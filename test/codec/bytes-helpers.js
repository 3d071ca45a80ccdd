"use strict";
// Small helpers for writing packets byte by byte in the test fixtures (3.1.1 in
// test/codec/fixtures.js, MQTT 5 in test/codec/v5/fixtures.js) and the tests that use them.

/** Flattens numbers, arrays of numbers and Uint8Arrays into one Uint8Array. */
function b(...parts) {
  const out = [];
  for (const p of parts) {
    if (typeof p === "number") out.push(p);
    else for (const x of p) out.push(x);
  }
  return Uint8Array.from(out);
}
/** The bytes of a string (UTF-8). */
const s = (str) => [...Buffer.from(str, "utf8")];
/** n bytes of value v. */
const fill = (n, v) => new Array(n).fill(v);
/** An array of byte values as a Uint8Array (a packet's payload or binary field). */
const u8 = (arr) => Uint8Array.from(arr);

module.exports = { b, s, fill, u8 };
