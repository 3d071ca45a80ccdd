// Properties (section 2.2.2): a Variable Byte Integer length, then identifier-value pairs.
// One table says, for each identifier, its name, how its value is coded, the smallest value
// allowed and which packets may carry it; encoding and decoding both read it, so they cannot
// disagree. Encoding refuses with BAD_ARGUMENT, decoding with PROTOCOL (a Malformed Packet or
// a Protocol Error: either way the connection ends, [MQTT-4.13.1-1]).
import { Properties } from "./types";
import { badArgument, Field } from "../writer";
import { protocolError, Reader } from "../reader";
import { isValidTopicName } from "../topics";
import { mqttStringLength } from "../bytes";

/** Where a property may appear: bit `type` for a packet type, bit 0 for the will. */
export const WILL = 1;
const CONNECT = 1 << 1;
const CONNACK = 1 << 2;
const PUBLISH = 1 << 3;
const ACKS = (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7); // PUBACK, PUBREC, PUBREL, PUBCOMP
const SUBSCRIBE = 1 << 8;
const SUBACK = 1 << 9;
const UNSUBACK = 1 << 11; // (UNSUBSCRIBE, 1 << 10, carries User Properties alone)
const DISCONNECT = 1 << 14;
const AUTH = 1 << 15;

// How a value is coded (section 1.5).
const FLAG = 0; // a byte, 0 or 1, as a boolean
const BYTE = 1; // a byte as a number
const TWO = 2; // Two Byte Integer
const FOUR = 3; // Four Byte Integer
const VBI = 4; // Variable Byte Integer
const STRING = 5; // UTF-8 Encoded String
const BINARY = 6; // Binary Data
const PAIR = 7; // UTF-8 String Pair

const MAX = [1, 1, 0xffff, 0xffffffff, 268435455];

function pack(id: number, coding: number, min: number, where: number): number {
  return id | (coding << 8) | (min << 11) | (where << 12);
}

/**
 * Each property by name, in identifier order, which is the order the encoder writes them in:
 * its identifier, how its value is coded, the smallest value allowed and where it may appear,
 * packed in one number (pack). On Espruino a number costs a JsVar where an array of five costs
 * eight: this table holds 88 JsVars, as arrays it held 246.
 */
const TABLE: { [name: string]: number } = {
  payloadFormatIndicator: pack(0x01, FLAG, 0, PUBLISH | WILL),
  messageExpiryInterval: pack(0x02, FOUR, 0, PUBLISH | WILL),
  contentType: pack(0x03, STRING, 0, PUBLISH | WILL),
  responseTopic: pack(0x08, STRING, 0, PUBLISH | WILL),
  correlationData: pack(0x09, BINARY, 0, PUBLISH | WILL),
  subscriptionIdentifier: pack(0x0b, VBI, 1, PUBLISH | SUBSCRIBE), // 0 is a Protocol Error (3.8.2.1.2)
  sessionExpiryInterval: pack(0x11, FOUR, 0, CONNECT | CONNACK | DISCONNECT),
  assignedClientIdentifier: pack(0x12, STRING, 0, CONNACK),
  serverKeepAlive: pack(0x13, TWO, 0, CONNACK),
  authenticationMethod: pack(0x15, STRING, 0, CONNECT | CONNACK | AUTH),
  authenticationData: pack(0x16, BINARY, 0, CONNECT | CONNACK | AUTH),
  requestProblemInformation: pack(0x17, FLAG, 0, CONNECT),
  willDelayInterval: pack(0x18, FOUR, 0, WILL),
  requestResponseInformation: pack(0x19, FLAG, 0, CONNECT),
  responseInformation: pack(0x1a, STRING, 0, CONNACK),
  serverReference: pack(0x1c, STRING, 0, CONNACK | DISCONNECT),
  reasonString: pack(0x1f, STRING, 0, CONNACK | ACKS | SUBACK | UNSUBACK | DISCONNECT | AUTH),
  receiveMaximum: pack(0x21, TWO, 1, CONNECT | CONNACK), // 0 is a Protocol Error (3.1.2.11.3)
  topicAliasMaximum: pack(0x22, TWO, 0, CONNECT | CONNACK),
  topicAlias: pack(0x23, TWO, 1, PUBLISH), // 0 is not permitted [MQTT-3.3.2-8]
  maximumQoS: pack(0x24, BYTE, 0, CONNACK), // 0 or 1 (3.2.2.3.4)
  retainAvailable: pack(0x25, FLAG, 0, CONNACK),
  userProperties: pack(0x26, PAIR, 0, ~0), // everywhere properties are (2.2.2.2)
  maximumPacketSize: pack(0x27, FOUR, 1, CONNECT | CONNACK), // 0 is a Protocol Error (3.1.2.11.4)
  wildcardSubscriptionAvailable: pack(0x28, FLAG, 0, CONNACK),
  subscriptionIdentifiersAvailable: pack(0x29, FLAG, 0, CONNACK),
  sharedSubscriptionAvailable: pack(0x2a, FLAG, 0, CONNACK),
};

