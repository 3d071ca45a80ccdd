// Properties (section 2.2.2): a Variable Byte Integer length, then identifier-value pairs.
// One table says, for each identifier, its name, how its value is coded, the smallest value
// allowed and which packets may carry it; encoding and decoding both read it, so they cannot
// disagree. Encoding refuses with BAD_ARGUMENT, decoding with PROTOCOL (a Malformed Packet or
// a Protocol Error: either way the connection ends, [MQTT-4.13.1-1]).
import { Properties } from "./types";
import { Field } from "../writer";
import { badArgument, protocolError } from "../errors";
import { isValidTopicName } from "../topics";
import { decodeUtf8, encodeUtf8 } from "../bytes";

/** Where a property may appear: bit `type` for a packet type, bit 0 for the will. Constant
 *  enums, which TypeScript writes as numbers: on Espruino each constant held in a variable
 *  costs memory. */
export const enum Where {
  WILL = 1,
  CONNECT = 1 << 1,
  CONNACK = 1 << 2,
  PUBLISH = 1 << 3,
  ACKS = (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7), // PUBACK, PUBREC, PUBREL, PUBCOMP
  SUBSCRIBE = 1 << 8,
  SUBACK = 1 << 9,
  UNSUBACK = 1 << 11, // (UNSUBSCRIBE, 1 << 10, carries User Properties alone)
  DISCONNECT = 1 << 14,
  AUTH = 1 << 15,
  ANY = ~0,
}

/** How a value is coded (section 1.5). A fixed-size integer's bytes are its number (a flag's
 *  and a byte's, 1: `coding || 1`). */
const enum Coding {
  FLAG, // a byte, 0 or 1, as a boolean
  BYTE, // a byte as a number
  TWO, // Two Byte Integer
  VBI, // Variable Byte Integer
  FOUR, // Four Byte Integer
  STRING, // UTF-8 Encoded String
  BINARY, // Binary Data
  PAIR, // UTF-8 String Pair
}

/** The largest value of each integer coding. */
const MAX = [1, 1, 0xffff, 268435455, 0xffffffff];

/** Built into the numbers of the table when the bundle is made (terser inlines it), so that the
 *  module holds no function for it. */
function pack(id: number, coding: Coding, min: number, where: number): number {
  return id | (coding << 8) | (min << 11) | (where << 12);
}

type Table = { [name: string]: number };

/**
 * Each property by name, in identifier order: its identifier, how its value is coded, the
 * smallest value allowed and where it may appear, packed in one number (pack). On Espruino a
 * number costs a JsVar where an array of five costs eight; still, the long names make the
 * table 85 JsVars, which a module loaded from Storage would hold for as long as it is loaded.
 * So the table is made afresh for each packet that has properties (its code stays in flash),
 * and is garbage after: holding it saved about a tenth of the time of a publish with two
 * properties on Espruino for Linux.
 */
