// Decoders for the MQTT 5.0 packets. Each gets the fixed header's first byte and exactly the
// remaining-length bytes, and throws PROTOCOL on anything malformed or a Protocol Error. The
// stream parser and decode() of the 3.1.1 codec frame packets; these decode their bodies.
// As in the 3.1.1 codec, the packets a client receives are read by index (decode-client.ts),
// and those only a broker receives with a Reader (decode-server.ts): the client's bundle then
// holds no Reader, whose methods would cost it about 80 JsVars on Espruino.
import {
  Connack5,
  Connect5,
  DecoderTable5,
  Disconnect5,
  Packet5,
  Ping5,
  PubAck5,
  Publish5,
  SubAck5,
  Subscribe5,
  Subscription5,
  Unsubscribe5,
  Will5,
} from "./types";
import { DecoderTable, PacketType, QoS } from "../types";
import { check, checkFlags, protocolError } from "../errors";
import { Reader } from "../reader";
import { decodeUtf8 } from "../bytes";
import { isValidTopicName } from "../topics";
import { decode } from "../decode";
import { decodeEmpty, decodePublish, packetIdAt } from "../decode-client";
import { readProperties, Where } from "./properties";
import { isReasonCode } from "./reason-codes";
import { isShared, isValidTopicFilter5 } from "./topics";

/** The reason code at `at` of `body`, which a packet of `type` must be allowed to carry. */
function reasonCodeAt(type: number, body: Uint8Array, at: number): number {
  const code = body[at]; // undefined past the end: no reason code
  if (!isReasonCode(type, code)) throw protocolError("bad reason code");
  return code;
}

export function decodeConnect5(header: number, body: Uint8Array): Connect5 {
  checkFlags(header, 0);
  const r = new Reader(body);
  if (r.string() !== "MQTT") throw protocolError("protocol name"); // [MQTT-3.1.2-1]
  // Only level 5 has this layout; a broker answers other levels by the 3.1.1 codec or with
  // CONNACK 0x84 [MQTT-3.1.2-2].
  if (r.u8() !== 5) throw protocolError("protocol level");
  const flags = r.u8();
  if (flags & 1) throw protocolError("CONNECT reserved flag"); // [MQTT-3.1.2-3]
  const willFlag = (flags & 4) !== 0;
  const willQos = (flags >> 3) & 3;
  const willRetain = (flags & 0x20) !== 0;
  if (!willFlag && (willQos || willRetain)) throw protocolError("will flags"); // [MQTT-3.1.2-11,13]
  if (willQos === 3) throw protocolError("will QoS 3"); // [MQTT-3.1.2-12]
  const packet = { type: PacketType.CONNECT, protocolName: "MQTT", protocolLevel: 5, cleanStart: (flags & 2) !== 0, keepAlive: r.u16() } as Connect5;
  r.pos = readProperties(packet, body, r.pos, 1 << PacketType.CONNECT);
  packet.clientId = r.string();
  if (willFlag) {
    const will = {} as Will5;
    r.pos = readProperties(will, body, r.pos, Where.WILL);
    will.topic = r.string();
    if (!isValidTopicName(will.topic)) throw protocolError("will topic"); // a topic name [MQTT-3.3.2-2]
    will.message = r.bytes();
    will.qos = willQos as QoS;
    will.retain = willRetain;
    packet.will = will;
  }
  if (flags & 0x80) packet.username = r.string(); // [MQTT-3.1.2-17]
  if (flags & 0x40) packet.password = r.bytes(); // [MQTT-3.1.2-19]; no user name needed (3.1.2.9)
  r.end();
  return packet;
}

export function decodeConnack5(header: number, body: Uint8Array): Connack5 {
  checkFlags(header, 0);
  const ackFlags = body[0];
  const packet = { type: PacketType.CONNACK, sessionPresent: ackFlags === 1, reasonCode: reasonCodeAt(2, body, 1) } as Connack5;
  // Reserved ack flags 0 [MQTT-3.2.2-1]; no session present on a refusal [MQTT-3.2.2-6].
  if (ackFlags > 1 || (ackFlags && packet.reasonCode >= 0x80)) throw protocolError("CONNACK flags");
  check(readProperties(packet, body, 2, 1 << PacketType.CONNACK) === body.length); // nothing after them
  return packet;
}

