"use strict";
// Malformed input (decode and parser) and bad arguments (encoders), each with its code.
const test = require("node:test");
const assert = require("node:assert/strict");
const { fixtures, b, s } = require("./fixtures.js");
const { decode } = require("../../build/codec/broker/decode.js");
const { encode } = require("../../build/codec/broker/encode.js");
const { encodePublish, encodeSubscription } = require("../../build/codec/encode-client.js");
const { PacketParser } = require("../../build/codec/parser.js");
const { allDecoders } = require("../../build/codec/broker/decoders-all.js");

const CONNECT_HEAD = [0, 4, ...s("MQTT"), 4]; // protocol name and level
/** A CONNECT with the given flags byte and the fields after keep alive. */
const connect = (flags, ...rest) => {
  const body = b(CONNECT_HEAD, flags, 0, 60, ...rest);
  return b(0x10, body.length, body);
};

const bad = [
  // framing
  ["empty input", b()],
  ["fixed header only, no length", b(0x30)],
  ["remaining length truncated", b(0x30, 0x80)],
  ["fifth remaining-length byte", b(0x30, 0x80, 0x80, 0x80, 0x80, 0x01)],
  ["body shorter than remaining length", b(0x40, 2, 0)],
  ["bytes after the packet", b(0x40, 2, 0, 1, 0)],
  ["packet type 0", b(0x00, 0)],
  ["packet type 15", b(0xf0, 0)],
  // fixed-header flags [MQTT-2.2.2-1,2]
  ["CONNECT flags 0001", b(0x11, 12, CONNECT_HEAD, 2, 0, 60, 0, 0)],
  ["CONNACK flags 0010", b(0x22, 2, 0, 0)],
  ["PUBACK flags 0010", b(0x42, 2, 0, 1)],
  ["PUBREC flags 0001", b(0x51, 2, 0, 1)],
  ["PUBREL flags 0000", b(0x60, 2, 0, 1)],
  ["PUBCOMP flags 1000", b(0x78, 2, 0, 1)],
  ["SUBSCRIBE flags 0000", b(0x80, 6, 0, 1, 0, 1, 0x61, 0)],
  ["SUBACK flags 0010", b(0x92, 3, 0, 1, 0)],
  ["UNSUBSCRIBE flags 0000", b(0xa0, 5, 0, 1, 0, 1, 0x61)],
  ["UNSUBACK flags 0010", b(0xb2, 2, 0, 1)],
  ["PINGREQ flags 0001", b(0xc1, 0)],
  ["PINGRESP flags 1000", b(0xd8, 0)],
  ["DISCONNECT flags 0010", b(0xe2, 0)],
  // PUBLISH
  ["PUBLISH QoS 3", b(0x36, 5, 0, 1, 0x61, 0, 1)],
  ["PUBLISH DUP with QoS 0", b(0x38, 3, 0, 1, 0x61)],
  ["PUBLISH packet id 0", b(0x32, 5, 0, 1, 0x61, 0, 0)],
  ["PUBLISH packet id truncated", b(0x32, 4, 0, 1, 0x61, 0)],
  ["PUBLISH topic length past the end", b(0x30, 3, 0, 5, 0x61)],
  ["PUBLISH body of one byte", b(0x30, 1, 0)],
  ["PUBLISH empty topic", b(0x30, 3, 0, 0, 0x61)],
  ["PUBLISH '+' in topic name", b(0x30, 5, 0, 3, ...s("a/+"))],
  ["PUBLISH '#' in topic name", b(0x30, 3, 0, 1, ...s("#"))],
  ["PUBLISH U+0000 in topic", b(0x30, 5, 0, 3, 0x61, 0x00, 0x62)],
  ["PUBLISH overlong NUL C0 80", b(0x30, 4, 0, 2, 0xc0, 0x80)],
  ["PUBLISH overlong C1 BF", b(0x30, 4, 0, 2, 0xc1, 0xbf)],
  ["PUBLISH overlong 3-byte E0 80 AF", b(0x30, 5, 0, 3, 0xe0, 0x80, 0xaf)],
  ["PUBLISH overlong 4-byte F0 80 80 AF", b(0x30, 6, 0, 4, 0xf0, 0x80, 0x80, 0xaf)],
  ["PUBLISH surrogate half ED A0 80", b(0x30, 5, 0, 3, 0xed, 0xa0, 0x80)],
  ["PUBLISH surrogate half ED BF BF", b(0x30, 5, 0, 3, 0xed, 0xbf, 0xbf)],
  ["PUBLISH above U+10FFFF F4 90 80 80", b(0x30, 6, 0, 4, 0xf4, 0x90, 0x80, 0x80)],
  ["PUBLISH F5 byte", b(0x30, 6, 0, 4, 0xf5, 0x80, 0x80, 0x80)],
  ["PUBLISH FF byte", b(0x30, 3, 0, 1, 0xff)],
  ["PUBLISH lone continuation byte", b(0x30, 3, 0, 1, 0x80)],
  ["PUBLISH truncated 3-byte sequence", b(0x30, 5, 0, 2, 0xe2, 0x82, 0x61)],
  ["PUBLISH 2-byte lead then ASCII", b(0x30, 4, 0, 2, 0xc3, 0x61)],
  ["PUBLISH sequence cut by the string's end", b(0x30, 3, 0, 1, 0xc3)],
  // CONNECT
  ["CONNECT protocol name MQIsdp", b(0x10, 14, 0, 6, ...s("MQIsdp"), 3, 2, 0, 60, 0, 0)],
  ["CONNECT reserved flag bit", connect(0b00000011, 0, 0)],
  ["CONNECT will QoS without will flag", connect(0b00001010, 0, 0)],
  ["CONNECT will retain without will flag", connect(0b00100010, 0, 0)],
  ["CONNECT will QoS 3", connect(0b00011110, 0, 0, 0, 1, 0x74, 0, 0)],
  ["CONNECT password without username", connect(0b01000010, 0, 0, 0, 1, 0x70)],
  ["CONNECT missing client id", connect(0b00000010)],
  ["CONNECT missing will message", connect(0b00000110, 0, 0, 0, 1, 0x74)],
  ["CONNECT missing username", connect(0b10000010, 0, 0)],
  ["CONNECT trailing byte", connect(0b00000010, 0, 0, 9)],
  ["CONNECT will topic with wildcard", connect(0b00000110, 0, 0, 0, 1, 0x23, 0, 0)],
  ["CONNECT invalid UTF-8 in client id", connect(0b00000010, 0, 1, 0xff)],
  ["CONNECT invalid UTF-8 in username", connect(0b10000010, 0, 0, 0, 2, 0xc0, 0x80)],
  ["CONNECT truncated protocol name", b(0x10, 3, 0, 4, 0x4d)],
  // CONNACK [MQTT-3.2.2-4]
  ["CONNACK reserved ack flag bit", b(0x20, 2, 2, 0)],
  ["CONNACK return code 6", b(0x20, 2, 0, 6)],
  ["CONNACK session present with refusal", b(0x20, 2, 1, 4)],
  ["CONNACK too short", b(0x20, 1, 0)],
  ["CONNACK too long", b(0x20, 3, 0, 0, 0)],
  // acks
  ["PUBACK packet id 0", b(0x40, 2, 0, 0)],
  ["PUBREL packet id 0", b(0x62, 2, 0, 0)],
  ["UNSUBACK packet id 0", b(0xb0, 2, 0, 0)],
  ["PUBCOMP truncated id", b(0x70, 1, 0)],
  ["PINGRESP with a body", b(0xd0, 1, 0)],
  // SUBSCRIBE
  ["SUBSCRIBE no subscriptions", b(0x82, 2, 0, 1)],
  ["SUBSCRIBE packet id 0", b(0x82, 6, 0, 0, 0, 1, 0x61, 0)],
  ["SUBSCRIBE requested QoS 3", b(0x82, 6, 0, 1, 0, 1, 0x61, 3)],
  ["SUBSCRIBE reserved QoS bits", b(0x82, 6, 0, 1, 0, 1, 0x61, 0x41)],
  ["SUBSCRIBE missing QoS byte", b(0x82, 5, 0, 1, 0, 1, 0x61)],
  ["SUBSCRIBE empty filter", b(0x82, 5, 0, 1, 0, 0, 0)],
  ["SUBSCRIBE '#' not last", b(0x82, 8, 0, 1, 0, 3, ...s("#/a"), 0)],
  ["SUBSCRIBE '#' mixed in a level", b(0x82, 9, 0, 1, 0, 4, ...s("a/b#"), 0)],
  ["SUBSCRIBE 'a#'", b(0x82, 7, 0, 1, 0, 2, ...s("a#"), 0)],
  ["SUBSCRIBE '+' mixed in a level", b(0x82, 8, 0, 1, 0, 3, ...s("a+/"), 0)],
  ["SUBSCRIBE '+' mixed at start", b(0x82, 8, 0, 1, 0, 3, ...s("+a/"), 0)],
  ["SUBSCRIBE invalid UTF-8 filter", b(0x82, 6, 0, 1, 0, 1, 0xfe, 0)],
  // SUBACK [MQTT-3.9.3-2]
  ["SUBACK return code 3", b(0x90, 3, 0, 1, 3)],
  ["SUBACK return code 0x81", b(0x90, 3, 0, 1, 0x81)],
  ["SUBACK no return codes", b(0x90, 2, 0, 1)],
  ["SUBACK packet id 0", b(0x90, 3, 0, 0, 0)],
  // UNSUBSCRIBE
  ["UNSUBSCRIBE no filters", b(0xa2, 2, 0, 1)],
  ["UNSUBSCRIBE misplaced '#'", b(0xa2, 7, 0, 1, 0, 3, ...s("#/#"))],
  ["UNSUBSCRIBE truncated filter", b(0xa2, 5, 0, 1, 0, 3, 0x61)],
];