function table(): Table {
  return {
    payloadFormatIndicator: /*@__INLINE__*/ pack(0x01, Coding.FLAG, 0, Where.PUBLISH | Where.WILL),
    messageExpiryInterval: /*@__INLINE__*/ pack(0x02, Coding.FOUR, 0, Where.PUBLISH | Where.WILL),
    contentType: /*@__INLINE__*/ pack(0x03, Coding.STRING, 0, Where.PUBLISH | Where.WILL),
    responseTopic: /*@__INLINE__*/ pack(0x08, Coding.STRING, 0, Where.PUBLISH | Where.WILL),
    correlationData: /*@__INLINE__*/ pack(0x09, Coding.BINARY, 0, Where.PUBLISH | Where.WILL),
    subscriptionIdentifier: /*@__INLINE__*/ pack(0x0b, Coding.VBI, 1, Where.PUBLISH | Where.SUBSCRIBE), // 0 is a Protocol Error (3.8.2.1.2)
    sessionExpiryInterval: /*@__INLINE__*/ pack(0x11, Coding.FOUR, 0, Where.CONNECT | Where.CONNACK | Where.DISCONNECT),
    assignedClientIdentifier: /*@__INLINE__*/ pack(0x12, Coding.STRING, 0, Where.CONNACK),
    serverKeepAlive: /*@__INLINE__*/ pack(0x13, Coding.TWO, 0, Where.CONNACK),
    authenticationMethod: /*@__INLINE__*/ pack(0x15, Coding.STRING, 0, Where.CONNECT | Where.CONNACK | Where.AUTH),
    authenticationData: /*@__INLINE__*/ pack(0x16, Coding.BINARY, 0, Where.CONNECT | Where.CONNACK | Where.AUTH),
    requestProblemInformation: /*@__INLINE__*/ pack(0x17, Coding.FLAG, 0, Where.CONNECT),
    willDelayInterval: /*@__INLINE__*/ pack(0x18, Coding.FOUR, 0, Where.WILL),
    requestResponseInformation: /*@__INLINE__*/ pack(0x19, Coding.FLAG, 0, Where.CONNECT),
    responseInformation: /*@__INLINE__*/ pack(0x1a, Coding.STRING, 0, Where.CONNACK),
    serverReference: /*@__INLINE__*/ pack(0x1c, Coding.STRING, 0, Where.CONNACK | Where.DISCONNECT),
    reasonString: /*@__INLINE__*/ pack(0x1f, Coding.STRING, 0, Where.CONNACK | Where.ACKS | Where.SUBACK | Where.UNSUBACK | Where.DISCONNECT | Where.AUTH),
    receiveMaximum: /*@__INLINE__*/ pack(0x21, Coding.TWO, 1, Where.CONNECT | Where.CONNACK), // 0 is a Protocol Error (3.1.2.11.3)
    topicAliasMaximum: /*@__INLINE__*/ pack(0x22, Coding.TWO, 0, Where.CONNECT | Where.CONNACK),
    topicAlias: /*@__INLINE__*/ pack(0x23, Coding.TWO, 1, Where.PUBLISH), // 0 is not permitted [MQTT-3.3.2-8]
    maximumQoS: /*@__INLINE__*/ pack(0x24, Coding.BYTE, 0, Where.CONNACK), // 0 or 1 (3.2.2.3.4)
    retainAvailable: /*@__INLINE__*/ pack(0x25, Coding.FLAG, 0, Where.CONNACK),
    userProperties: /*@__INLINE__*/ pack(0x26, Coding.PAIR, 0, Where.ANY), // everywhere properties are (2.2.2.2)
    maximumPacketSize: /*@__INLINE__*/ pack(0x27, Coding.FOUR, 1, Where.CONNECT | Where.CONNACK), // 0 is a Protocol Error (3.1.2.11.4)
    wildcardSubscriptionAvailable: /*@__INLINE__*/ pack(0x28, Coding.FLAG, 0, Where.CONNACK),
    subscriptionIdentifiersAvailable: /*@__INLINE__*/ pack(0x29, Coding.FLAG, 0, Where.CONNACK),
    sharedSubscriptionAvailable: /*@__INLINE__*/ pack(0x2a, Coding.FLAG, 0, Where.CONNACK),
  };
}

type Entry = [number, string, number, number, number]; // identifier, name, coding, smallest, where

/** The entry of identifier `id` or property `name` in `t`, unpacked. */
function entry(t: Table, idOrName: number | string): Entry | undefined {
  "ram"; // (every property read or written passes here, some walking the table: 16 JsVars in RAM)
  let name: string | undefined;
  if (typeof idOrName == "string") {
    if (typeof t[idOrName] == "number") name = idOrName; // not a name of Object.prototype's
  } else {
    for (const key in t) {
      if ((t[key] & 255) === idOrName) {
        name = key;
        break;
      }
    }
  }
  if (name === undefined) return undefined;
  const x = t[name];
  return [x & 255, name, (x >> 8) & 7, (x >> 11) & 1, x >> 12];
}

/** A Variable Byte Integer as bytes, 7 bits each, lowest first (1.5.5). */
export function vbiBytes(x: number): number[] {
  const out: number[] = [];
  do {
    out[out.length] = x > 127 ? (x & 127) | 128 : x;
    x = Math.floor(x / 128);
  } while (x);
  return out;
}

/** Reads the Variable Byte Integer at `at` of `body`: at most 4 bytes, and in the fewest bytes
 *  [MQTT-1.5.5-1] (a longer form is Malformed, and would make two byte strings one packet), so
 *  that it takes as many bytes as vbiBytes() of its value. */
export function readVbi(body: Uint8Array, at: number): number {
  let value = 0;
  for (let k = 0; k < 4; k++) {
    if (at + k >= body.length) throw protocolError("truncated packet");
    const b = body[at + k];
    if (k && !b) break; // a last byte of 0 after others: not the fewest bytes
    value += (b & 127) * Math.pow(128, k);
    if (!(b & 128)) return value;
  }
  throw protocolError("bad variable byte integer");
}

