"use strict";
// The client-side codec modules run in a context without what Espruino lacks (Map, Set,
// Symbol, Buffer, TextEncoder/TextDecoder, Array.from, Math.trunc, Number.isInteger, ...):
// every fixture the client sends or receives goes through them there.
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const vm = require("node:vm");
const { fixtures } = require("./fixtures.js");
const { BUILD, strippedContext, plain } = require("./espruino-context.js");

test("client codec works without Espruino's missing built-ins", () => {
  const { context, load } = strippedContext();
  assert.equal(vm.runInContext("typeof Map + typeof Symbol + typeof Array.from", context), "undefinedundefinedundefined");
  const enc = load(path.join(BUILD, "encode-client.js"));
  const { clientDecoders } = load(path.join(BUILD, "decode-client.js"));
  const { PacketParser } = load(path.join(BUILD, "parser.js"));
  const bytes = load(path.join(BUILD, "bytes.js"));
  const U8 = vm.runInContext("Uint8Array", context);
  const inContext = (u8) => { const a = new U8(u8.length); for (let i = 0; i < u8.length; i++) a[i] = u8[i]; return a; };

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
