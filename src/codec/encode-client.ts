// Encoders for the packets a client sends, as lists of fields (see writer.ts). They check
// what a client's user gives (topics, QoS, strings, sizes: BAD_ARGUMENT; a packet over
// 256 MB: TOO_LARGE); the rest, packet ids and types that the client makes itself, is
// checked by encode() for packets from elsewhere.
import {
  AckPacket,
  ConnectPacket,
  EmptyPacket,
  PacketType,
  PublishPacket,
  SubscribePacket,
  UnsubscribePacket,
} from "./types";
import { badTopic, isValidTopicFilter, isValidTopicName } from "./topics";
import { encodeUtf8, isAsciiString } from "./bytes";
import { onEspruino } from "./platform";
import { allocPacket, checkQos, encodePacket, Field, idBytes, writeU16 } from "./writer";
import { badArgument } from "./errors";

/** Protocol name "MQTT" [MQTT-3.1.2-1], the only one this codec speaks. */
export const PROTOCOL_NAME = [0, 4, 77, 81, 84, 84];

/** What a CONNECT carries, named as the client's settings name it (Config, mqtt_as's). */
export interface ConnectSettings {
  keepalive: number;
  clientId: string;
  will?: { topic: string; msg: string | Uint8Array; qos?: number; retain?: boolean } | null;
  user?: string;
}

/** The CONNECT for a client's settings, `password` already in bytes: the client makes no
 *  packet object for it. `level`: 4 (3.1.1) when absent [MQTT-3.1.2-2]. */
export function connectPacket(cfg: ConnectSettings, clean: boolean, password?: Uint8Array, level?: number): Uint8Array {
  const keepAlive = cfg.keepalive || 0;
  if (!(keepAlive >= 0 && keepAlive <= 0xffff && keepAlive % 1 === 0)) throw badArgument("bad keepAlive");
  const will = cfg.will;
  const user = cfg.user;
  let flags = clean ? 2 : 0;
  const fields: Field[] = [PROTOCOL_NAME, [], [keepAlive >> 8, keepAlive & 255], cfg.clientId];
  if (will) {
    if (!isValidTopicName(will.topic)) throw badTopic("will topic", will.topic);
    flags |= 4 | (checkQos(will.qos || 0) << 3) | (will.retain ? 32 : 0);
    fields.push(will.topic, payloadBytes(will.msg));
  }
  if (user != null) {
    // A field's type tells the writer how to encode it: a user name must be a string.
    if (typeof user !== "string") throw badArgument("bad username");
    flags |= 128;
    fields.push(user);
  }
  if (password != null) {
    if (user == null) throw badArgument("password without username"); // [MQTT-3.1.2-22]
    flags |= 64;
    fields.push(password);
  }
  fields[1] = [level == null ? 4 : level, flags];
  return encodePacket(0x10, fields);
}

/** A CONNECT packet object (the broker-side codec's, tests'), written by connectPacket(). */
export function encodeConnect(p: ConnectPacket): Uint8Array {
  const will = p.will;
  const settings = { keepalive: p.keepAlive, clientId: p.clientId, will: will && { topic: will.topic, msg: will.message, qos: will.qos, retain: will.retain }, user: p.username };
  return connectPacket(settings, p.cleanSession, p.password, p.protocolLevel);
}

/** A message's bytes: a string's UTF-8 (U+0000 allowed), or the Uint8Array itself. */
export function payloadBytes(msg: string | Uint8Array): Uint8Array {
  if (typeof msg === "string") return encodeUtf8(msg);
  if (!(msg instanceof Uint8Array)) throw badArgument("bad msg");
  return msg;
}

export function encodePublish(p: PublishPacket): Uint8Array {
  return publishPacket(p.topicName, p.payload, p.qos, p.retain, p.dup, p.packetId);
}

// Node: the last topic that publishPacket() took, checked and encoded once for a loop of
// publishes to one topic (a walk in JS for each would cost more than the rest of the packet).
// NaN at first, which equals nothing: the first call checks its topic, whatever it is.
let lastName: unknown = NaN;
let lastNameBytes: Uint8Array;

/**
 * The hot path, with the fields as arguments (the client makes no packet object): sized and
 * written in place, without the field list of the others. On Espruino a function's whole text
 * is read at every call, so this one is kept short.
 */
export function publishPacket(topic: string, payload: Uint8Array, qos: number, retain?: boolean, dup?: boolean, packetId?: number): Uint8Array {
  let name = lastNameBytes;
  if (onEspruino || topic !== lastName) {
    if (!isValidTopicName(topic)) throw badTopic("topic", topic); // [MQTT-3.3.2-2]
    // Espruino: a view on the string, if ASCII, made at each call (kept, it would hold memory).
    name = encodeUtf8(topic, true);
    if (!onEspruino) {
      lastName = topic;
      lastNameBytes = name;
    }
  }
  const remaining = 2 + name.length + (checkQos(qos) ? 2 : 0) + payload.length;
  const buf = allocPacket(0x30 | (dup ? 8 : 0) | (qos << 1) | (retain ? 1 : 0), remaining);
  buf.set(name, writeU16(buf, buf.length - remaining, name.length));
  if (qos) writeU16(buf, buf.length - payload.length - 2, packetId as number);
  buf.set(payload, buf.length - payload.length);
  return buf;
}