/**
 * Appends to `fields` the properties of `props` (undefined: none) that a packet of kind
 * `where` (a bit above) may carry: their length, then each. BAD_ARGUMENT for a name the table
 * lacks, a property the packet may not carry, a value of the wrong kind or out of range.
 */
export function propertyFields(props: Properties | undefined, where: number, fields: Field[]): void {
  const lengthAt = fields.length; // the property length goes here once it is known
  fields.push([]);
  let size = 0;
  if (props != null) {
    if (typeof props != "object") throw badArgument("bad properties");
    const t = /*#__NOINLINE__*/ table(); // (one copy of the table in the bundle)
    // The properties given, in the table's order (by identifier): on Espruino a walk of the
    // whole table costs milliseconds from flash.
    const given: Entry[] = [];
    for (const name in props) {
      const known = entry(t, name);
      if (!known) throw badArgument("unknown property " + name);
      if ((props as { [k: string]: unknown })[name] === undefined) continue;
      if (!(known[4] & where)) throw badArgument(name + " not allowed here");
      given.push(known);
    }
    given.sort(byIdentifier);
    for (let g = 0; g < given.length; g++) {
      const e = given[g];
      let values = (props as { [k: string]: unknown })[e[1]];
      // Only User Properties, and Subscription Identifiers in a PUBLISH, may repeat
      // (2.2.2.2, 3.3.2.3.8); a list elsewhere is the property given twice.
      if (e[2] === Coding.PAIR) values = userPairs(values);
      else if (!(e[0] === 0x0b && where === Where.PUBLISH)) values = [values];
      else if (!(values instanceof Array) || !values.length) throw badArgument("bad " + e[1]);
      const list = values as unknown[];
      for (let k = 0; k < list.length; k++) size += valueFields(e, list[k], fields);
    }
  }
  if (authWithoutMethod(props)) throw badArgument(AUTH_WITHOUT_METHOD);
  fields[lengthAt] = vbiBytes(size);
}

/** Authentication Data without an Authentication Method is a Protocol Error (3.1.2.11.10,
 *  3.2.2.3.18, 3.15.2.2.3): refused when sent, and when received. */
const AUTH_WITHOUT_METHOD = "authenticationData without authenticationMethod";

function authWithoutMethod(props: Properties | undefined): boolean {
  return !!props && props.authenticationData !== undefined && props.authenticationMethod === undefined;
}

/** User Properties as [name, value] pairs, given so or in MQTT.js's form, an object
 *  { name: value | [values] } (a list repeats its name, in order). */
function userPairs(given: unknown): string[][] {
  let pairs = given as unknown[];
  if (!(given instanceof Array)) {
    pairs = [];
    if (given === null || typeof given != "object") pairs.push(given); // no pair: refused below
    else {
      for (const name in given) {
        const v = (given as { [name: string]: unknown })[name];
        const values = v instanceof Array ? v : [v];
        for (let j = 0; j < values.length; j++) pairs.push([name, values[j]]);
      }
    }
  }
  for (let k = 0; k < pairs.length; k++) {
    const pair = pairs[k];
    if (!(pair instanceof Array && pair.length === 2 && typeof pair[0] == "string" && typeof pair[1] == "string")) {
      throw badArgument("bad userProperties: [name, value] pairs or { name: value | [values] }, of strings");
    }
  }
  return pairs as string[][];
}

function byIdentifier(a: Entry, b: Entry): number {
  return a[0] - b[0];
}

