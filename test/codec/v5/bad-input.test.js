"use strict";
// Malformed MQTT 5 input (decode5 and the parser): each a PROTOCOL error; bad arguments to
// encode5: each BAD_ARGUMENT. Every case is checked to fail for its own reason by a control:
// the same packet with the fault taken out decodes (or encodes).
const test = require("node:test");
const assert = require("node:assert/strict");
const { b, s, str, bin, pkt, props, u8 } = require("./fixtures.js");
const { encode5 } = require("../../../build/codec/broker/encode5.js");
const { decode5, allDecoders5 } = require("../../../build/codec/broker/decode5.js");
const { PacketParser } = require("../../../build/codec/parser.js");

// Packets around a property block, so that each case varies the properties alone.
const puback = (...p) => pkt(0x40, 0, 1, 0x10, props(...p)); // PUBACK 0x10
const publish = (...p) => pkt(0x32, str("t"), 0, 1, props(...p), 0x70); // PUBLISH QoS 1
const connack = (...p) => pkt(0x20, 0, 0, props(...p));
const subscribe = (...p) => pkt(0x82, 0, 1, props(...p), str("a"), 1);
const connect = (...p) => pkt(0x10, 0, 4, s("MQTT"), 5, 2, 0, 60, props(...p), str("c"));
const willConnect = (...p) => pkt(0x10, 0, 4, s("MQTT"), 5, 0b110, 0, 60, 0, str("c"), props(...p), str("w"), bin([1]));