/** Writes `packetId` into a PUBLISH made with QoS 1 or 2: after the remaining length and the
 *  topic name [MQTT-3.3.2]. */
export function setPacketId(packet: Uint8Array, packetId: number): void {
  let o = 1;
  while (packet[o++] & 128); // past the remaining length
  writeU16(packet, o + 2 + ((packet[o] << 8) | packet[o + 1]), packetId);
}

// The last topic that publishString() took, with its length bytes before it: a loop of
// publishes mostly names one topic, which is then checked and measured once. NaN at first, as
// lastName.
let lastTopic: unknown = NaN;
let lastTopicField: string;

/**
 * A QoS 0 PUBLISH of an ASCII topic and message of at most 512 bytes as a string of bytes, or
 * undefined for anything else (publishPacket then encodes it, or refuses it). Espruino's
 * sockets take strings, and there concatenation is native: no typed array is made at all.
 */
export function publishString(topic: string, msg: string, retain?: boolean): string | undefined {
  "ram";
  // Over 512 bytes, publishPacket's way: it copies less, and refuses what the heap cannot hold.
  if (msg.length > 512 || !isAsciiString(msg)) return undefined;
  if (topic !== lastTopic) {
    if (!isValidTopicName(topic) || topic.length > 0xffff || topic.indexOf("\0") >= 0 || !isAsciiString(topic)) return undefined;
    lastTopic = topic;
    lastTopicField = String.fromCharCode(topic.length >> 8, topic.length & 255) + topic;
  }
  const remaining = lastTopicField.length + msg.length;
  let header = retain ? "1" : "0"; // 0x31, 0x30: PUBLISH with and without RETAIN
  // The remaining length, 7 bits a byte, lowest first [MQTT-2.2.3].
  for (let x = remaining; x; x >>>= 7) header += String.fromCharCode(x > 127 ? (x & 127) | 128 : x);
  return header + lastTopicField + msg;
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP or UNSUBACK: the packet id alone; and, as encodeEmpty,
 *  PINGREQ, PINGRESP or DISCONNECT, without one: a fixed header with remaining length 0. One
 *  function for both, as decodeAck. */
export function encodeAck(type: AckPacket["type"] | EmptyPacket["type"], packetId?: number): Uint8Array {
  // PUBREL's reserved flags are 0010 [MQTT-3.6.1-1]. Sent for every message received: four
  // bytes written in place, without the field list.
  const buf = allocPacket((type << 4) | (type === PacketType.PUBREL ? 2 : 0), packetId ? 2 : 0);
  if (packetId) writeU16(buf, 2, packetId);
  return buf;
}

/** Flags 0010 [MQTT-3.8.1-1]. */
export function encodeSubscribe(p: SubscribePacket): Uint8Array {
  const subs = p.subscriptions;
  const fields: Field[] = [idBytes(p.packetId)];
  for (let i = 0; i < subs.length; i++) fields.push(filter(subs[i].topicFilter), [checkQos(subs[i].qos)]);
  return encodePacket(0x82, fields);
}

/** Flags 0010 [MQTT-3.10.1-1]. */
export function encodeUnsubscribe(p: UnsubscribePacket): Uint8Array {
  const filters = p.topicFilters;
  const fields: Field[] = [idBytes(p.packetId)];
  for (let i = 0; i < filters.length; i++) fields.push(filter(filters[i]));
  return encodePacket(0xa2, fields);
}

/** What the client sends: a SUBSCRIBE to one filter at `qos`, or without `qos` an UNSUBSCRIBE
 *  from it; the same bytes as encodeSubscribe and encodeUnsubscribe with one filter. */
export function encodeSubscription(packetId: number, topicFilter: string, qos?: number): Uint8Array {
  // filter()'s check, written out: the bundle keeps a function called once as a function.
  if (!isValidTopicFilter(topicFilter)) throw badTopic("topic filter", topicFilter, true);
  const fields: Field[] = [idBytes(packetId), topicFilter];
  if (qos === undefined) return encodePacket(0xa2, fields);
  fields.push([checkQos(qos)]);
  return encodePacket(0x82, fields);
}

function filter(topicFilter: string): string {
  if (!isValidTopicFilter(topicFilter)) throw badTopic("topic filter", topicFilter, true);
  return topicFilter;
}

/** PINGREQ, PINGRESP or DISCONNECT: a fixed header with remaining length 0 (encodeAck). */
export const encodeEmpty: (type: EmptyPacket["type"]) => Uint8Array = encodeAck;