/** Appends one property's fields to `out`, returns their size in bytes. */
function valueFields(e: Entry, v: unknown, out: Field[]): number {
  const coding = e[2];
  const id = [e[0]];
  out.push(id);
  if (coding === Coding.STRING || coding === Coding.PAIR) {
    const strings = coding === Coding.PAIR ? (v as string[]) : [v]; // (userPairs checked the pairs)
    let size = 1;
    for (let i = 0; i < strings.length; i++) {
      // As bytes, encoded once (encodePacket would otherwise encode them after they were
      // measured here). Refuses what is not a string, U+0000 and over 64 KB [MQTT-1.5.4-1,2].
      const s = strings[i];
      const encoded = encodeUtf8(typeof s == "string" ? s : "\0", true);
      size += 2 + encoded.length;
      out.push(encoded);
    }
    // The Response Topic is a topic name [MQTT-3.3.2-14].
    if (e[0] === 0x08 && !isValidTopicName(v as string)) throw badArgument("bad responseTopic");
    return size;
  }
  if (coding === Coding.BINARY) {
    if (!(v instanceof Uint8Array) || v.length > 0xffff) throw badArgument("bad " + e[1]);
    out.push(v);
    return 3 + v.length;
  }
  // A flag is a boolean, written as 0 or 1 (-1: neither, out of range).
  const x = coding === Coding.FLAG ? (v === true ? 1 : v === false ? 0 : -1) : (v as number);
  if (!(typeof x == "number" && x >= e[3] && x <= MAX[coding] && x % 1 === 0)) throw badArgument("bad " + e[1]);
  if (coding === Coding.VBI) {
    const bytes = vbiBytes(x);
    out.push(bytes);
    return 1 + bytes.length;
  }
  for (let k = coding || 1; k--; ) id.push((x >>> (k * 8)) & 255); // highest byte first (1.5.2, 1.5.3)
  return id.length;
}

/**
 * Reads the properties at `at` of a packet `body` of kind `where` (a bit above), sets them on
 * `packet` when there are any, and returns where they end. PROTOCOL for an unknown identifier,
 * a property the packet may not carry, one given twice where it may not repeat (2.2.2.2), a
 * value out of range, a string that is not valid UTF-8 [MQTT-1.5.4-1], or a length running
 * past the packet. Read by index, as the 3.1.1 client's decoders read: the client's bundle then
 * holds no Reader (on Espruino its methods cost about 80 JsVars).
 */
export function readProperties(packet: { properties?: Properties }, body: Uint8Array, at: number, where: number): number {
  const length = readVbi(body, at);
  at += vbiBytes(length).length;
  const end = at + length;
  if (end > body.length) throw protocolError("property length past the packet");
  const props: { [k: string]: unknown } = {};
  let t: Table | undefined; // made for the first property: most packets have none
  while (at < end) {
    // An identifier is a Variable Byte Integer, and all are below 128: a first byte of 128 or
    // more is no property (nor is a longer form of one, which would be Malformed).
    const e = entry(t || (t = table()), body[at++]);
    if (!e || !(e[4] & where)) throw protocolError("bad property identifier");
    const name = e[1];
    const coding = e[2];
    let v: unknown;
    if (coding >= Coding.STRING) {
      // Length-prefixed: a string, a pair of strings, or binary data (a view on the body, as
      // payloads are).
      const fields: unknown[] = [];
      // (each loop its own variable: a var of one block read in another is a hazard on Espruino)
      for (let left = coding === Coding.PAIR ? 2 : 1; left > 0; left--) {
        const next = at + 2 + ((body[at] << 8) | body[at + 1]); // (past the end, bytes read as 0)
        if (next > body.length) throw protocolError("truncated packet");
        fields.push(coding === Coding.BINARY ? body.subarray(at + 2, next) : decodeUtf8(body, at + 2, next));
        at = next;
      }
      v = coding === Coding.PAIR ? fields : fields[0];
    } else {
      let x = 0;
      if (coding === Coding.VBI) {
        x = readVbi(body, at);
        at += vbiBytes(x).length;
      } else {
        const size = coding || 1;
        if (at + size > body.length) throw protocolError("truncated packet");
        for (let i = 0; i < size; i++) x = x * 256 + body[at++];
      }
      if (x < e[3] || x > MAX[coding]) throw protocolError("bad " + name);
      v = coding === Coding.FLAG ? x === 1 : x;
    }
    if (e[0] === 0x08 && !isValidTopicName(v as string)) throw protocolError("bad responseTopic"); // [MQTT-3.3.2-14]
    const listed = coding === Coding.PAIR || (e[0] === 0x0b && where === Where.PUBLISH);
    if (listed) {
      if (!props[name]) props[name] = [];
      (props[name] as unknown[]).push(v);
    } else {
      if (name in props) throw protocolError(name + " twice");
      props[name] = v;
    }
  }
  if (at !== end) throw protocolError("property past the property length");
  if (authWithoutMethod(props)) throw protocolError(AUTH_WITHOUT_METHOD);
  if (length) packet.properties = props as Properties; // (a length of 0: none; above, at least one, or an error)
  return end;
}