// Prefixes of a packet: decode refuses them, the stream parser waits for the rest.
const STREAM_WAITS = ["empty input", "fixed header only, no length", "remaining length truncated", "body shorter than remaining length"];

/** True when the remaining length matches the bytes: the packet is framed right, so its
 *  rejection is about its content. */
function framed(bytes) {
  let i = 1, len = 0, mul = 1, byte;
  do { byte = bytes[i++]; len += (byte & 127) * mul; mul *= 128; } while (byte & 128 && i < 5);
  return bytes.length - i === len;
}
const FRAMING = [...STREAM_WAITS, "fifth remaining-length byte", "bytes after the packet"];

for (const [name, bytes] of bad) {
  test("decode rejects: " + name, () => {
    assert.equal(framed(bytes), !FRAMING.includes(name), "the table entry is framed as intended");
    assert.throws(() => decode(bytes), { code: "PROTOCOL" });
  });
  test("parser rejects: " + name, () => {
    const out = [];
    const parser = new PacketParser(allDecoders, 0, (p) => out.push(p));
    if (STREAM_WAITS.includes(name)) {
      // An incomplete packet is not an error to a stream parser: it waits for more.
      parser.push(bytes);
      assert.equal(out.length, 0);
    } else {
      assert.throws(() => parser.push(bytes), { code: "PROTOCOL" });
    }
  });
}

