// Decoders for the MQTT 5.0 packets only a broker receives (tests and test brokers; no bundle
// reaches them), the tables of what a broker and either side accept, and decode5() of one
// whole packet. Read with a Reader, as the 3.1.1 broker side is (decode-server.ts).
import { Connect5, DecoderTable5, Packet5, Publish5, Subscribe5, Subscription5, Unsubscribe5, Will5 } from "../v5/types";
import { DecoderTable, PacketType, QoS } from "../types";
import { checkFlags, protocolError } from "../errors";
import { isValidTopicName } from "../topics";
import { decodeAck5, decodeConnack5, decodePing5, decodePublish5, decodeSubAck5 } from "../v5/decode";
import { readProperties, Where } from "../v5/properties";
import { isShared, isValidTopicFilter5 } from "../v5/topics";
import { Reader } from "./reader";
import { decode } from "./decode";

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
  const packet = { type: PacketType.CONNECT, protocolLevel: 5, cleanStart: (flags & 2) !== 0, keepAlive: r.u16() } as Connect5;
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

/** A PUBLISH as a broker receives it: no Subscription Identifier from a client [MQTT-3.3.4-6]. */
export function decodeClientPublish5(header: number, body: Uint8Array): Publish5 {
  const packet = decodePublish5(header, body);
  if (packet.properties && packet.properties.subscriptionIdentifier) throw protocolError("subscriptionIdentifier from a client");
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