export function decodePublish5(header: number, body: Uint8Array): Publish5 {
  "ram";
  const qos = (header >> 1) & 3;
  // Without properties (a property length of 0), a 3.1.1 PUBLISH whose payload begins with
  // that 0: read as one, on its fast path, where the topic must not be empty either.
  const lengthAt = 2 + ((body[0] << 8) | body[1]) + (qos ? 2 : 0);
  if (lengthAt < body.length && !body[lengthAt]) {
    const packet = decodePublish(header, body) as Publish5;
    packet.payload = body.subarray(lengthAt + 1);
    return packet;
  }
  // QoS 3 is reserved [MQTT-3.3.1-4]; DUP only with QoS 1 or 2 [MQTT-3.3.1-2].
  if (qos === 3 || (!qos && header & 8)) throw protocolError("PUBLISH flags");
  let at = 2 + ((body[0] << 8) | body[1]); // past the topic name
  check(at <= body.length);
  const packet = { type: PacketType.PUBLISH, dup: (header & 8) !== 0, qos: qos as QoS, retain: (header & 1) !== 0, topicName: decodeUtf8(body, 2, at) } as Publish5;
  if (qos) {
    packet.packetId = packetIdAt(body, at); // not 0 [MQTT-2.2.1-3]
    at += 2;
  }
  at = readProperties(packet, body, at, 1 << PacketType.PUBLISH);
  // No wildcards [MQTT-3.3.2-2]; empty only with a Topic Alias (3.3.2.1).
  const t = packet.topicName;
  if (!(isValidTopicName(t) || (t === "" && packet.properties && packet.properties.topicAlias))) throw protocolError("topic name");
  packet.payload = body.subarray(at); // a view, as 3.1.1's
  return packet;
}

/** A PUBLISH as a broker receives it: no Subscription Identifier from a client [MQTT-3.3.4-6]. */
export function decodeClientPublish5(header: number, body: Uint8Array): Publish5 {
  const packet = decodePublish5(header, body);
  if (packet.properties && packet.properties.subscriptionIdentifier) throw protocolError("subscriptionIdentifier from a client");
  return packet;
}

/**
 * PUBACK, PUBREC, PUBREL, PUBCOMP, DISCONNECT and AUTH, which end alike: a reason code and
 * properties, both optional. The four acknowledgements start with a packet id; a remaining
 * length of 2 means reason code 0, below 4 no property length and no properties (3.4.2.1).
 * DISCONNECT and AUTH: an empty body means reason code 0; a body of one byte, no properties
 * (3.14.2.1, 3.15.2.1). One function for both: on Espruino each function costs memory.
 */
export function decodeAck5(header: number, body: Uint8Array): PubAck5 | Disconnect5 {
  const type = header >> 4;
  checkFlags(header, type === PacketType.PUBREL ? 2 : 0); // [MQTT-3.6.1-1]
  const packet = { type: type, reasonCode: 0 } as PubAck5;
  let at = 0;
  if (type < PacketType.DISCONNECT) {
    packet.packetId = packetIdAt(body, 0);
    at = 2;
  }
  if (at < body.length) packet.reasonCode = reasonCodeAt(type, body, at++);
  if (at < body.length) at = readProperties(packet, body, at, 1 << type);
  check(at === body.length);
  return packet;
}

export function decodeSubscribe5(header: number, body: Uint8Array): Subscribe5 {
  checkFlags(header, 2); // [MQTT-3.8.1-1]
  const r = new Reader(body);
  const packet = { type: PacketType.SUBSCRIBE, packetId: r.packetId() } as Subscribe5;
  r.pos = readProperties(packet, body, r.pos, 1 << PacketType.SUBSCRIBE);
  if (!r.more()) throw protocolError("SUBSCRIBE without subscriptions"); // [MQTT-3.8.3-2]
  const subs: Subscription5[] = [];
  while (r.more()) {
    const topicFilter = readTopicFilter5(r);
    const o = r.u8();
    // Reserved bits 6 and 7 are 0 [MQTT-3.8.3-5]; QoS 3 and Retain Handling 3 are Protocol Errors.
    if (o > 0x2f || (o & 3) === 3) throw protocolError("subscription options");
    // No Local on a shared subscription is a Protocol Error [MQTT-3.8.3-4].
    if (o & 4 && isShared(topicFilter)) throw protocolError("noLocal on a shared subscription");
    subs[subs.length] = {
      topicFilter: topicFilter,
      qos: (o & 3) as QoS,
      noLocal: (o & 4) !== 0,
      retainAsPublished: (o & 8) !== 0,
      retainHandling: (o >> 4) as 0 | 1 | 2,
    };
  }
  packet.subscriptions = subs;
  return packet;
}

