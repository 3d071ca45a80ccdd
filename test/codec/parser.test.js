"use strict";
// Every fixture through the stream parser: split at every offset, byte by byte, and all
// concatenated in one chunk. Plus the parser's own error behaviour.
const test = require("node:test");
const assert = require("node:assert/strict");
const { fixtures, b } = require("./fixtures.js");
const { PacketParser } = require("../../build/codec/parser.js");
const { allDecoders } = require("../../build/codec/broker/decoders-all.js");
const { clientDecoders } = require("../../build/codec/decode-client.js");
const { testFixturesThroughParser } = require("./parser-cases.js");

function collect(maxPacketSize = 0, decoders = allDecoders) {
  const out = [];
  const parser = new PacketParser(decoders, maxPacketSize, (p) => out.push(p));
  return { parser, out };
}

testFixturesThroughParser("parser", fixtures, (onPacket) => new PacketParser(allDecoders, 0, onPacket));

test("parser, all fixtures concatenated in one chunk, three times", () => {
  const all = b(...fixtures.map((f) => f.bytes), ...fixtures.map((f) => f.bytes), ...fixtures.map((f) => f.bytes));
  const expected = [...fixtures, ...fixtures, ...fixtures].map((f) => f.packet);
  const { parser, out } = collect();
  parser.push(all);
  assert.deepEqual(out, expected);
});

test("parser: payload is a view when the body is inside the chunk", () => {
  const f = fixtures.find((x) => x.name === "PUBLISH QoS 0");
  const { parser, out } = collect();
  const chunk = b(f.bytes, f.bytes);
  parser.push(chunk);
  assert.equal(out[1].payload.buffer, chunk.buffer);
});

test("parser: a body spanning chunks is allocated once at its exact size", () => {
  const f = fixtures.find((x) => x.name === "PUBLISH remaining length 16384 (3 length bytes, smallest)");
  const { parser, out } = collect();
  for (let i = 0; i < f.bytes.length; i += 536) parser.push(f.bytes.slice(i, i + 536)); // Espruino-sized chunks
  assert.equal(out.length, 1);
  assert.equal(out[0].payload.buffer.byteLength, 16384);
  assert.deepEqual(out[0], f.packet);
});

test("parser: maxPacketSize counts the fixed header; exactly the limit passes", () => {
  const f = fixtures.find((x) => x.name === "PUBLISH remaining length 128 (2 length bytes, smallest)");
  const ok = collect(f.bytes.length);
  ok.parser.push(f.bytes);
  assert.equal(ok.out.length, 1);
  const tooSmall = collect(f.bytes.length - 1);
  assert.throws(() => tooSmall.parser.push(f.bytes.subarray(0, 3)), { code: "TOO_LARGE" }); // header alone
});

test("parser: 256 MB remaining length with 1 MB limit fails on the fixed header, allocating nothing", () => {
  const Real = globalThis.Uint8Array;
  let largest = 0;
  const header = b(0x30, 0xff, 0xff, 0xff, 0x7f); // remaining length 268,435,455
  const { parser, out } = collect(1024 * 1024);
  globalThis.Uint8Array = new Proxy(Real, {
    construct(target, args) {
      if (typeof args[0] === "number") largest = Math.max(largest, args[0]);
      return new target(...args);
    },
  });
  let error;
  try {
    parser.push(header);
  } catch (e) {
    error = e;
  } finally {
    globalThis.Uint8Array = Real;
  }
  assert.equal(error && error.code, "TOO_LARGE");
  assert.equal(largest, 0, "no buffer allocated");
  assert.equal(out.length, 0);
});

test("parser: a fifth remaining-length byte is PROTOCOL, even split byte by byte", () => {
  const { parser } = collect();
  const bytes = b(0x30, 0x80, 0x80, 0x80, 0x80, 0x01);
  assert.throws(() => {
    for (let i = 0; i < bytes.length; i++) parser.push(bytes.subarray(i, i + 1));
  }, { code: "PROTOCOL" });
});

