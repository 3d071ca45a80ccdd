"use strict";
// The v5 codec's built modules hold none of the Espruino hazards (test/espruino/hazards.js),
// and work in a context stripped of what Espruino lacks (Map, Set, Symbol, Buffer, ...): every
// fixture is encoded, decoded and parsed there.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const { findHazards } = require("../../espruino/hazards.js");
const { fixtures } = require("./fixtures.js");
const { BUILD, strippedContext, plain } = require("../espruino-context.js");

const V5 = fs.readdirSync(path.join(BUILD, "v5")).filter((f) => f.endsWith(".js"));

test("the v5 codec's modules have none of the Espruino hazards", () => {
  assert.ok(V5.length >= 6, V5.join(", "));
  for (const file of V5) {
    let source = fs.readFileSync(path.join(BUILD, "v5", file), "utf8");
    // tsc's CommonJS output assigns exported functions to `exports` before their declarations
    // (hoisting, which Espruino lacks); a bundle has no such lines. Moved to the end here, so
    // that every other read before a declaration is still found.
    const moved = [];
    source = source.replace(/^exports\.(\w+) = \1;$/gm, (line) => (moved.push(line), ""));
    const hazards = findHazards(source + "\n" + moved.join("\n"));
    assert.deepEqual(hazards.map((h) => h.rule + " at " + h.line + ": " + h.message), [], file);
  }
});

test("the v5 codec works without Espruino's missing built-ins", () => {
  const { context, load } = strippedContext();
  assert.equal(vm.runInContext("typeof Map + typeof Symbol + typeof Array.from", context), "undefinedundefinedundefined");
  const { encode5 } = load(path.join(BUILD, "broker/encode5.js"));
  const { decode5, allDecoders5 } = load(path.join(BUILD, "broker/decode5.js"));
  const { PacketParser } = load(path.join(BUILD, "parser.js"));
  const U8 = vm.runInContext("Uint8Array", context);
  // Fixture values made inside the context (its own Uint8Array and Array, for instanceof).
  const inside = (x) => {
    if (x instanceof Uint8Array) { const a = new U8(x.length); for (let i = 0; i < x.length; i++) a[i] = x[i]; return a; }
    if (Array.isArray(x)) return vm.runInContext("(function (xs) { var a = []; for (var i = 0; i < xs.length; i++) a.push(xs[i]); return a; })", context)(x.map(inside));
    if (x && typeof x === "object") { const o = vm.runInContext("({})", context); for (const k in x) o[k] = inside(x[k]); return o; }
    return x;
  };
  for (const f of fixtures) {
    assert.deepEqual(Array.from(encode5(inside(f.packet))), Array.from(f.bytes), "encode " + f.name);
    assert.deepEqual(plain(decode5(inside(f.bytes))), plain(f.packet), "decode " + f.name);
    const out = [];
    const parser = new PacketParser(allDecoders5, 0, (p) => out.push(p));
    for (let i = 0; i < f.bytes.length; i += 5) parser.push(inside(f.bytes.subarray(i, i + 5)));
    assert.equal(out.length, 1, f.name);
    assert.deepEqual(plain(out[0]), plain(f.packet), "parse " + f.name);
  }
});