// [name, bytes, control] -- control: the same packet without the fault, which must decode.
const bad = [
  // invalid property identifiers (2.2.2.2)
  ["property identifier 0x00", puback(0x00, 0), puback()],
  ["property identifier 0x04 (unassigned)", puback(0x04, 0), puback()],
  ["property identifier 0x2B (past the last)", puback(0x2b, 0), puback()],
  ["property identifier 0x7F", puback(0x7f, 0), puback()],
  ["property identifier 128 as a two-byte variable byte integer", puback(0x80, 0x01, 0), puback()],
  // a property the packet may not carry
  ["topicAlias in PUBACK", puback(0x23, 0, 1), puback(0x1f, str("x"))],
  ["sessionExpiryInterval in PUBLISH", publish(0x11, 0, 0, 0, 1), publish(0x02, 0, 0, 0, 1)],
  ["willDelayInterval in CONNECT's properties", connect(0x18, 0, 0, 0, 1), connect(0x11, 0, 0, 0, 1)],
  ["subscriptionIdentifier in will properties", willConnect(0x0b, 1), willConnect(0x18, 0, 0, 0, 1)],
  ["reasonString in UNSUBSCRIBE", pkt(0xa2, 0, 1, props(0x1f, str("x")), str("a")), pkt(0xa2, 0, 1, props(0x26, str("x"), str("y")), str("a"))],
  ["topicAlias in CONNACK", connack(0x23, 0, 1), connack(0x22, 0, 1)],
  ["authenticationMethod in DISCONNECT", pkt(0xe0, 0, props(0x15, str("m"))), pkt(0xe0, 0, props(0x1f, str("m")))],
  // a property given twice where it may not repeat
  ["topicAlias twice in PUBLISH", publish(0x23, 0, 1, 0x23, 0, 2), publish(0x23, 0, 1)],
  ["reasonString twice in PUBACK", puback(0x1f, str("a"), 0x1f, str("b")), puback(0x1f, str("a"))],
  ["subscriptionIdentifier twice in SUBSCRIBE", subscribe(0x0b, 1, 0x0b, 2), subscribe(0x0b, 1)],
  ["sessionExpiryInterval twice in CONNECT", connect(0x11, 0, 0, 0, 1, 0x11, 0, 0, 0, 1), connect(0x11, 0, 0, 0, 1)],
  ["maximumQoS twice in CONNACK", connack(0x24, 0, 0x24, 0), connack(0x24, 0)],
  ["contentType twice in will properties", willConnect(0x03, str("a"), 0x03, str("a")), willConnect(0x03, str("a"))],
  ["correlationData twice in PUBLISH", publish(0x09, bin([1]), 0x09, bin([1])), publish(0x09, bin([1]))],
  // values out of range
  ["topicAlias 0 [MQTT-3.3.2-8]", publish(0x23, 0, 0), publish(0x23, 0, 1)],
  ["receiveMaximum 0", connack(0x21, 0, 0), connack(0x21, 0, 1)],
  ["maximumPacketSize 0", connect(0x27, 0, 0, 0, 0), connect(0x27, 0, 0, 0, 1)],
  ["subscriptionIdentifier 0 in SUBSCRIBE", subscribe(0x0b, 0), subscribe(0x0b, 1)],
  ["subscriptionIdentifier 0 in PUBLISH", publish(0x0b, 0), publish(0x0b, 1)],
  ["maximumQoS 2", connack(0x24, 2), connack(0x24, 1)],
  ["payloadFormatIndicator 2", publish(0x01, 2), publish(0x01, 1)],
  ["requestProblemInformation 2", connect(0x17, 2), connect(0x17, 1)],
  ["requestResponseInformation 255", connect(0x19, 255), connect(0x19, 0)],
  ["retainAvailable 2", connack(0x25, 2), connack(0x25, 1)],
  ["wildcardSubscriptionAvailable 2", connack(0x28, 2), connack(0x28, 0)],
  ["subscriptionIdentifiersAvailable 2", connack(0x29, 2), connack(0x29, 0)],
  ["sharedSubscriptionAvailable 2", connack(0x2a, 2), connack(0x2a, 0)],
  ["responseTopic with a wildcard [MQTT-3.3.2-14]", publish(0x08, str("a/+")), publish(0x08, str("a/b"))],
  ["authenticationData without authenticationMethod", connect(0x16, bin([1])), connect(0x15, str("m"), 0x16, bin([1]))],
  // string properties that are not valid UTF-8 [MQTT-1.5.4-1,2]
  ["contentType with overlong C0 80", publish(0x03, 0, 2, 0xc0, 0x80), publish(0x03, 0, 2, 0xc3, 0xa9)],
  ["reasonString with an FF byte", puback(0x1f, 0, 1, 0xff), puback(0x1f, 0, 1, 0x61)],
  ["reasonString with U+0000", puback(0x1f, 0, 1, 0x00), puback(0x1f, 0, 1, 0x01)],
  ["user property name with a surrogate half", puback(0x26, 0, 3, 0xed, 0xa0, 0x80, str("v")), puback(0x26, 0, 3, 0xe2, 0x82, 0xac, str("v"))],
  ["user property value with a truncated sequence", puback(0x26, str("n"), 0, 1, 0xe2), puback(0x26, str("n"), 0, 1, 0x62)],
  ["assignedClientIdentifier with a lone continuation byte", connack(0x12, 0, 1, 0x80), connack(0x12, 0, 1, 0x41)],
  ["will contentType with F5", willConnect(0x03, 0, 1, 0xf5), willConnect(0x03, 0, 1, 0x35)],
  // property lengths
  ["property length past the packet", pkt(0x40, 0, 1, 0x10, 5, 0x1f, 0, 1), pkt(0x40, 0, 1, 0x10, 4, 0x1f, 0, 1, 0x61)],
  ["a value running past the property length", pkt(0x32, str("t"), 0, 1, 3, 0x02, 0, 0, 0, 1, 0x70), pkt(0x32, str("t"), 0, 1, 5, 0x02, 0, 0, 0, 1, 0x70)],
  ["a string running past the property length", pkt(0x40, 0, 1, 0x10, 3, 0x1f, 0, 2, 0x61, 0x62), pkt(0x40, 0, 1, 0x10, 5, 0x1f, 0, 2, 0x61, 0x62)],
  ["a value running past the packet", pkt(0x40, 0, 1, 0x10, 5, 0x02, 0, 0), pkt(0x40, 0, 1, 0x10, 0)],
  ["property length as five variable-byte-integer bytes", pkt(0xe0, 0, 0x80, 0x80, 0x80, 0x80, 0x00), pkt(0xe0, 0, 0)],
  ["property length not in the fewest bytes (80 00)", pkt(0xe0, 0, 0x80, 0x00), pkt(0xe0, 0, 0x00)],
  ["subscriptionIdentifier not in the fewest bytes (81 00)", subscribe(0x0b, 0x81, 0x00), subscribe(0x0b, 0x81, 0x01)],
  // reason codes not defined for the packet
  ["PUBACK 0x92 (PUBREL's code)", b(0x40, 3, 0, 1, 0x92), b(0x40, 3, 0, 1, 0x91)],
  ["PUBREC 0x04", b(0x50, 3, 0, 1, 0x04), b(0x50, 3, 0, 1, 0x10)],
  ["PUBREL 0x10", b(0x62, 3, 0, 1, 0x10), b(0x62, 3, 0, 1, 0x92)],
  ["PUBCOMP 0x80", b(0x70, 3, 0, 1, 0x80), b(0x70, 3, 0, 1, 0x00)],
  ["CONNACK 0x04", b(0x20, 3, 0, 0x04, 0), b(0x20, 3, 0, 0x84, 0)],
  ["SUBACK 0x11", b(0x90, 4, 0, 1, 0, 0x11), b(0x90, 4, 0, 1, 0, 0x97)],
  ["UNSUBACK 0x01", b(0xb0, 4, 0, 1, 0, 0x01), b(0xb0, 4, 0, 1, 0, 0x11)],
  ["DISCONNECT 0x05", b(0xe0, 1, 0x05), b(0xe0, 1, 0x04)],
  ["AUTH 0x01", b(0xf0, 1, 0x01), b(0xf0, 1, 0x18)],
  // fields other than properties
  ["CONNACK session present with a refusal [MQTT-3.2.2-6]", b(0x20, 3, 1, 0x87, 0), b(0x20, 3, 0, 0x87, 0)],
  ["CONNACK reserved acknowledge flag [MQTT-3.2.2-1]", b(0x20, 3, 2, 0, 0), b(0x20, 3, 0, 0, 0)],
  ["CONNACK without property length", b(0x20, 2, 0, 0), b(0x20, 3, 0, 0, 0)],
  ["SUBSCRIBE options bit 6 [MQTT-3.8.3-5]", pkt(0x82, 0, 1, 0, str("a"), 0x41), pkt(0x82, 0, 1, 0, str("a"), 0x01)],
  ["SUBSCRIBE options bit 7", pkt(0x82, 0, 1, 0, str("a"), 0x80), pkt(0x82, 0, 1, 0, str("a"), 0x00)],
  ["SUBSCRIBE retain handling 3", pkt(0x82, 0, 1, 0, str("a"), 0x30), pkt(0x82, 0, 1, 0, str("a"), 0x20)],
  ["SUBSCRIBE QoS 3", pkt(0x82, 0, 1, 0, str("a"), 0x03), pkt(0x82, 0, 1, 0, str("a"), 0x02)],
  ["SUBSCRIBE no local on a shared subscription [MQTT-3.8.3-4]", pkt(0x82, 0, 1, 0, str("$share/g/a"), 0x04), pkt(0x82, 0, 1, 0, str("$share/g/a"), 0x08)],
  ["SUBSCRIBE shared filter with an empty ShareName [MQTT-4.8.2-1]", pkt(0x82, 0, 1, 0, str("$share//a"), 0), pkt(0x82, 0, 1, 0, str("$share/g/a"), 0)],
  ["SUBSCRIBE shared filter with '+' as the ShareName [MQTT-4.8.2-2]", pkt(0x82, 0, 1, 0, str("$share/+/a"), 0), pkt(0x82, 0, 1, 0, str("$share/g/+"), 0)],
  ["SUBSCRIBE shared filter without a filter after the ShareName", pkt(0x82, 0, 1, 0, str("$share/g/"), 0), pkt(0x82, 0, 1, 0, str("$share/g/#"), 0)],
  ["UNSUBSCRIBE shared filter without '/' after the ShareName", pkt(0xa2, 0, 1, 0, str("$share/g")), pkt(0xa2, 0, 1, 0, str("$share/g/x"))],
  ["AUTH authenticationData without authenticationMethod", pkt(0xf0, 0x18, props(0x16, bin([1]))), pkt(0xf0, 0x18, props(0x15, str("m"), 0x16, bin([1])))],
  ["SUBSCRIBE without subscriptions", pkt(0x82, 0, 1, 0), pkt(0x82, 0, 1, 0, str("a"), 0)],
  ["SUBACK without reason codes", b(0x90, 3, 0, 1, 0), b(0x90, 4, 0, 1, 0, 0)],
  ["UNSUBSCRIBE without filters", pkt(0xa2, 0, 1, 0), pkt(0xa2, 0, 1, 0, str("a"))],
  ["PUBLISH empty topic name without a topic alias", pkt(0x30, 0, 0, 0), pkt(0x30, 0, 0, props(0x23, 0, 1))],
  ["PUBLISH QoS 3, empty topic name", pkt(0x36, 0, 0, 0, 1, props(0x23, 0, 1)), pkt(0x34, 0, 0, 0, 1, props(0x23, 0, 1))],
  ["PUBLISH DUP with QoS 0, empty topic name", pkt(0x38, 0, 0, props(0x23, 0, 1)), pkt(0x30, 0, 0, props(0x23, 0, 1))],
  ["PUBLISH packet id 0, empty topic name", pkt(0x32, 0, 0, 0, 0, props(0x23, 0, 1)), pkt(0x32, 0, 0, 0, 1, props(0x23, 0, 1))],
  ["PUBLISH empty topic name, no room for the packet id", b(0x32, 3, 0, 0, 0), pkt(0x32, 0, 0, 0, 1, props(0x23, 0, 1))],
  ["PUBLISH empty topic name without property length", b(0x30, 2, 0, 0), pkt(0x30, 0, 0, props(0x23, 0, 1))],
  ["PUBLISH empty topic name and a topic alias of 0", pkt(0x30, 0, 0, props(0x23, 0, 0)), pkt(0x30, 0, 0, props(0x23, 0, 1))],
  ["PUBLISH QoS 3", pkt(0x36, str("t"), 0, 1, 0), pkt(0x34, str("t"), 0, 1, 0)],
  ["PUBLISH DUP with QoS 0", pkt(0x38, str("t"), 0), pkt(0x30, str("t"), 0)],
  ["PUBLISH without property length", pkt(0x30, str("t")), pkt(0x30, str("t"), 0)],
  ["PUBACK packet id 0", b(0x40, 2, 0, 0), b(0x40, 2, 0, 1)],
  ["PUBREL flags 0000", b(0x60, 2, 0, 1), b(0x62, 2, 0, 1)],
  ["CONNECT protocol level 4 to the v5 decoder", pkt(0x10, 0, 4, s("MQTT"), 4, 2, 0, 60, 0, str("c")), connect()],
  ["CONNECT reserved flag [MQTT-3.1.2-3]", pkt(0x10, 0, 4, s("MQTT"), 5, 3, 0, 60, 0, str("c")), connect()],
  ["CONNECT will QoS without will flag", pkt(0x10, 0, 4, s("MQTT"), 5, 0b01010, 0, 60, 0, str("c")), connect()],
  ["CONNECT trailing byte", b(connect(), 0).map((x, i) => (i === 1 ? x + 1 : x)), connect()],
  ["PINGRESP with a body", b(0xd0, 1, 0), b(0xd0, 0)],
  ["DISCONNECT flags 0001", b(0xe1, 0), b(0xe0, 0)],
  ["AUTH flags 0010", b(0xf2, 0), b(0xf0, 0)],
];