test("parser: packets before an error in the same chunk are delivered, then it refuses input until reset()", () => {
  const { parser, out } = collect();
  const ping = b(0xd0, 0);
  assert.throws(() => parser.push(b(ping, ping, 0xf0, 0, ping)), { code: "PROTOCOL" }); // type 15
  assert.deepEqual(out, [{ type: 13 }, { type: 13 }]);
  assert.throws(() => parser.push(ping), { code: "PROTOCOL" });
  assert.throws(() => parser.push(ping), { code: "PROTOCOL" });
  assert.equal(out.length, 2);
  parser.reset();
  parser.push(ping);
  assert.equal(out.length, 3);
});

test("parser: reset() discards a partial packet", () => {
  const { parser, out } = collect();
  parser.push(b(0x30, 10, 0, 3));
  parser.reset();
  parser.push(b(0xd0, 0));
  assert.deepEqual(out, [{ type: 13 }]);
});

test("parser: CONNECT arriving at a client is PROTOCOL on its first byte", () => {
  const { parser } = collect(0, clientDecoders);
  assert.throws(() => parser.push(b(0x10)), { code: "PROTOCOL" });
});

test("parser: types 0 and 15 are PROTOCOL", () => {
  for (const first of [0x00, 0xf0]) {
    const { parser } = collect();
    assert.throws(() => parser.push(b(first, 0)), { code: "PROTOCOL" });
  }
});

test("parser: a decoder error on a split body is thrown when the body completes", () => {
  const { parser, out } = collect();
  parser.push(b(0x30, 5, 0, 3, 0x61)); // PUBLISH topic "a+b"
  assert.throws(() => parser.push(b(0x2b, 0x62)), { code: "PROTOCOL" });
  assert.equal(out.length, 0);
});

test("parser: an error thrown by onPacket propagates and stops the parser until reset()", () => {
  let calls = 0;
  const parser = new PacketParser(allDecoders, 0, () => {
    calls++;
    throw new Error("boom");
  });
  assert.throws(() => parser.push(b(0xd0, 0, 0xd0, 0)), /boom/);
  assert.equal(calls, 1);
  assert.throws(() => parser.push(b(0xd0, 0)), { code: "PROTOCOL" });
  parser.reset();
  assert.throws(() => parser.push(b(0xd0, 0)), /boom/);
});

test("parser: reset() from inside onPacket drops the rest of that chunk", () => {
  const out = [];
  const parser = new PacketParser(allDecoders, 0, (p) => {
    out.push(p);
    parser.reset();
  });
  parser.push(b(0xd0, 0, 0xc0, 0));
  assert.deepEqual(out, [{ type: 13 }]);
  parser.push(b(0xc0, 0));
  assert.deepEqual(out, [{ type: 13 }, { type: 12 }]);
});

test("parser: empty chunks are fine", () => {
  const { parser, out } = collect();
  parser.push(new Uint8Array(0));
  parser.push(b(0xd0));
  parser.push(new Uint8Array(0));
  parser.push(b(0));
  assert.deepEqual(out, [{ type: 13 }]);
});

test("parser: a push() from inside onPacket is PROTOCOL, and the parser refuses input until reset()", () => {
  const out = [];
  const parser = new PacketParser(allDecoders, 0, (p) => {
    out.push(p);
    if (out.length === 1) parser.push(b(0xc0, 0));
  });
  assert.throws(() => parser.push(b(0xd0, 0, 0xd0, 0)), { code: "PROTOCOL" });
  assert.deepEqual(out, [{ type: 13 }]);
  assert.throws(() => parser.push(b(0xd0, 0)), { code: "PROTOCOL" });
  parser.reset();
  parser.push(b(0xd0, 0));
  assert.equal(out.length, 2);
});

