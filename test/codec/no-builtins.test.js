"use strict";
// The client-side codec modules run in a context without what Espruino lacks (Map, Set,
// Symbol, Buffer, TextEncoder/TextDecoder, Array.from, Math.trunc, Number.isInteger, ...):
// every fixture the client sends or receives goes through them there.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const { fixtures } = require("./fixtures.js");

const BUILD = path.join(__dirname, "../../build/codec");

function strippedContext() {
  const context = vm.createContext({});
  vm.runInContext(
    `for (const name of ["Map", "Set", "WeakMap", "WeakSet", "Symbol", "Reflect", "Proxy", "TextEncoder",
       "TextDecoder", "queueMicrotask", "BigInt"]) delete globalThis[name];
     delete Array.from; delete Array.of; delete Math.trunc; delete Math.imul; delete Number.isInteger;
     delete Object.freeze; delete String.prototype.codePointAt; delete ArrayBuffer.isView;`,
    context,
  );
  const cache = {};
  // A tiny CommonJS loader that only resolves ./ files inside build/codec.
  function load(name) {
    const file = path.join(BUILD, name.replace(/^\.\//, "") + (name.endsWith(".js") ? "" : ".js"));
    if (cache[file]) return cache[file].exports;
    const module = { exports: {} };
    cache[file] = module;
    const fn = vm.runInContext("(function (exports, require, module) {" + fs.readFileSync(file, "utf8") + "\n})", context);
    fn(module.exports, (n) => {
      if (!n.startsWith("./")) throw new Error("codec imports outside codec/: " + n);
      return load(n);
    }, module);
    return module.exports;
  }
  return { context, load };
}

test("client codec works without Espruino's missing built-ins", () => {
  const { context, load } = strippedContext();
  assert.equal(vm.runInContext("typeof Map + typeof Symbol + typeof Array.from", context), "undefinedundefinedundefined");
  const enc = load("encode-client");
  const { clientDecoders } = load("decode-client");
  const { PacketParser } = load("parser");
  const bytes = load("bytes");
  const U8 = vm.runInContext("Uint8Array", context);
  const inContext = (u8) => { const a = new U8(u8.length); for (let i = 0; i < u8.length; i++) a[i] = u8[i]; return a; };
  const plain = (x) => JSON.parse(JSON.stringify(x, (k, v) => (v && typeof v.length === "number" && typeof v !== "string" && !Array.isArray(v) ? Array.from(v) : v)));

  let checked = 0;
  for (const f of fixtures) {
    const p = f.packet;
    let sent = null;
    if (p.type === 1) sent = enc.encodeConnect(Object.assign({}, p, p.will ? { will: Object.assign({}, p.will, { message: inContext(p.will.message) }) } : {}, p.password ? { password: inContext(p.password) } : {}));
    else if (p.type === 3) sent = enc.encodePublish(Object.assign({}, p, { payload: inContext(p.payload) }));
    else if ([4, 5, 6, 7, 11].includes(p.type)) sent = enc.encodeAck(p.type, p.packetId);
    else if (p.type === 8) sent = enc.encodeSubscribe(p);
    else if (p.type === 10) sent = enc.encodeUnsubscribe(p);
    else if ([12, 14].includes(p.type)) sent = enc.encodeEmpty(p.type);
    if (sent) {
      assert.deepEqual(Array.from(sent), Array.from(f.bytes), "encode " + f.name);
      checked++;
    }
    if (clientDecoders[p.type]) {
      const out = [];
      const parser = new PacketParser(clientDecoders, 0, (x) => out.push(x));
      for (let i = 0; i < f.bytes.length; i += 7) parser.push(inContext(f.bytes.subarray(i, i + 7)));
      assert.equal(out.length, 1, f.name);
      assert.deepEqual(plain(out[0]), plain(p), "parse " + f.name);
      checked++;
    }
  }
  assert.ok(checked >= fixtures.length);
  assert.deepEqual(Array.from(bytes.encodeUtf8("a€😀")), [0x61, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
  assert.equal(bytes.decodeUtf8(inContext([0x61, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]), 0, 8), "a€😀");
});
