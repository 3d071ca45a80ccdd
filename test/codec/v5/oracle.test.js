"use strict";
// Seeded random valid MQTT 5 packets of all 15 types, with every property, cross-checked
// against mqtt-packet (protocolVersion 5) both ways: ours encode -> mqtt-packet parses the same
// fields; mqtt-packet generates -> ours decode the same fields; and the same bytes where both
// write the canonical form.
//
// Where mqtt-packet differs (so the conversion or the comparison allows for it):
// - user properties are an object of name -> value or values, so pairs come back grouped by
//   name (a, b, a -> a, a, b); the comparison groups ours the same way.
// - it writes acks with a reason code but no properties with a property length of 0 (4 bytes;
//   we write 3, as the specification allows and Mosquitto does), and DISCONNECT and AUTH always
//   with a reason code and a property length; we write their short forms. Those bytes differ.
// - its parser cannot read the short AUTH (remaining length 0), and its generator refuses a
//   password without a user name (5.0 allows it, 3.1.2.9): those are checked one way only.
// - its parser drops an empty user property value when the same name follows; the random
//   packets have no empty values (the fixtures do).
const test = require("node:test");
const assert = require("node:assert/strict");
const mqttPacket = require("mqtt-packet");
const { prng, randomPacket5 } = require("./random.js");
const { encode5 } = require("../../../build/codec/broker/encode5.js");
const { decode5 } = require("../../../build/codec/broker/decode5.js");
const { CMD, u8, willAndLoginToTheirs, willAndLoginToOurs, publishToTheirs, publishToOurs } = require("../mqtt-packet-fields.js");

// The order our encoder writes properties in (by identifier), so that theirs writes it too.
const ORDER = ["payloadFormatIndicator", "messageExpiryInterval", "contentType", "responseTopic", "correlationData",
  "subscriptionIdentifier", "sessionExpiryInterval", "assignedClientIdentifier", "serverKeepAlive",
  "authenticationMethod", "authenticationData", "requestProblemInformation", "willDelayInterval",
  "requestResponseInformation", "responseInformation", "serverReference", "reasonString", "receiveMaximum",
  "topicAliasMaximum", "topicAlias", "maximumQoS", "retainAvailable", "userProperties", "maximumPacketSize",
  "wildcardSubscriptionAvailable", "subscriptionIdentifiersAvailable", "sharedSubscriptionAvailable"];

function propsToTheirs(props) {
  if (!props) return undefined;
  const o = {};
  for (const name of ORDER) {
    const v = props[name];
    if (v === undefined) continue;
    if (name === "userProperties") {
      const grouped = {};
      for (const [k, x] of v) {
        if (!(k in grouped)) grouped[k] = x;
        else if (Array.isArray(grouped[k])) grouped[k].push(x);
        else grouped[k] = [grouped[k], x];
      }
      o[name] = grouped;
    } else if (v instanceof Uint8Array) o[name] = Buffer.from(v);
    else if (Array.isArray(v)) o[name] = v.length === 1 ? v[0] : v.slice(); // subscription identifiers
    else o[name] = v;
  }
  return o;
}

function propsToOurs(o, type) {
  if (!o) return undefined;
  const p = {};
  for (const name in o) {
    const v = o[name];
    if (name === "userProperties") {
      p[name] = [];
      for (const k of Object.keys(v)) for (const x of [].concat(v[k])) p[name].push([k, x]);
    } else if (Buffer.isBuffer(v)) p[name] = u8(v);
    else if (name === "subscriptionIdentifier" && type === 3) p[name] = [].concat(v);
    else p[name] = v;
  }
  return p;
}

/** Our packet with its user properties grouped by name, as mqtt-packet returns them. */
function grouped(packet) {
  const g = (props) => (props && props.userProperties ? Object.assign({}, props, propsToOurs({ userProperties: propsToTheirs(props).userProperties })) : props);
  const out = Object.assign({}, packet);
  if (out.properties) out.properties = g(out.properties);
  if (out.will && out.will.properties) out.will = Object.assign({}, out.will, { properties: g(out.will.properties) });
  return out;
}

function toTheirs(p) {
  const o = { cmd: CMD[p.type] };
  if (p.properties) o.properties = propsToTheirs(p.properties);
  switch (p.type) {
    case 1:
      Object.assign(o, { protocolId: "MQTT", protocolVersion: 5, clean: p.cleanStart, keepalive: p.keepAlive, clientId: p.clientId });
      willAndLoginToTheirs(p, o);
      if (p.will && p.will.properties) o.will.properties = propsToTheirs(p.will.properties);
      break;
    case 2: Object.assign(o, { sessionPresent: p.sessionPresent, reasonCode: p.reasonCode }); break;
    case 3: publishToTheirs(p, o); break;
    case 8:
      o.messageId = p.packetId;
      o.subscriptions = p.subscriptions.map((s) => ({ topic: s.topicFilter, qos: s.qos, nl: s.noLocal, rap: s.retainAsPublished, rh: s.retainHandling }));
      break;
    case 9: case 11: Object.assign(o, { messageId: p.packetId, granted: p.reasonCodes.slice() }); break;
    case 10: Object.assign(o, { messageId: p.packetId, unsubscriptions: p.topicFilters.slice() }); break;
    case 12: case 13: break;
    case 14: case 15: o.reasonCode = p.reasonCode; break;
    default: Object.assign(o, { messageId: p.packetId, reasonCode: p.reasonCode });
  }
  return o;
}