test("every truncation of every fixture is PROTOCOL for decode", () => {
  for (const f of fixtures) {
    for (let n = 0; n < f.bytes.length; n++) {
      assert.throws(() => decode(f.bytes.subarray(0, n)), { code: "PROTOCOL" }, f.name + " cut at " + n);
    }
  }
});

test("every fixture with a byte appended is PROTOCOL for decode", () => {
  for (const f of fixtures) assert.throws(() => decode(b(f.bytes, 0)), { code: "PROTOCOL" }, f.name);
});

test("a truncated body inside the fixture (remaining length shortened) is PROTOCOL", () => {
  // Shorten the body but keep it consistent with the remaining length: the fields overrun.
  for (const f of fixtures) {
    if (f.bytes[1] & 128 || f.bytes[1] === 0) continue;
    const cut = f.bytes.subarray(0, f.bytes.length - 1).slice();
    cut[1] -= 1;
    const ok = [3, 9, 8, 10]; // may still be valid: shorter payload / fewer codes or filters
    if (ok.includes(f.packet.type)) continue;
    assert.throws(() => decode(cut), { code: "PROTOCOL" }, f.name);
  }
});

// ---- encoder arguments ----
const pub = (over) => Object.assign({ type: 3, dup: false, qos: 0, retain: false, topicName: "t", payload: new Uint8Array(0) }, over);
const conn = (over) => Object.assign({ type: 1, protocolLevel: 4, cleanSession: true, keepAlive: 60, clientId: "c" }, over);