type Entry = [number, string, number, number, number]; // identifier, name, coding, smallest, where

function unpack(name: string): Entry {
  const x = TABLE[name];
  return [x & 255, name, (x >> 8) & 7, (x >> 11) & 1, x >> 12];
}

/** The table entry of identifier `id` or property `name`. */
function entry(idOrName: number | string): Entry | undefined {
  if (typeof idOrName == "string") return typeof TABLE[idOrName] == "number" ? unpack(idOrName) : undefined;
  for (const name in TABLE) if ((TABLE[name] & 255) === idOrName) return unpack(name);
  return undefined;
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

/** Reads a Variable Byte Integer: at most 4 bytes, and in the fewest bytes [MQTT-1.5.5-1]
 *  (a longer form is Malformed, and would make two byte strings one packet). */
export function readVbi(r: Reader): number {
  let value = 0;
  for (let k = 0; k < 4; k++) {
    const b = r.u8();
    if (k && !b) break; // a last byte of 0 after others: not the fewest bytes
    value += (b & 127) * Math.pow(128, k);
    if (!(b & 128)) return value;
  }
  throw protocolError("bad variable byte integer");
}

function isInteger(v: unknown, min: number, max: number): boolean {
  return typeof v == "number" && v >= min && v <= max && v % 1 === 0;
}

/**
 * Appends to `fields` the properties of `props` (undefined: none) that a packet of kind
 * `where` (a bit above) may carry: their length, then each. BAD_ARGUMENT for a name the table
 * lacks, a property the packet may not carry, a value of the wrong kind or out of range.
 */
export function propertyFields(props: Properties | undefined, where: number, fields: Field[]): void {
  const own: Field[] = [];
  let size = 0;
  if (props != null) {
    if (typeof props != "object") throw badArgument("bad properties");
    for (const name in props) {
      const known = entry(name);
      if (!known) throw badArgument("unknown property " + name);
      if ((props as { [k: string]: unknown })[name] !== undefined && !(known[4] & where)) throw badArgument(name + " not allowed here");
    }
    for (const key in TABLE) {
      const e = unpack(key);
      let values = (props as { [k: string]: unknown })[e[1]];
      if (values === undefined) continue;
      // Only User Properties, and Subscription Identifiers in a PUBLISH, may repeat
      // (2.2.2.2, 3.3.2.3.8); a list elsewhere is the property given twice.
      const listed = e[2] === PAIR || (e[0] === 0x0b && where === PUBLISH);
      if (listed) {
        if (!(values instanceof Array) || (e[2] !== PAIR && !values.length)) throw badArgument("bad " + e[1]);
      } else values = [values];
      const list = values as unknown[];
      for (let k = 0; k < list.length; k++) size += valueFields(e, list[k], own);
    }
  }
  checkAuthentication(props, badArgument);
  fields.push(vbiBytes(size));
  // (each loop its own variable: a var of one block read in another is a hazard on Espruino)
  for (let j = 0; j < own.length; j++) fields.push(own[j]);
}

/** Appends one property's fields to `out`, returns their size in bytes. */
function valueFields(e: Entry, v: unknown, out: Field[]): number {
  const coding = e[2];
  const id = [e[0]];
  out.push(id);
  if (coding === STRING || coding === PAIR) {
    const strings = coding === PAIR ? (v instanceof Array && v.length === 2 ? v : [0]) : [v];
    let size = 1;
    for (let i = 0; i < strings.length; i++) {
      // Refuses what is not a string, U+0000 and over 64 KB [MQTT-1.5.4-1,2].
      size += 2 + mqttStringLength(strings[i] as string);
      out.push(strings[i] as string);
    }
    // The Response Topic is a topic name [MQTT-3.3.2-14].
    if (e[0] === 0x08 && !isValidTopicName(v as string)) throw badArgument("bad responseTopic");
    return size;
  }
  if (coding === BINARY) {
    if (!(v instanceof Uint8Array) || v.length > 0xffff) throw badArgument("bad " + e[1]);
    out.push(v);
    return 3 + v.length;
  }
  if (coding === FLAG) {
    if (typeof v != "boolean") throw badArgument("bad " + e[1]);
    id.push(v ? 1 : 0);
    return 2;
  }
  if (!isInteger(v, e[3], MAX[coding])) throw badArgument("bad " + e[1]);
  const x = v as number;
  if (coding === BYTE) id.push(x);
  else if (coding === TWO) id.push(x >> 8, x & 255);
  else if (coding === FOUR) id.push(x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255);
  else {
    const bytes = vbiBytes(x);
    for (let j = 0; j < bytes.length; j++) id.push(bytes[j]);
  }
  return id.length;
}

/**
 * Reads the properties of a packet of kind `where` (a bit above) at the reader's position:
 * undefined when there are none. PROTOCOL for an unknown identifier, a property the packet may
 * not carry, one given twice where it may not repeat (2.2.2.2), a value out of range, a string
 * that is not valid UTF-8 [MQTT-1.5.4-1], or a length running past the packet.
 */
export function readProperties(r: Reader, where: number): Properties | undefined {
  const length = readVbi(r);
  const end = r.pos + length;
  if (end > r.buf.length) throw protocolError("property length past the packet");
  const props: { [k: string]: unknown } = {};
  let any = false;
  while (r.pos < end) {
    const e = entry(readVbi(r));
    if (!e || !(e[4] & where)) throw protocolError("bad property identifier");
    const name = e[1];
    const coding = e[2];
    let v: unknown;
    if (coding === STRING) v = r.string();
    else if (coding === PAIR) v = [r.string(), r.string()];
    else if (coding === BINARY) v = r.bytes(); // a view on the body, as payloads are
    else {
      const x = coding < TWO ? r.u8() : coding === TWO ? r.u16() : coding === FOUR ? r.u16() * 65536 + r.u16() : readVbi(r);
      if (x < e[3] || x > MAX[coding]) throw protocolError("bad " + name);
      v = coding === FLAG ? x === 1 : x;
    }
    if (e[0] === 0x08 && !isValidTopicName(v as string)) throw protocolError("bad responseTopic"); // [MQTT-3.3.2-14]
    const listed = coding === PAIR || (e[0] === 0x0b && where === PUBLISH);
    if (listed) {
      if (!props[name]) props[name] = [];
      (props[name] as unknown[]).push(v);
    } else {
      if (name in props) throw protocolError(name + " twice");
      props[name] = v;
    }
    any = true;
  }
  if (r.pos !== end) throw protocolError("property past the property length");
  checkAuthentication(props as Properties, protocolError);
  return any ? (props as Properties) : undefined;
}

/** Authentication Data without an Authentication Method is a Protocol Error (3.1.2.11.10,
 *  3.2.2.3.18, 3.15.2.2.3). */
function checkAuthentication(props: Properties | undefined, error: (message: string) => Error): void {
  if (props && props.authenticationData !== undefined && props.authenticationMethod === undefined) throw error("authenticationData without authenticationMethod");
}