for (const [name, bytes, control] of bad) {
  test("v5 decode refuses: " + name, () => {
    assert.doesNotThrow(() => decode5(control), "control");
    assert.throws(() => decode5(bytes), { code: "PROTOCOL" });
  });
  test("v5 parser refuses: " + name, () => {
    const out = [];
    const parser = new PacketParser(allDecoders5, 0, (p) => out.push(p));
    parser.push(control);
    assert.equal(out.length, 1, "control");
    assert.throws(() => {
      for (let i = 0; i < bytes.length; i++) parser.push(bytes.subarray(i, i + 1));
    }, { code: "PROTOCOL" });
  });
}

test("v5 decode keeps repeats where the specification allows them", () => {
  // User properties: the same pair twice, in order [MQTT-3.3.2-18].
  assert.deepEqual(decode5(puback(0x26, str("k"), str("v"), 0x26, str("k"), str("v"))).properties, { userProperties: [["k", "v"], ["k", "v"]] });
  // Subscription identifiers in a PUBLISH, one per matching subscription [MQTT-3.3.4-4].
  assert.deepEqual(decode5(publish(0x0b, 2, 0x0b, 1)).properties, { subscriptionIdentifier: [2, 1] });
});

// [name, packet, control] for encode5.
const ack = (properties, extra) => Object.assign({ type: 4, packetId: 1, reasonCode: 0, properties }, extra);
const pub = (properties, extra) => Object.assign({ type: 3, dup: false, qos: 0, retain: false, topicName: "t", properties, payload: u8([]) }, extra);
const conn = (properties, extra) => Object.assign({ type: 1, cleanStart: true, keepAlive: 0, clientId: "c", properties }, extra);
const badArgs = [
  ["unknown property name", ack({ reasonstring: "x" }), ack({ reasonString: "x" })],
  ["topicAlias in PUBACK", ack({ topicAlias: 1 }), ack({ reasonString: "x" })],
  ["will property in CONNECT's properties", conn({ willDelayInterval: 1 }), conn({ sessionExpiryInterval: 1 })],
  ["reasonString given twice (a list)", ack({ reasonString: ["a", "b"] }), ack({ reasonString: "a" })],
  ["subscriptionIdentifier list in SUBSCRIBE", { type: 8, packetId: 1, properties: { subscriptionIdentifier: [1, 2] }, subscriptions: [{ topicFilter: "a", qos: 0 }] }, { type: 8, packetId: 1, properties: { subscriptionIdentifier: 1 }, subscriptions: [{ topicFilter: "a", qos: 0 }] }],
  ["subscriptionIdentifier number in PUBLISH (a list there)", pub({ subscriptionIdentifier: 1 }), pub({ subscriptionIdentifier: [1] })],
  ["empty subscriptionIdentifier list in PUBLISH", pub({ subscriptionIdentifier: [] }), pub({ subscriptionIdentifier: [1] })],
  ["subscriptionIdentifier 268435456", pub({ subscriptionIdentifier: [268435456] }), pub({ subscriptionIdentifier: [268435455] })],
  ["topicAlias 0", pub({ topicAlias: 0 }), pub({ topicAlias: 1 })],
  ["topicAlias 65536", pub({ topicAlias: 65536 }), pub({ topicAlias: 65535 })],
  ["receiveMaximum 0", conn({ receiveMaximum: 0 }), conn({ receiveMaximum: 1 })],
  ["maximumPacketSize 0", conn({ maximumPacketSize: 0 }), conn({ maximumPacketSize: 1 })],
  ["messageExpiryInterval 2^32", pub({ messageExpiryInterval: 4294967296 }), pub({ messageExpiryInterval: 4294967295 })],
  ["messageExpiryInterval 1.5", pub({ messageExpiryInterval: 1.5 }), pub({ messageExpiryInterval: 1 })],
  ["messageExpiryInterval as a string", pub({ messageExpiryInterval: "1" }), pub({ messageExpiryInterval: 1 })],
  ["maximumQoS 2", { type: 2, sessionPresent: false, reasonCode: 0, properties: { maximumQoS: 2 } }, { type: 2, sessionPresent: false, reasonCode: 0, properties: { maximumQoS: 1 } }],
  ["payloadFormatIndicator 1 (a boolean)", pub({ payloadFormatIndicator: 1 }), pub({ payloadFormatIndicator: true })],
  ["user properties as a string", ack({ userProperties: "a=b" }), ack({ userProperties: { a: "b" } })],
  ["user properties null", ack({ userProperties: null }), ack({ userProperties: [] })],
  ["user property value a number, in MQTT.js's form", ack({ userProperties: { a: 1 } }), ack({ userProperties: { a: "1" } })],
  ["user property value a list holding a number, in MQTT.js's form", ack({ userProperties: { a: ["1", 2] } }), ack({ userProperties: { a: ["1", "2"] } })],
  ["user property of three strings", ack({ userProperties: [["a", "b", "c"]] }), ack({ userProperties: [["a", "b"]] })],
  ["user property value a number", ack({ userProperties: [["a", 1]] }), ack({ userProperties: [["a", "1"]] })],
  ["reasonString with U+0000", ack({ reasonString: "a\u0000" }), ack({ reasonString: "a\u0001" })],
  ["reasonString with a lone surrogate", ack({ reasonString: "a\ud800" }), ack({ reasonString: "a\ud800\udc00" })],
  ["reasonString over 65535 bytes", ack({ reasonString: "é".repeat(32768) }), ack({ reasonString: "é".repeat(32767) })],
  ["correlationData as a string", pub({ correlationData: "x" }), pub({ correlationData: u8([0x78]) })],
  ["responseTopic with a wildcard", pub({ responseTopic: "a/#" }), pub({ responseTopic: "a/b" })],
  ["authenticationData without authenticationMethod", conn({ authenticationData: u8([1]) }), conn({ authenticationData: u8([1]), authenticationMethod: "m" })],
  ["CONNACK authenticationData without authenticationMethod", { type: 2, sessionPresent: false, reasonCode: 0, properties: { authenticationData: u8([1]) } }, { type: 2, sessionPresent: false, reasonCode: 0, properties: { authenticationData: u8([1]), authenticationMethod: "m" } }],
  ["SUBSCRIBE shared filter with '#' as the ShareName", { type: 8, packetId: 1, subscriptions: [{ topicFilter: "$share/#", qos: 0 }] }, { type: 8, packetId: 1, subscriptions: [{ topicFilter: "$share/g/a", qos: 0 }] }],
  ["UNSUBSCRIBE shared filter with an empty ShareName", { type: 10, packetId: 1, topicFilters: ["$share//a"] }, { type: 10, packetId: 1, topicFilters: ["$share/s/a"] }],
  ["properties not an object", ack("reasonString"), ack({})],
  ["PUBACK reason code 0x92", ack(undefined, { reasonCode: 0x92 }), ack(undefined, { reasonCode: 0x91 })],
  ["DISCONNECT reason code 0x05", { type: 14, reasonCode: 5 }, { type: 14, reasonCode: 4 }],
  ["AUTH reason code 256", { type: 15, reasonCode: 256 }, { type: 15, reasonCode: 0x19 }],
  ["SUBACK reason code 0x11", { type: 9, packetId: 1, reasonCodes: [0, 0x11] }, { type: 9, packetId: 1, reasonCodes: [0, 0x97] }],
  ["CONNACK session present with a refusal", { type: 2, sessionPresent: true, reasonCode: 0x80 }, { type: 2, sessionPresent: true, reasonCode: 0 }],
  ["SUBSCRIBE retain handling 3", { type: 8, packetId: 1, subscriptions: [{ topicFilter: "a", qos: 0, retainHandling: 3 }] }, { type: 8, packetId: 1, subscriptions: [{ topicFilter: "a", qos: 0, retainHandling: 2 }] }],
  ["SUBSCRIBE no local on a shared subscription", { type: 8, packetId: 1, subscriptions: [{ topicFilter: "$share/g/a", qos: 0, noLocal: true }] }, { type: 8, packetId: 1, subscriptions: [{ topicFilter: "$share/g/a", qos: 0 }] }],
  ["PUBLISH empty topic without a topic alias", pub(undefined, { topicName: "" }), pub({ topicAlias: 3 }, { topicName: "" })],
  ["PUBLISH DUP with QoS 0", pub(undefined, { dup: true }), pub(undefined, { dup: true, qos: 1, packetId: 1 })],
  ["will properties not allowed there", conn(undefined, { will: { topic: "w", message: u8([]), qos: 0, retain: false, properties: { topicAlias: 1 } } }), conn(undefined, { will: { topic: "w", message: u8([]), qos: 0, retain: false, properties: { willDelayInterval: 1 } } })],
];

