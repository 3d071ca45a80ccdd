"use strict";
// Random valid MQTT 5 packets in our representation, with random properties of every kind a
// packet may carry, for the oracle and fuzz tests. Seeded (the 3.1.1 tests' PRNG).
const { prng, randomBytes } = require("../random.js");

const CHARS = ["a", "b", "z", "0", "-", "_", " ", "é", "€", "中", "😀", "\u0001", "/"];

function text(r, maxLen) {
  let out = "";
  for (let n = r.int(maxLen + 1); n > 0; n--) out += r.pick(CHARS);
  return out;
}
function topicName(r) {
  const t = text(r, 10).replace(/\/$/, "");
  return t.length ? t : "t";
}
function topicFilter(r) {
  const parts = [];
  for (let n = 1 + r.int(3); n > 0; n--) parts.push(r.int(4) === 0 ? "+" : text(r, 5).replace(/\//g, ""));
  if (r.int(3) === 0) parts.push("#");
  const f = parts.join("/");
  return f.length ? f : "#";
}
const id = (r) => 1 + r.int(65535);
const qos = (r) => r.int(3);
const u32 = (r) => r.pick([0, 1, 255, 65536, 0xffffffff, r.int(0x100000000)]);
const u16 = (r, min) => r.pick([min, 255, 0xffff, min + r.int(0x10000 - min)]);
const vbi = (r) => r.pick([1, 127, 128, 16383, 16384, 2097151, 2097152, 268435455, 1 + r.int(268435455)]);

function userProperties(r) {
  const out = [];
  // Values are never empty here: mqtt-packet's parser loses an empty value when the name comes
  // again (it tests the value for truth); the fixtures have an empty one.
  for (let n = 1 + r.int(4); n > 0; n--) out.push([r.int(3) ? r.pick(["a", "b", "ü"]) : text(r, 5), text(r, 6) || "v"]);
  return out;
}

// The generators of each property's values.
const GEN = {
  payloadFormatIndicator: (r) => r.bool(),
  messageExpiryInterval: u32,
  contentType: (r) => text(r, 12),
  responseTopic: topicName,
  correlationData: (r) => randomBytes(r, 16),
  subscriptionIdentifier: vbi,
  sessionExpiryInterval: u32,
  assignedClientIdentifier: (r) => text(r, 10),
  serverKeepAlive: (r) => u16(r, 0),
  authenticationMethod: (r) => text(r, 8),
  authenticationData: (r) => randomBytes(r, 16),
  requestProblemInformation: (r) => r.bool(),
  willDelayInterval: u32,
  requestResponseInformation: (r) => r.bool(),
  responseInformation: (r) => text(r, 10),
  serverReference: (r) => text(r, 10),
  reasonString: (r) => text(r, 12),
  receiveMaximum: (r) => u16(r, 1),
  topicAliasMaximum: (r) => u16(r, 0),
  topicAlias: (r) => u16(r, 1),
  maximumQoS: (r) => r.int(2),
  retainAvailable: (r) => r.bool(),
  userProperties,
  maximumPacketSize: (r) => r.pick([1, 1024, 268435460, 1 + r.int(0xffffffff)]),
  wildcardSubscriptionAvailable: (r) => r.bool(),
  subscriptionIdentifiersAvailable: (r) => r.bool(),
  sharedSubscriptionAvailable: (r) => r.bool(),
};

// What each packet type (0: the will) may carry (2.2.2.2).
const ALLOWED = {
  0: ["payloadFormatIndicator", "messageExpiryInterval", "contentType", "responseTopic", "correlationData", "willDelayInterval", "userProperties"],
  1: ["sessionExpiryInterval", "authenticationMethod", "authenticationData", "requestProblemInformation", "requestResponseInformation", "receiveMaximum", "topicAliasMaximum", "userProperties", "maximumPacketSize"],
  2: ["sessionExpiryInterval", "assignedClientIdentifier", "serverKeepAlive", "authenticationMethod", "authenticationData", "responseInformation", "serverReference", "reasonString", "receiveMaximum", "topicAliasMaximum", "maximumQoS", "retainAvailable", "userProperties", "maximumPacketSize", "wildcardSubscriptionAvailable", "subscriptionIdentifiersAvailable", "sharedSubscriptionAvailable"],
  3: ["payloadFormatIndicator", "messageExpiryInterval", "contentType", "responseTopic", "correlationData", "subscriptionIdentifier", "topicAlias", "userProperties"],
  4: ["reasonString", "userProperties"], 5: ["reasonString", "userProperties"], 6: ["reasonString", "userProperties"], 7: ["reasonString", "userProperties"],
  8: ["subscriptionIdentifier", "userProperties"],
  9: ["reasonString", "userProperties"],
  10: ["userProperties"],
  11: ["reasonString", "userProperties"],
  12: [], 13: [],
  14: ["sessionExpiryInterval", "serverReference", "reasonString", "userProperties"],
  15: ["authenticationMethod", "authenticationData", "reasonString", "userProperties"],
};

const REASON_CODES = {
  2: [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9f],
  4: [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99],
  5: [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99],
  6: [0x00, 0x92],
  7: [0x00, 0x92],
  9: [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2],
  11: [0x00, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91],
  14: [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2],
  15: [0x00, 0x18, 0x19],
};

/** Random properties for a packet of `type` (0: will), or undefined (none) a third of the time;
 *  with `all`, every property the packet may carry. */
function randomProperties(r, type, all) {
  if (!all && r.int(3) === 0) return undefined;
  const props = {};
  for (const name of ALLOWED[type]) {
    if (!all && r.int(3)) continue;
    let v = GEN[name](r);
    if (name === "subscriptionIdentifier" && type === 3) {
      v = [v];
      for (let n = r.int(3); n > 0; n--) v.push(vbi(r));
    }
    props[name] = v;
  }
  // Authentication Data needs an Authentication Method (3.1.2.11.10).
  if (props.authenticationData && props.authenticationMethod === undefined) props.authenticationMethod = "m";
  return Object.keys(props).length ? props : undefined;
}

function put(p, key, value) {
  if (value !== undefined) p[key] = value;
  return p;
}

/** A random valid packet of type `type` (1..15); `all`: with every property it may carry. */
function randomPacket5(r, type, all) {
  const props = randomProperties(r, type, all);
  const rc = () => (r.int(2) ? 0 : r.pick(REASON_CODES[type]));
  switch (type) {
    case 1: {
      const p = { type: 1, protocolLevel: 5, cleanStart: r.bool(), keepAlive: r.int(65536) };
      put(p, "properties", props);
      p.clientId = text(r, 10);
      if (!p.cleanStart && p.clientId === "") p.clientId = "c"; // mqtt-packet refuses it otherwise
      if (all || r.bool()) p.will = put({ topic: topicName(r), message: randomBytes(r, 20), qos: qos(r), retain: r.bool() }, "properties", randomProperties(r, 0, all));
      if (r.bool()) p.username = text(r, 8);
      if (r.bool()) p.password = randomBytes(r, 8);
      return p;
    }
    case 2: {
      const reasonCode = rc();
      return put({ type: 2, sessionPresent: reasonCode < 0x80 && r.bool(), reasonCode }, "properties", props);
    }
    case 3: {
      const q = qos(r);
      const p = { type: 3, dup: q > 0 && r.bool(), qos: q, retain: r.bool(), topicName: props && props.topicAlias && r.bool() ? "" : topicName(r) };
      if (q) p.packetId = id(r);
      put(p, "properties", props);
      p.payload = randomBytes(r, r.int(10) === 0 ? 300 : 30);
      return p;
    }
    case 4: case 5: case 6: case 7:
      return put({ type, packetId: id(r), reasonCode: rc() }, "properties", props);
    case 8: {
      const subscriptions = [];
      for (let n = 1 + r.int(3); n > 0; n--) {
        const shared = r.int(4) === 0;
        subscriptions.push({ topicFilter: (shared ? "$share/g/" : "") + topicFilter(r), qos: qos(r), noLocal: !shared && r.bool(), retainAsPublished: r.bool(), retainHandling: r.int(3) });
      }
      return Object.assign(put({ type: 8, packetId: id(r) }, "properties", props), { subscriptions });
    }
    case 9: case 11: {
      const reasonCodes = [];
      for (let n = 1 + r.int(5); n > 0; n--) reasonCodes.push(r.pick(REASON_CODES[type]));
      return Object.assign(put({ type, packetId: id(r) }, "properties", props), { reasonCodes });
    }
    case 10: {
      const topicFilters = [];
      for (let n = 1 + r.int(3); n > 0; n--) topicFilters.push(topicFilter(r));
      return Object.assign(put({ type: 10, packetId: id(r) }, "properties", props), { topicFilters });
    }
    case 12: case 13:
      return { type };
    default:
      return put({ type, reasonCode: rc() }, "properties", props);
  }
}

module.exports = { prng, randomPacket5, randomBytes, ALLOWED, REASON_CODES };