// With onSkipped (the client under MQTT 3.1.1): a PUBLISH over maxPacketSize passes by, split
// anywhere, and is reported with its header and packet id; the packets around it parse.
test("parser: with onSkipped, a PUBLISH over maxPacketSize is skipped at every split, reported with its id; other packets over it are still TOO_LARGE", () => {
  const topic = Buffer.from("big/one");
  const payload = new Uint8Array(300).fill(7);
  const oversized = (header, id) => {
    const idBytes = id === undefined ? [] : [id >> 8, id & 255];
    const body = b([0, topic.length], topic, idBytes, payload);
    return b([header, (body.length & 127) | 128, body.length >> 7], body);
  };
  const small = fixtures.find((x) => x.name === "PUBLISH QoS 0");
  for (const [header, id] of [[0x30, undefined], [0x32, 0x1234], [0x35, 0xfe01]]) {
    const stream = b(small.bytes, oversized(header, id), small.bytes);
    for (let cut = 1; cut < stream.length; cut++) {
      const out = [];
      const skipped = [];
      const parser = new PacketParser(allDecoders, 100, (p) => out.push(p), (h, packetId) => skipped.push([h, packetId]));
      parser.push(stream.subarray(0, cut));
      parser.push(stream.subarray(cut));
      assert.deepEqual(skipped, [[header, id || 0]], `header ${header}, cut at ${cut}`);
      assert.deepEqual(out, [small.packet, small.packet], `header ${header}, cut at ${cut}`);
    }
  }
  const subscribe = fixtures.find((x) => x.packet.type === 8);
  const parser = new PacketParser(allDecoders, 2, () => {}, () => assert.fail("not a PUBLISH"));
  assert.throws(() => parser.push(subscribe.bytes), { code: "TOO_LARGE" });
  // A QoS 1 PUBLISH whose body ends inside its topic has no packet id: PROTOCOL.
  const cut = new PacketParser(allDecoders, 4, () => {}, () => assert.fail("no id to report"));
  assert.throws(() => cut.push(b([0x32, 6, 0, 9], Buffer.from("abcd"))), { code: "PROTOCOL" });
});

// The skipped PUBLISH reaches the parser in any pieces: byte by byte, and cut in three.
test("parser: with onSkipped, a PUBLISH over maxPacketSize is skipped fed byte by byte and cut in three", () => {
  const topic = Buffer.from("big/topic");
  const body = b([0, topic.length], topic, [0xab, 0xcd], new Uint8Array(200).fill(1));
  const stream = b([0x34, (body.length & 127) | 128, body.length >> 7], body, [0xd0, 0]); // QoS 2, then a PINGRESP
  const run = (pieces) => {
    const out = [];
    const skipped = [];
    const parser = new PacketParser(allDecoders, 64, (p) => out.push(p), (h, id) => skipped.push([h, id]));
    for (const piece of pieces) parser.push(piece);
    assert.deepEqual(skipped, [[0x34, 0xabcd]]);
    assert.deepEqual(out, [{ type: 13 }]);
  };
  run(Array.from(stream, (x) => Uint8Array.of(x)));
  for (let i = 1; i < stream.length; i += 3) {
    for (let j = i + 1; j < stream.length; j += 5) run([stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)]);
  }
});

// A skipped PUBLISH too short for its topic (and at QoS 1 and 2 its packet id) is refused
// as decodePublish refuses one within maxPacketSize: it is no PUBLISH to acknowledge.
test("parser: with onSkipped, a PUBLISH over maxPacketSize whose body ends before its topic or packet id is PROTOCOL", () => {
  const within = (bytes) => new PacketParser(allDecoders, 0, () => {}).push(bytes);
  const skipping = (bytes) => new PacketParser(allDecoders, 2, () => {}, () => assert.fail("skipped")).push(bytes);
  for (const bytes of [
    b([0x30, 6, 0, 9], Buffer.from("abcd")), // QoS 0: a topic of 9 bytes in 4
    b([0x32, 6, 0, 4], Buffer.from("abcd")), // QoS 1: the topic, then no packet id
    b([0x32, 7, 0, 4], Buffer.from("abcd"), [1]), // QoS 1: half a packet id
    b([0x32, 1, 5]), // QoS 1: half the topic's length
  ]) {
    assert.throws(() => within(bytes), { code: "PROTOCOL" }, Buffer.from(bytes).toString("hex"));
    assert.throws(() => skipping(bytes), { code: "PROTOCOL" }, Buffer.from(bytes).toString("hex"));
  }
});