function toOurs(o) {
  const type = CMD.indexOf(o.cmd);
  const props = propsToOurs(o.properties, type);
  const withProps = (p) => (props ? Object.assign(p, { properties: props }) : p);
  switch (type) {
    case 1: {
      assert.equal(o.protocolId, "MQTT");
      const p = withProps({ type, protocolLevel: o.protocolVersion, cleanStart: o.clean, keepAlive: o.keepalive, clientId: o.clientId });
      willAndLoginToOurs(o, p);
      if (o.will && o.will.properties) p.will.properties = propsToOurs(o.will.properties, 0);
      return p;
    }
    case 2: return withProps({ type, sessionPresent: o.sessionPresent, reasonCode: o.reasonCode });
    case 3: return withProps(publishToOurs(o));
    case 8: return withProps({ type, packetId: o.messageId, subscriptions: o.subscriptions.map((s) => ({ topicFilter: s.topic, qos: s.qos, noLocal: s.nl, retainAsPublished: s.rap, retainHandling: s.rh })) });
    case 9: case 11: return withProps({ type, packetId: o.messageId, reasonCodes: o.granted });
    case 10: return withProps({ type, packetId: o.messageId, topicFilters: o.unsubscriptions });
    case 12: case 13: return { type };
    case 14: case 15: return withProps({ type, reasonCode: o.reasonCode });
    default: return withProps({ type, packetId: o.messageId, reasonCode: o.reasonCode });
  }
}

function theirParse(bytes) {
  const parser = mqttPacket.parser({ protocolVersion: 5 });
  const out = [];
  const errors = [];
  parser.on("packet", (p) => out.push(p));
  parser.on("error", (e) => errors.push(e));
  parser.parse(Buffer.from(bytes));
  assert.deepEqual(errors, []);
  assert.equal(out.length, 1);
  return out[0];
}

function theirGenerate(packet) {
  return u8(mqttPacket.generate(toTheirs(packet), { protocolVersion: 5 }));
}

/** Whether mqtt-packet writes what we write (see the top of this file). */
function sameForm(p) {
  const g = grouped(p);
  const props = p.properties && p.properties.userProperties;
  const willProps = p.will && p.will.properties && p.will.properties.userProperties;
  if (JSON.stringify(g.properties && g.properties.userProperties) !== JSON.stringify(props)) return false;
  if (JSON.stringify(g.will && g.will.properties && g.will.properties.userProperties) !== JSON.stringify(willProps)) return false;
  if (p.type >= 4 && p.type <= 7) return !(p.reasonCode && !p.properties);
  if (p.type >= 14) return !!p.properties;
  return true;
}

const PER_TYPE = 700;

test("v5: ours encode -> mqtt-packet parses the same fields, for every packet type and property", () => {
  const r = prng(0x5eed5);
  const seen = new Set();
  for (let i = 0; i < 15 * PER_TYPE; i++) {
    const packet = randomPacket5(r, 1 + (i % 15), i % 10 === 0);
    if (packet.type === 15 && !packet.reasonCode && !packet.properties) continue; // their parser cannot (see top)
    const ours = encode5(packet);
    assert.deepEqual(toOurs(theirParse(ours)), grouped(packet), "packet " + i + ": " + Buffer.from(ours).toString("hex"));
    seen.add(packet.type);
    for (const k in packet.properties || {}) seen.add(k);
    for (const k in (packet.will && packet.will.properties) || {}) seen.add(k);
  }
  assert.equal(seen.size, 15 + 27, [...seen].join(","));
});

test("v5: mqtt-packet generates -> ours decode the same fields; same bytes where both forms are canonical", () => {
  const r = prng(0x0eac1e);
  let same = 0;
  let differ = 0;
  for (let i = 0; i < 15 * PER_TYPE; i++) {
    const packet = randomPacket5(r, 1 + (i % 15), i % 10 === 0);
    if (packet.password && packet.username === undefined) continue; // their generator refuses it (see top)
    const theirs = theirGenerate(packet);
    const where = () => "packet " + i + ": " + Buffer.from(theirs).toString("hex");
    assert.deepEqual(decode5(theirs), grouped(packet), where());
    const ours = encode5(packet);
    if (sameForm(packet)) {
      assert.deepEqual(ours, theirs, "same bytes: " + where());
      same++;
    } else {
      assert.notDeepEqual(ours, theirs, "expected to differ: " + where());
      differ++;
    }
  }
  assert.ok(same > 15 * PER_TYPE * 0.6, "compared byte for byte: " + same + ", forms that differ: " + differ);
});

test("v5: the fixtures decode the same in mqtt-packet", () => {
  const { fixtures } = require("./fixtures.js");
  for (const f of fixtures) {
    if (f.packet.type === 15 && !f.packet.reasonCode) continue; // their parser cannot (see top)
    assert.deepEqual(toOurs(theirParse(f.bytes)), grouped(f.packet), f.name);
  }
});