const badArgs = [
  ["PUBLISH empty topic", pub({ topicName: "" })],
  ["PUBLISH '+' in topic", pub({ topicName: "a/+" })],
  ["PUBLISH '#' in topic", pub({ topicName: "#" })],
  ["PUBLISH U+0000 in topic", pub({ topicName: "a\u0000b" })],
  ["PUBLISH unpaired high surrogate in topic", pub({ topicName: "a\ud800" })],
  ["PUBLISH unpaired low surrogate in topic", pub({ topicName: "\udc00a" })],
  ["PUBLISH reversed surrogates in topic", pub({ topicName: "\udc00\ud800" })],
  ["PUBLISH topic of 65536 bytes", pub({ topicName: "a".repeat(65536) })],
  ["PUBLISH topic of 65537 bytes (multibyte)", pub({ topicName: "€".repeat(21845) + "aa" })],
  ["PUBLISH topic not a string", pub({ topicName: 5 })],
  ["PUBLISH QoS 3", pub({ qos: 3, packetId: 1 })],
  ["PUBLISH QoS -1", pub({ qos: -1 })],
  ["PUBLISH QoS '1'", pub({ qos: "1", packetId: 1 })],
  ["PUBLISH QoS 1 without packetId", pub({ qos: 1 })],
  ["PUBLISH QoS 2 packetId 0", pub({ qos: 2, packetId: 0 })],
  ["PUBLISH packetId 65536", pub({ qos: 1, packetId: 65536 })],
  ["PUBLISH packetId 1.5", pub({ qos: 1, packetId: 1.5 })],
  ["PUBLISH packetId NaN", pub({ qos: 1, packetId: NaN })],
  ["PUBLISH DUP with QoS 0", pub({ dup: true })],
  ["SUBSCRIBE empty list", { type: 8, packetId: 1, subscriptions: [] }],
  ["SUBSCRIBE missing list", { type: 8, packetId: 1 }],
  ["SUBSCRIBE '#' not last", { type: 8, packetId: 1, subscriptions: [{ topicFilter: "#/a", qos: 0 }] }],
  ["SUBSCRIBE 'a+'", { type: 8, packetId: 1, subscriptions: [{ topicFilter: "a+", qos: 0 }] }],
  ["SUBSCRIBE empty filter", { type: 8, packetId: 1, subscriptions: [{ topicFilter: "", qos: 0 }] }],
  ["SUBSCRIBE QoS 3", { type: 8, packetId: 1, subscriptions: [{ topicFilter: "a", qos: 3 }] }],
  ["SUBSCRIBE packetId 0", { type: 8, packetId: 0, subscriptions: [{ topicFilter: "a", qos: 0 }] }],
  ["UNSUBSCRIBE empty list", { type: 10, packetId: 1, topicFilters: [] }],
  ["UNSUBSCRIBE bad filter", { type: 10, packetId: 1, topicFilters: ["a/#/b"] }],
  ["UNSUBSCRIBE no packetId", { type: 10, topicFilters: ["a"] }],
  ["PUBACK packetId 0", { type: 4, packetId: 0 }],
  ["PUBREL packetId 70000", { type: 6, packetId: 70000 }],
  ["UNSUBACK no packetId", { type: 11 }],
  ["CONNECT password without username", conn({ password: new Uint8Array(1) })],
  ["CONNECT will with wildcard topic", conn({ will: { topic: "a/#", message: new Uint8Array(0), qos: 0, retain: false } })],
  ["CONNECT will QoS 3", conn({ will: { topic: "a", message: new Uint8Array(0), qos: 3, retain: false } })],
  ["CONNECT will message over 65535 bytes", conn({ will: { topic: "a", message: new Uint8Array(65536), qos: 0, retain: false } })],
  ["CONNECT password over 65535 bytes", conn({ username: "u", password: new Uint8Array(65536) })],
  ["CONNECT client id with U+0000", conn({ clientId: "\u0000" })],
  ["CONNECT client id missing", conn({ clientId: undefined })],
  ["CONNECT username with unpaired surrogate", conn({ username: "\ud83d" })],
  ["CONNECT keepAlive 65536", conn({ keepAlive: 65536 })],
  ["CONNECT keepAlive -1", conn({ keepAlive: -1 })],
  ["CONNACK return code 6", { type: 2, sessionPresent: false, returnCode: 6 }],
  ["CONNACK session present with refusal", { type: 2, sessionPresent: true, returnCode: 1 }],
  ["SUBACK return code 3", { type: 9, packetId: 1, returnCodes: [3] }],
  ["SUBACK no return codes", { type: 9, packetId: 1, returnCodes: [] }],
  ["unknown type 0", { type: 0 }],
  ["unknown type 15", { type: 15 }],
];

