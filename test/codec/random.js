"use strict";
// A small seeded PRNG (mulberry32) and generators of random valid packets, shared by the
// random-input and oracle tests. Fixed seeds keep every run the same.

function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n); // 0..n-1
  const pick = (arr) => arr[int(arr.length)];
  const bool = () => next() < 0.5;
  return { next, int, pick, bool };
}

// Characters for strings: ASCII, 2-, 3- and 4-byte UTF-8 (the last a surrogate pair).
const CHARS = ["a", "b", "z", "0", "9", "-", "_", " ", "~", "é", "ß", "€", "中", "\ufeff", "😀", "\u0001", "\u007f"];

function randomText(r, maxLen) {
  let s = "";
  const n = r.int(maxLen + 1);
  for (let i = 0; i < n; i++) s += r.pick(CHARS);
  return s;
}

function randomTopicName(r) {
  const levels = 1 + r.int(4);
  const parts = [];
  for (let i = 0; i < levels; i++) parts.push(randomText(r, 6));
  const t = parts.join("/");
  return t.length ? t : "t";
}

function randomTopicFilter(r) {
  const levels = 1 + r.int(4);
  const parts = [];
  for (let i = 0; i < levels; i++) parts.push(r.int(4) === 0 ? "+" : randomText(r, 5));
  if (r.int(3) === 0) parts.push("#");
  const f = parts.join("/");
  return f.length ? f : "#";
}

function randomBytes(r, maxLen) {
  const n = r.int(maxLen + 1);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = r.int(256);
  return out;
}

const id = (r) => 1 + r.int(65535);
const qos = (r) => r.int(3);

/** A random valid packet of type `type` (1..14), in our representation. */
function randomPacket(r, type) {
  switch (type) {
    case 1: {
      const p = { type: 1, protocolLevel: 4, cleanSession: r.bool(), keepAlive: r.int(65536), clientId: randomText(r, 12) };
      // An empty client id needs a clean session [MQTT-3.1.3-7]; mqtt-packet refuses it otherwise.
      if (!p.cleanSession && p.clientId === "") p.clientId = "c";
      if (r.bool()) p.will = { topic: randomTopicName(r), message: randomBytes(r, 20), qos: qos(r), retain: r.bool() };
      if (r.bool()) {
        p.username = randomText(r, 10);
        if (r.bool()) p.password = randomBytes(r, 10);
      }
      return p;
    }
    case 2: {
      const returnCode = r.int(3) === 0 ? r.int(6) : 0;
      return { type: 2, sessionPresent: returnCode === 0 && r.bool(), returnCode };
    }
    case 3: {
      const q = qos(r);
      const p = { type: 3, dup: q > 0 && r.bool(), qos: q, retain: r.bool(), topicName: randomTopicName(r) };
      if (q > 0) p.packetId = id(r);
      p.payload = randomBytes(r, r.int(10) === 0 ? 300 : 30);
      return p;
    }
    case 4: case 5: case 6: case 7: case 11:
      return { type, packetId: id(r) };
    case 8: {
      const subscriptions = [];
      for (let n = 1 + r.int(4); n > 0; n--) subscriptions.push({ topicFilter: randomTopicFilter(r), qos: qos(r) });
      return { type: 8, packetId: id(r), subscriptions };
    }
    case 9: {
      const returnCodes = [];
      for (let n = 1 + r.int(5); n > 0; n--) returnCodes.push(r.pick([0, 1, 2, 0x80]));
      return { type: 9, packetId: id(r), returnCodes };
    }
    case 10: {
      const topicFilters = [];
      for (let n = 1 + r.int(4); n > 0; n--) topicFilters.push(randomTopicFilter(r));
      return { type: 10, packetId: id(r), topicFilters };
    }
    default:
      return { type };
  }
}

module.exports = { prng, randomPacket, randomBytes };
