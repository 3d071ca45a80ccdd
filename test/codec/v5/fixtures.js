"use strict";
// One table of { name, packet, bytes } for all 15 MQTT 5.0 packet types and every property,
// driving encode, decode, round trip and the stream parser. Bytes are annotated field by field.
// To keep hand-counted lengths from hiding errors, two small helpers count them: pkt() writes
// the fixed header's remaining length, props() the property length; the first fixture spells
// both out by hand, which checks the helpers.
// Property identifiers (section 2.2.2.2) are written in hex with their names.

const { b, s, u8 } = require("../bytes-helpers.js");

/** A UTF-8 Encoded String: two length bytes, then the bytes. */
const str = (x) => { const u = s(x); return [u.length >> 8, u.length & 255, ...u]; };
/** Binary Data: two length bytes, then the bytes. */
const bin = (arr) => [arr.length >> 8, arr.length & 255, ...arr];
/** A Variable Byte Integer (1.5.5). */
function vbi(x) {
  const out = [];
  do { out.push(x > 127 ? (x & 127) | 128 : x); x = Math.floor(x / 128); } while (x);
  return out;
}
/** A whole packet: the first byte, the remaining length, the body. */
const pkt = (first, ...body) => { const bb = b(...body); return b(first, vbi(bb.length), bb); };
/** A property length and the properties. */
const props = (...parts) => { const bb = b(...parts); return b(vbi(bb.length), bb); };
const MQTT5 = [0, 4, ...s("MQTT"), 5]; // protocol name "MQTT", protocol level 5

