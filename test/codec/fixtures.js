"use strict";
// One table of { name, packet, bytes } for all 14 packet types. It drives encode, decode,
// round trip and the stream parser tests. Bytes are annotated field by field.
// Packet types (const enum in src/codec/types.ts): 1 CONNECT .. 14 DISCONNECT.

const { b, s, fill, u8 } = require("./bytes-helpers.js");

const fixtures = [
  // ---- CONNECT (1) ----
  {
    name: "CONNECT minimal, clean session",
    packet: { type: 1, protocolLevel: 4, cleanSession: true, keepAlive: 60, clientId: "c1" },
    bytes: b(
      0x10, 14, //            fixed header: CONNECT, remaining length 14
      0, 4, s("MQTT"), //     protocol name
      4, //                   protocol level 4 (3.1.1)
      0b00000010, //          connect flags: clean session
      0, 60, //               keep alive 60 s
      0, 2, s("c1"), //       client id
    ),
  },
  {
    name: "CONNECT empty client id, keep alive 0",
    packet: { type: 1, protocolLevel: 4, cleanSession: true, keepAlive: 0, clientId: "" },
    bytes: b(
      0x10, 12, //            fixed header
      0, 4, s("MQTT"), //     protocol name
      4, //                   level
      0b00000010, //          clean session
      0, 0, //                keep alive 0
      0, 0, //                client id "" (length 0)
    ),
  },
  {
    name: "CONNECT will QoS 1 retained, username and password, keep alive 65535",
    packet: {
      type: 1, protocolLevel: 4, cleanSession: true, keepAlive: 65535, clientId: "dev",
      will: { topic: "w/t", message: u8([0x6f, 0x66, 0x66]), qos: 1, retain: true },
      username: "us", password: u8([1, 2]),
    },
    bytes: b(
      0x10, 33, //            fixed header, remaining length 33
      0, 4, s("MQTT"), //     protocol name
      4, //                   level
      0b11101110, //          flags: username, password, will retain, will QoS 01, will, clean
      0xff, 0xff, //          keep alive 65535
      0, 3, s("dev"), //      client id
      0, 3, s("w/t"), //      will topic
      0, 3, 0x6f, 0x66, 0x66, // will message "off"
      0, 2, s("us"), //       username
      0, 2, 1, 2, //          password (binary)
    ),
  },
  {
    name: "CONNECT username only, persistent session",
    packet: { type: 1, protocolLevel: 4, cleanSession: false, keepAlive: 10, clientId: "p", username: "ü" },
    bytes: b(
      0x10, 17, //            fixed header
      0, 4, s("MQTT"), //     protocol name
      4, //                   level
      0b10000000, //          flags: username only, clean session 0
      0, 10, //               keep alive
      0, 1, s("p"), //        client id
      0, 2, 0xc3, 0xbc, //    username "ü" (2 UTF-8 bytes)
    ),
  },
  {
    name: "CONNECT will QoS 2 not retained, empty will message",
    packet: {
      type: 1, protocolLevel: 4, cleanSession: false, keepAlive: 30, clientId: "x",
      will: { topic: "t", message: u8([]), qos: 2, retain: false },
    },
    bytes: b(
      0x10, 18, //            fixed header
      0, 4, s("MQTT"), //     protocol name
      4, //                   level
      0b00010100, //          flags: will QoS 10, will
      0, 30, //               keep alive
      0, 1, s("x"), //        client id
      0, 1, s("t"), //        will topic
      0, 0, //                will message, empty
    ),
  },
  // ---- CONNACK (2) ----
  {
    name: "CONNACK accepted",
    packet: { type: 2, sessionPresent: false, returnCode: 0 },
    bytes: b(0x20, 2, /* ack flags */ 0, /* return code */ 0),
  },
  {
    name: "CONNACK accepted, session present",
    packet: { type: 2, sessionPresent: true, returnCode: 0 },
    bytes: b(0x20, 2, /* session present */ 1, /* accepted */ 0),
  },
  {
    name: "CONNACK refused, not authorized",
    packet: { type: 2, sessionPresent: false, returnCode: 5 },
    bytes: b(0x20, 2, /* ack flags */ 0, /* return code 5 */ 5),
  },
  // ---- PUBLISH (3) ----
  {
    name: "PUBLISH QoS 0",
    packet: { type: 3, dup: false, qos: 0, retain: false, topicName: "a/b", payload: u8(s("hi")) },
    bytes: b(
      0x30, 7, //             PUBLISH, flags 0000, remaining length 7
      0, 3, s("a/b"), //      topic name
      s("hi"), //             payload (no packet id at QoS 0)
    ),
  },
  {
    name: "PUBLISH QoS 0 empty payload",
    packet: { type: 3, dup: false, qos: 0, retain: false, topicName: "e", payload: u8([]) },
    bytes: b(0x30, 3, /* topic */ 0, 1, s("e") /* no payload */),
  },
  {
    name: "PUBLISH QoS 0 retained",
    packet: { type: 3, dup: false, qos: 0, retain: true, topicName: "r", payload: u8([0]) },
    bytes: b(0x31, 4, /* topic */ 0, 1, s("r"), /* payload */ 0),
  },
  {
    name: "PUBLISH QoS 1 DUP",
    packet: { type: 3, dup: true, qos: 1, retain: false, topicName: "q/1", packetId: 1, payload: u8([9, 8, 7]) },
    bytes: b(
      0x3a, 10, //            PUBLISH, flags 1010: DUP, QoS 1
      0, 3, s("q/1"), //      topic
      0, 1, //                packet id 1
      9, 8, 7, //             payload
    ),
  },
  {
    name: "PUBLISH QoS 2 retained, DUP, packet id 65535",
    packet: { type: 3, dup: true, qos: 2, retain: true, topicName: "q2", packetId: 65535, payload: u8(s("x")) },
    bytes: b(
      0x3d, 7, //             flags 1101: DUP, QoS 2, RETAIN
      0, 2, s("q2"), //       topic
      0xff, 0xff, //          packet id 65535
      s("x"), //              payload
    ),
  },
  {
    name: "PUBLISH QoS 1 multibyte UTF-8 topic",
    packet: { type: 3, dup: false, qos: 1, retain: false, topicName: "ü/€/😀", packetId: 258, payload: u8([1]) },
    bytes: b(
      0x32, 16, //            QoS 1
      0, 11, //               topic length: 2 + 1 + 3 + 1 + 4 bytes
      0xc3, 0xbc, 0x2f, //    "ü/"
      0xe2, 0x82, 0xac, 0x2f, // "€/"
      0xf0, 0x9f, 0x98, 0x80, // "😀" (a surrogate pair in JS)
      1, 2, //                packet id 258
      1, //                   payload
    ),
  },
  {
    name: "PUBLISH remaining length 127 (1 length byte, largest)",
    packet: { type: 3, dup: false, qos: 0, retain: false, topicName: "t", payload: u8(fill(124, 0x61)) },
    bytes: b(0x30, 0x7f, /* topic */ 0, 1, s("t"), /* payload 124 */ fill(124, 0x61)),
  },
  {
    name: "PUBLISH remaining length 128 (2 length bytes, smallest)",
    packet: { type: 3, dup: false, qos: 0, retain: false, topicName: "t", payload: u8(fill(125, 0x62)) },
    bytes: b(0x30, 0x80, 0x01, /* topic */ 0, 1, s("t"), /* payload 125 */ fill(125, 0x62)),
  },
  {
    name: "PUBLISH remaining length 16383 (2 length bytes, largest)",
    packet: { type: 3, dup: false, qos: 0, retain: false, topicName: "t", payload: u8(fill(16380, 0x63)) },
    bytes: b(0x30, 0xff, 0x7f, /* topic */ 0, 1, s("t"), /* payload 16380 */ fill(16380, 0x63)),
  },
  {
    name: "PUBLISH remaining length 16384 (3 length bytes, smallest)",
    packet: { type: 3, dup: false, qos: 1, retain: false, topicName: "t", packetId: 5, payload: u8(fill(16379, 0x64)) },
    bytes: b(0x30 | 2, 0x80, 0x80, 0x01, /* topic */ 0, 1, s("t"), /* id */ 0, 5, /* payload 16379 */ fill(16379, 0x64)),
  },
  // ---- acknowledgements: PUBACK 4, PUBREC 5, PUBREL 6 (flags 0010), PUBCOMP 7, UNSUBACK 11 ----
  { name: "PUBACK", packet: { type: 4, packetId: 1 }, bytes: b(0x40, 2, /* id */ 0, 1) },
  { name: "PUBREC", packet: { type: 5, packetId: 0x1234 }, bytes: b(0x50, 2, /* id */ 0x12, 0x34) },
  { name: "PUBREL (flags 0010)", packet: { type: 6, packetId: 65535 }, bytes: b(0x62, 2, /* id */ 0xff, 0xff) },
  { name: "PUBCOMP", packet: { type: 7, packetId: 256 }, bytes: b(0x70, 2, /* id */ 1, 0) },
  { name: "UNSUBACK", packet: { type: 11, packetId: 77 }, bytes: b(0xb0, 2, /* id */ 0, 77) },
  // ---- SUBSCRIBE (8) ----
  {
    name: "SUBSCRIBE one filter",
    packet: { type: 8, packetId: 10, subscriptions: [{ topicFilter: "a/+", qos: 1 }] },
    bytes: b(
      0x82, 8, //             SUBSCRIBE, flags 0010
      0, 10, //               packet id
      0, 3, s("a/+"), 1, //   filter, requested QoS 1
    ),
  },
  {
    name: "SUBSCRIBE three filters, QoS 0/1/2",
    packet: {
      type: 8, packetId: 11,
      subscriptions: [{ topicFilter: "#", qos: 0 }, { topicFilter: "+/x/#", qos: 1 }, { topicFilter: "ä", qos: 2 }],
    },
    bytes: b(
      0x82, 19, //            fixed header
      0, 11, //               packet id
      0, 1, s("#"), 0, //     "#" QoS 0
      0, 5, s("+/x/#"), 1, // "+/x/#" QoS 1
      0, 2, 0xc3, 0xa4, 2, // "ä" QoS 2
    ),
  },
  // ---- SUBACK (9) ----
  {
    name: "SUBACK one granted",
    packet: { type: 9, packetId: 10, returnCodes: [1] },
    bytes: b(0x90, 3, /* id */ 0, 10, /* granted QoS 1 */ 1),
  },
  {
    name: "SUBACK with failure 0x80",
    packet: { type: 9, packetId: 11, returnCodes: [0, 0x80, 2] },
    bytes: b(0x90, 5, /* id */ 0, 11, /* QoS 0, failure, QoS 2 */ 0, 0x80, 2),
  },
  // ---- UNSUBSCRIBE (10) ----
  {
    name: "UNSUBSCRIBE one filter",
    packet: { type: 10, packetId: 12, topicFilters: ["a/b"] },
    bytes: b(0xa2, 7, /* id */ 0, 12, /* filter */ 0, 3, s("a/b")),
  },
  {
    name: "UNSUBSCRIBE two filters",
    packet: { type: 10, packetId: 13, topicFilters: ["x/#", "+"] },
    bytes: b(0xa2, 10, /* id */ 0, 13, /* filter */ 0, 3, s("x/#"), /* filter */ 0, 1, s("+")),
  },
  // ---- no body: PINGREQ 12, PINGRESP 13, DISCONNECT 14 ----
  { name: "PINGREQ", packet: { type: 12 }, bytes: b(0xc0, 0) },
  { name: "PINGRESP", packet: { type: 13 }, bytes: b(0xd0, 0) },
  { name: "DISCONNECT", packet: { type: 14 }, bytes: b(0xe0, 0) },
];

// Guard the table itself: the annotated remaining length must match the bytes.
for (const f of fixtures) {
  let i = 1, len = 0, mul = 1, byte;
  do { byte = f.bytes[i++]; len += (byte & 127) * mul; mul *= 128; } while (byte & 128);
  if (f.bytes.length - i !== len) throw new Error("fixture " + f.name + ": remaining length " + len + " but " + (f.bytes.length - i) + " bytes");
}

module.exports = { fixtures, b, s, fill };