for (const [name, packet] of badArgs) {
  test("encode refuses: " + name, () => {
    assert.throws(() => encode(packet), { code: "BAD_ARGUMENT" });
  });
}

// encodeSubscription(packetId, topicFilter, qos?): what the client's subscribe() and unsubscribe() send.
const badSubscriptions = [
  ["SUBSCRIBE '#' not last", [1, "#/a", 0]],
  ["SUBSCRIBE 'a+'", [1, "a+", 0]],
  ["SUBSCRIBE empty filter", [1, "", 0]],
  ["SUBSCRIBE filter not a string", [1, 42, 0]],
  ["SUBSCRIBE QoS 3", [1, "a", 3]],
  ["SUBSCRIBE QoS '1'", [1, "a", "1"]],
  ["UNSUBSCRIBE bad filter", [1, "a/#/b"]],
  ["UNSUBSCRIBE filter with U+0000", [1, "a\0"]],
];

for (const [name, args] of badSubscriptions) {
  test("encodeSubscription refuses: " + name, () => {
    assert.throws(() => encodeSubscription(...args), { code: "BAD_ARGUMENT" });
  });
}

test("a remaining length over 268,435,455 is TOO_LARGE, found before allocating", () => {
  // A fake payload: only its length is read before the size check.
  const payload = { length: 268435455 - 3 + 1 };
  assert.throws(() => encodePublish(pub({ payload })), { code: "TOO_LARGE" });
});

test("the largest remaining length, 268,435,455, encodes in 4 bytes", () => {
  const out = encodePublish(pub({ payload: new Uint8Array(268435455 - 3) }));
  assert.deepEqual(out.subarray(0, 8), b(0x30, 0xff, 0xff, 0xff, 0x7f, 0, 1, 0x74));
  assert.equal(out.length, 268435455 + 5);
});

test("a 65535-byte topic is fine; U+0000 in a payload string is fine", () => {
  const { encodeUtf8 } = require("../../build/codec/bytes.js");
  const out = encodePublish(pub({ topicName: "a".repeat(65535), payload: encodeUtf8("\u0000") }));
  assert.equal(decode(out).topicName.length, 65535);
  assert.deepEqual(decode(out).payload, b(0));
});