const fixtures = [
  // ---- CONNECT (1) ----
  {
    name: "CONNECT minimal, clean start, no properties",
    packet: { type: 1, protocolLevel: 5, cleanStart: true, keepAlive: 60, clientId: "c1" },
    bytes: b(
      0x10, 15, //            fixed header: CONNECT, remaining length 15 (counted by hand)
      0, 4, s("MQTT"), //     protocol name
      5, //                   protocol level 5
      0b00000010, //          connect flags: clean start
      0, 60, //               keep alive 60 s
      0, //                   property length 0 (counted by hand)
      0, 2, s("c1"), //       client id
    ),
  },
  {
    name: "CONNECT every CONNECT and will property, user name and password",
    packet: {
      type: 1, protocolLevel: 5, cleanStart: true, keepAlive: 30, clientId: "dev",
      properties: {
        sessionExpiryInterval: 0xffffffff, authenticationMethod: "SCRAM", authenticationData: u8([1, 2, 3]),
        requestProblemInformation: false, requestResponseInformation: true, receiveMaximum: 20,
        topicAliasMaximum: 10, userProperties: [["k", "v1"], ["k", "v2"], ["é", ""]], maximumPacketSize: 1024,
      },
      will: {
        topic: "w/t", message: u8([0x6f, 0x66, 0x66]), qos: 1, retain: true,
        properties: {
          payloadFormatIndicator: true, messageExpiryInterval: 3600, contentType: "text/plain",
          responseTopic: "r/t", correlationData: u8([0xca, 0xfe]), willDelayInterval: 5, userProperties: [["w", "x"]],
        },
      },
      username: "us", password: u8([0, 255]),
    },
    bytes: pkt(0x10,
      MQTT5,
      0b11101110, //          flags: user name, password, will retain, will QoS 1, will, clean start
      0, 30, //               keep alive
      props(
        0x11, 0xff, 0xff, 0xff, 0xff, //  sessionExpiryInterval 4294967295 (Four Byte Integer)
        0x15, str("SCRAM"), //            authenticationMethod
        0x16, bin([1, 2, 3]), //          authenticationData
        0x17, 0, //                       requestProblemInformation 0
        0x19, 1, //                       requestResponseInformation 1
        0x21, 0, 20, //                   receiveMaximum 20 (Two Byte Integer)
        0x22, 0, 10, //                   topicAliasMaximum 10
        0x26, str("k"), str("v1"), //     user property k=v1
        0x26, str("k"), str("v2"), //     user property k=v2 (the same name again: allowed)
        0x26, str("é"), str(""), //       user property é="" (2-byte UTF-8 name, empty value)
        0x27, 0, 0, 4, 0, //              maximumPacketSize 1024
      ),
      str("dev"), //          client id
      props( //              will properties
        0x01, 1, //                       payloadFormatIndicator 1 (UTF-8)
        0x02, 0, 0, 0x0e, 0x10, //        messageExpiryInterval 3600
        0x03, str("text/plain"), //       contentType
        0x08, str("r/t"), //              responseTopic
        0x09, bin([0xca, 0xfe]), //       correlationData
        0x18, 0, 0, 0, 5, //              willDelayInterval 5
        0x26, str("w"), str("x"), //      user property
      ),
      str("w/t"), //          will topic
      bin([0x6f, 0x66, 0x66]), // will payload "off"
      str("us"), //           user name
      bin([0, 255]), //       password (binary)
    ),
  },
  {
    name: "CONNECT password without user name (allowed in 5.0), persistent session, empty client id",
    packet: { type: 1, protocolLevel: 5, cleanStart: false, keepAlive: 0, clientId: "", password: u8([0x70]) },
    bytes: pkt(0x10,
      MQTT5,
      0b01000000, //          flags: password only, clean start 0
      0, 0, //                keep alive 0
      0, //                   no properties
      0, 0, //                client id ""
      bin([0x70]), //         password
    ),
  },
  // ---- CONNACK (2) ----
  {
    name: "CONNACK success, no properties",
    packet: { type: 2, sessionPresent: false, reasonCode: 0 },
    bytes: b(0x20, 3, //      fixed header
      0, //                   acknowledge flags
      0, //                   reason code 0 Success
      0), //                  property length 0
  },
  {
    name: "CONNACK session present, every CONNACK property",
    packet: {
      type: 2, sessionPresent: true, reasonCode: 0,
      properties: {
        sessionExpiryInterval: 120, assignedClientIdentifier: "auto-1", serverKeepAlive: 45,
        authenticationMethod: "m", authenticationData: u8([9]), responseInformation: "resp/",
        serverReference: "other:1883", reasonString: "ok", receiveMaximum: 65535, topicAliasMaximum: 0,
        maximumQoS: 1, retainAvailable: false, userProperties: [["a", "b"]], maximumPacketSize: 268435460,
        wildcardSubscriptionAvailable: true, subscriptionIdentifiersAvailable: false, sharedSubscriptionAvailable: true,
      },
    },
    bytes: pkt(0x20,
      1, //                   acknowledge flags: session present
      0, //                   reason code 0
      props(
        0x11, 0, 0, 0, 120, //            sessionExpiryInterval 120
        0x12, str("auto-1"), //           assignedClientIdentifier
        0x13, 0, 45, //                   serverKeepAlive 45
        0x15, str("m"), //                authenticationMethod
        0x16, bin([9]), //                authenticationData
        0x1a, str("resp/"), //            responseInformation
        0x1c, str("other:1883"), //       serverReference
        0x1f, str("ok"), //               reasonString
        0x21, 0xff, 0xff, //              receiveMaximum 65535
        0x22, 0, 0, //                    topicAliasMaximum 0 (no aliases)
        0x24, 1, //                       maximumQoS 1
        0x25, 0, //                       retainAvailable 0
        0x26, str("a"), str("b"), //      user property
        0x27, 0x10, 0, 0, 4, //           maximumPacketSize 268435460
        0x28, 1, //                       wildcardSubscriptionAvailable 1
        0x29, 0, //                       subscriptionIdentifiersAvailable 0
        0x2a, 1, //                       sharedSubscriptionAvailable 1
      ),
    ),
  },
  {
    name: "CONNACK refused 0x87 Not authorized, with a reason string",
    packet: { type: 2, sessionPresent: false, reasonCode: 0x87, properties: { reasonString: "no" } },
    bytes: pkt(0x20, 0, 0x87, props(0x1f, str("no"))),
  },
  // ---- PUBLISH (3) ----
  {
    name: "PUBLISH QoS 0, no properties",
    packet: { type: 3, dup: false, qos: 0, retain: false, topicName: "a/b", payload: u8([0x68, 0x69]) },
    bytes: b(0x30, 8, //      fixed header: PUBLISH QoS 0, remaining length 8
      0, 3, s("a/b"), //      topic name
      0, //                   property length 0
      0x68, 0x69), //         payload "hi"
  },
  {
    name: "PUBLISH QoS 1, every PUBLISH property, two subscription identifiers",
    packet: {
      type: 3, dup: false, qos: 1, retain: true, topicName: "t", packetId: 0x1234,
      properties: {
        payloadFormatIndicator: false, messageExpiryInterval: 0, contentType: "application/json",
        responseTopic: "reply/€", correlationData: u8([]), subscriptionIdentifier: [1, 268435455],
        topicAlias: 65535, userProperties: [["x", "1"], ["y", "2"], ["x", "3"]],
      },
      payload: u8([0x7b, 0x7d]),
    },
    bytes: pkt(0x33, //       PUBLISH QoS 1, retain
      str("t"), //            topic name
      0x12, 0x34, //          packet id
      props(
        0x01, 0, //                       payloadFormatIndicator 0 (unspecified bytes)
        0x02, 0, 0, 0, 0, //              messageExpiryInterval 0
        0x03, str("application/json"), // contentType
        0x08, str("reply/€"), //          responseTopic (3-byte UTF-8)
        0x09, 0, 0, //                    correlationData, empty
        0x0b, 1, //                       subscriptionIdentifier 1 (VBI, one byte)
        0x0b, 0xff, 0xff, 0xff, 0x7f, //  subscriptionIdentifier 268435455 (VBI, four bytes)
        0x23, 0xff, 0xff, //              topicAlias 65535
        0x26, str("x"), str("1"), //      user properties in order: x=1,
        0x26, str("y"), str("2"), //        y=2,
        0x26, str("x"), str("3"), //        x=3 (a repeated name after another one)
      ),
      0x7b, 0x7d, //          payload "{}"
    ),
  },
  {
    name: "PUBLISH QoS 2 DUP, empty topic name with a topic alias, empty payload",
    packet: { type: 3, dup: true, qos: 2, retain: false, topicName: "", packetId: 1, properties: { topicAlias: 1 }, payload: u8([]) },
    bytes: pkt(0x3c, //       PUBLISH DUP, QoS 2
      0, 0, //                topic name "" (zero length: the alias names it)
      0, 1, //                packet id 1
      props(0x23, 0, 1), //   topicAlias 1
    ),
  },
  {
    name: "PUBLISH remaining length 200 (2 length bytes)",
    packet: { type: 3, dup: false, qos: 0, retain: false, topicName: "big", payload: u8(new Array(194).fill(7)) },
    bytes: b(0x30, 0xc8, 0x01, // remaining length 200 = 0x48 | 0x80, 1
      str("big"), 0, new Array(194).fill(7)),
  },
  // ---- PUBACK (4), PUBREC (5), PUBREL (6), PUBCOMP (7) ----
  {
    name: "PUBACK short form: reason code 0, no properties, remaining length 2",
    packet: { type: 4, packetId: 7, reasonCode: 0 },
    bytes: b(0x40, 2, 0, 7),
  },
  {
    name: "PUBACK 0x10 No matching subscribers, no property length (remaining length 3)",
    packet: { type: 4, packetId: 0xffff, reasonCode: 0x10 },
    bytes: b(0x40, 3, 0xff, 0xff, 0x10),
  },
  {
    name: "PUBREC 0x80 with reason string and user properties",
    packet: { type: 5, packetId: 2, reasonCode: 0x80, properties: { reasonString: "full", userProperties: [["q", "1"]] } },
    bytes: pkt(0x50, 0, 2, 0x80, props(0x1f, str("full"), 0x26, str("q"), str("1"))),
  },
  {
    name: "PUBREL short form (flags 0010)",
    packet: { type: 6, packetId: 3, reasonCode: 0 },
    bytes: b(0x62, 2, 0, 3),
  },
  {
    name: "PUBREL 0x92 Packet Identifier not found",
    packet: { type: 6, packetId: 3, reasonCode: 0x92 },
    bytes: b(0x62, 3, 0, 3, 0x92),
  },
  {
    name: "PUBCOMP reason code 0 with a property: the code is written",
    packet: { type: 7, packetId: 4, reasonCode: 0, properties: { reasonString: "" } },
    bytes: pkt(0x70, 0, 4, 0, props(0x1f, str(""))),
  },
  // ---- SUBSCRIBE (8) ----
  {
    name: "SUBSCRIBE two filters with every option, subscription identifier and user property",
    packet: {
      type: 8, packetId: 10, properties: { subscriptionIdentifier: 300, userProperties: [["s", "1"]] },
      subscriptions: [
        { topicFilter: "a/+", qos: 2, noLocal: true, retainAsPublished: true, retainHandling: 2 },
        { topicFilter: "$share/g/b/#", qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 1 },
      ],
    },
    bytes: pkt(0x82, //      SUBSCRIBE, flags 0010
      0, 10, //               packet id
      props(
        0x0b, 0xac, 0x02, //              subscriptionIdentifier 300 (VBI: 0x2c | 0x80, 2)
        0x26, str("s"), str("1"), //      user property
      ),
      str("a/+"), 0b00101110, // options: retain handling 2, RAP, no local, QoS 2
      str("$share/g/b/#"), 0b00010000, // options: retain handling 1, QoS 0
    ),
  },
  {
    name: "SUBSCRIBE one filter, no properties",
    packet: { type: 8, packetId: 1, subscriptions: [{ topicFilter: "#", qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] },
    bytes: b(0x82, 7, 0, 1, 0, 0, 1, 0x23, 1),
  },
  // ---- SUBACK (9) ----
  {
    name: "SUBACK granted and refused reason codes, reason string",
    packet: { type: 9, packetId: 10, properties: { reasonString: "partly" }, reasonCodes: [0, 1, 2, 0x80, 0x87, 0x8f, 0x9e, 0xa1, 0xa2] },
    bytes: pkt(0x90, 0, 10, props(0x1f, str("partly")), 0, 1, 2, 0x80, 0x87, 0x8f, 0x9e, 0xa1, 0xa2),
  },
  {
    name: "SUBACK one code, no properties",
    packet: { type: 9, packetId: 1, reasonCodes: [1] },
    bytes: b(0x90, 4, 0, 1, 0, 1),
  },
  // ---- UNSUBSCRIBE (10) ----
  {
    name: "UNSUBSCRIBE two filters with a user property",
    packet: { type: 10, packetId: 11, properties: { userProperties: [["u", "v"]] }, topicFilters: ["a/+", "#"] },
    bytes: pkt(0xa2, 0, 11, props(0x26, str("u"), str("v")), str("a/+"), str("#")),
  },
  {
    name: "UNSUBSCRIBE one filter, no properties",
    packet: { type: 10, packetId: 2, topicFilters: ["x"] },
    bytes: b(0xa2, 6, 0, 2, 0, 0, 1, 0x78),
  },
  // ---- UNSUBACK (11) ----
  {
    name: "UNSUBACK reason codes, no properties",
    packet: { type: 11, packetId: 11, reasonCodes: [0, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91] },
    bytes: b(0xb0, 10, 0, 11, 0, 0, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91),
  },
  {
    name: "UNSUBACK with reason string and user property",
    packet: { type: 11, packetId: 3, properties: { reasonString: "r", userProperties: [["n", "m"]] }, reasonCodes: [0x11] },
    bytes: pkt(0xb0, 0, 3, props(0x1f, str("r"), 0x26, str("n"), str("m")), 0x11),
  },
  // ---- PINGREQ (12), PINGRESP (13) ----
  { name: "PINGREQ", packet: { type: 12 }, bytes: b(0xc0, 0) },
  { name: "PINGRESP", packet: { type: 13 }, bytes: b(0xd0, 0) },
  // ---- DISCONNECT (14) ----
  {
    name: "DISCONNECT short form: remaining length 0 is reason code 0",
    packet: { type: 14, reasonCode: 0 },
    bytes: b(0xe0, 0),
  },
  {
    name: "DISCONNECT 0x04 with will message, no property length",
    packet: { type: 14, reasonCode: 4 },
    bytes: b(0xe0, 1, 0x04),
  },
  {
    name: "DISCONNECT 0x9c Use another server, with every DISCONNECT property",
    packet: { type: 14, reasonCode: 0x9c, properties: { sessionExpiryInterval: 0, serverReference: "b:1883", reasonString: "moved", userProperties: [["d", "1"], ["d", "1"]] } },
    bytes: pkt(0xe0,
      0x9c, //                reason code
      props(
        0x11, 0, 0, 0, 0, //              sessionExpiryInterval 0
        0x1c, str("b:1883"), //           serverReference
        0x1f, str("moved"), //            reasonString
        0x26, str("d"), str("1"), //      user property d=1,
        0x26, str("d"), str("1"), //      and the very same pair again (kept)
      ),
    ),
  },
  // ---- AUTH (15) ----
  {
    name: "AUTH short form: remaining length 0 is Success",
    packet: { type: 15, reasonCode: 0 },
    bytes: b(0xf0, 0),
  },
  {
    name: "AUTH 0x18 Continue authentication, method and data",
    packet: { type: 15, reasonCode: 0x18, properties: { authenticationMethod: "SCRAM-SHA-1", authenticationData: u8([0xde, 0xad, 0xbe, 0xef]) } },
    bytes: pkt(0xf0, 0x18, props(0x15, str("SCRAM-SHA-1"), 0x16, bin([0xde, 0xad, 0xbe, 0xef]))),
  },
  {
    name: "AUTH 0x19 Re-authenticate, reason string and user property",
    packet: { type: 15, reasonCode: 0x19, properties: { authenticationMethod: "m", reasonString: "again", userProperties: [["a", "u"]] } },
    bytes: pkt(0xf0, 0x19, props(0x15, str("m"), 0x1f, str("again"), 0x26, str("a"), str("u"))),
  },
];

module.exports = { fixtures, b, s, str, bin, vbi, pkt, props, u8 };