/** SUBACK and UNSUBACK: properties, then one reason code per topic filter, at least one. */
export function decodeSubAck5(header: number, body: Uint8Array): SubAck5 {
  checkFlags(header, 0);
  const type = header >> 4;
  const packet = { type: type, packetId: packetIdAt(body, 0) } as SubAck5;
  let at = readProperties(packet, body, 2, 1 << type);
  if (at >= body.length) throw protocolError("no reason codes"); // [MQTT-3.9.3-1], [MQTT-3.11.3-1]
  const codes: number[] = [];
  while (at < body.length) codes[codes.length] = reasonCodeAt(type, body, at++);
  packet.reasonCodes = codes;
  return packet;
}

export function decodeUnsubscribe5(header: number, body: Uint8Array): Unsubscribe5 {
  checkFlags(header, 2); // [MQTT-3.10.1-1]
  const r = new Reader(body);
  const packet = { type: PacketType.UNSUBSCRIBE, packetId: r.packetId() } as Unsubscribe5;
  r.pos = readProperties(packet, body, r.pos, 1 << PacketType.UNSUBSCRIBE);
  if (!r.more()) throw protocolError("UNSUBSCRIBE without filters"); // [MQTT-3.10.3-2]
  const filters: string[] = [];
  while (r.more()) filters[filters.length] = readTopicFilter5(r);
  packet.topicFilters = filters;
  return packet;
}

/** The next topic filter of a SUBSCRIBE or UNSUBSCRIBE, which must be valid (as 3.1.1's readTopicFilter). */
function readTopicFilter5(r: Reader): string {
  const topicFilter = r.string();
  if (!isValidTopicFilter5(topicFilter)) throw protocolError("topic filter"); // [MQTT-4.7.1-1..3]
  return topicFilter;
}

/** PINGREQ and PINGRESP: as in 3.1.1 (flags 0000 and no body), so the bundle holds one decoder
 *  for both versions. */
const decodePing5 = decodeEmpty as (header: number, body: Uint8Array) => Ping5;

/** What a client accepts. */
export const clientDecoders5: DecoderTable5 = {
  2: decodeConnack5,
  3: decodePublish5,
  4: decodeAck5,
  5: decodeAck5,
  6: decodeAck5,
  7: decodeAck5,
  9: decodeSubAck5,
  11: decodeSubAck5,
  13: decodePing5,
  14: decodeAck5,
  15: decodeAck5,
};

/** What a broker accepts. */
export const serverDecoders5: DecoderTable5 = {
  1: decodeConnect5,
  3: decodeClientPublish5,
  4: decodeAck5,
  5: decodeAck5,
  6: decodeAck5,
  7: decodeAck5,
  8: decodeSubscribe5,
  10: decodeUnsubscribe5,
  12: decodePing5,
  14: decodeAck5,
  15: decodeAck5,
};

/** All 15 packet types (type 0 is reserved and stays missing). */
export const allDecoders5: DecoderTable5 = {
  1: decodeConnect5,
  2: decodeConnack5,
  3: decodePublish5,
  4: decodeAck5,
  5: decodeAck5,
  6: decodeAck5,
  7: decodeAck5,
  8: decodeSubscribe5,
  9: decodeSubAck5,
  10: decodeUnsubscribe5,
  11: decodeSubAck5,
  12: decodePing5,
  13: decodePing5,
  14: decodeAck5,
  15: decodeAck5,
};

/** Exactly one whole packet, framed by the 3.1.1 codec's decode(): anything missing or left
 *  over is PROTOCOL. */
export function decode5(bytes: Uint8Array, decoders?: DecoderTable5): Packet5 {
  return decode(bytes, (decoders || allDecoders5) as unknown as DecoderTable) as unknown as Packet5;
}