for (const [name, packet, control] of badArgs) {
  test("v5 encode refuses: " + name, () => {
    assert.doesNotThrow(() => encode5(control), "control");
    assert.throws(() => encode5(packet), { code: "BAD_ARGUMENT" });
  });
}

test("v5 encode takes user properties in MQTT.js's form { name: value | [values] }, the same bytes as pairs", () => {
  const pairs = encode5(ack({ userProperties: [["a", "1"], ["b", "2"], ["b", "3"]] }));
  assert.deepEqual(encode5(ack({ userProperties: { a: "1", b: ["2", "3"] } })), pairs);
  assert.deepEqual(encode5(ack({ userProperties: {} })), encode5(ack({ userProperties: [] })));
});

test("v5 encode: a refusal of user properties names the forms it takes", () => {
  for (const userProperties of ["a=b", [["a"]], { a: 1 }]) {
    assert.throws(() => encode5(ack({ userProperties })), { code: "BAD_ARGUMENT", message: /\[name, value\] pairs or \{ name: value \| \[values\] \}/ });
  }
});

test("v5 encode: a packet over 256 MB is TOO_LARGE", () => {
  // A payload that says it holds 256 MB, without the memory: refused before any allocation.
  const payload = { length: 268435455, set() {} };
  Object.setPrototypeOf(payload, Uint8Array.prototype);
  assert.throws(() => encode5({ type: 3, dup: false, qos: 0, retain: false, topicName: "t", payload }), { code: "TOO_LARGE" });
});
