// Encoders for the packets a client sends. Each sizes the packet, allocates it once and
// writes it in place; invalid fields are BAD_ARGUMENT, a packet over 256 MB is TOO_LARGE.
import {
  AckPacket,
  ConnectPacket,
  EmptyPacket,
  PacketType,
  PublishPacket,
  SubscribePacket,
  UnsubscribePacket,
} from "./types";
import { mqttStringLength } from "./bytes";
import { isValidTopicFilter, isValidTopicName } from "./topics";
import {
  allocPacket,
  badArgument,
  binaryLength,
  checkPacketId,
  checkQos,
  writeBinary,
  writeString,
  writeU16,
} from "./writer";

export function encodeConnect(p: ConnectPacket): Uint8Array {
  const protocolName = p.protocolName || "MQTT";
  const keepAlive = p.keepAlive || 0;
  if (!(keepAlive >= 0 && keepAlive <= 0xffff && keepAlive % 1 === 0)) throw badArgument("keepAlive");
  const will = p.will;
  const nameSize = mqttStringLength(protocolName);
  const idSize = mqttStringLength(p.clientId);
  let flags = p.cleanSession ? 0x02 : 0;
  let remaining = 2 + nameSize + 4 + 2 + idSize;
  let willTopicSize = 0;
  if (will) {
    if (!isValidTopicName(will.topic)) throw badArgument("will topic");
    checkQos(will.qos);
    willTopicSize = mqttStringLength(will.topic);
    remaining += 2 + willTopicSize + 2 + binaryLength(will.message);
    flags |= 0x04 | (will.qos << 3) | (will.retain ? 0x20 : 0);
  }
  let userSize = 0;
  if (p.username != null) {
    userSize = mqttStringLength(p.username);
    remaining += 2 + userSize;
    flags |= 0x80;
  }
  if (p.password != null) {
    if (p.username == null) throw badArgument("password without username"); // [MQTT-3.1.2-22]
    remaining += 2 + binaryLength(p.password);
    flags |= 0x40;
  }
  const buf = allocPacket(0x10, remaining);
  let o = writeString(buf, buf.length - remaining, protocolName, nameSize);
  buf[o++] = p.protocolLevel == null ? 4 : p.protocolLevel; // 4 is 3.1.1
  buf[o++] = flags;
  o = writeU16(buf, o, keepAlive);
  o = writeString(buf, o, p.clientId, idSize);
  if (will) {
    o = writeString(buf, o, will.topic, willTopicSize);
    o = writeBinary(buf, o, will.message);
  }
  if (p.username != null) o = writeString(buf, o, p.username, userSize);
  if (p.password != null) writeBinary(buf, o, p.password);
  return buf;
}

export function encodePublish(p: PublishPacket): Uint8Array {
  const qos = p.qos;
  checkQos(qos);
  if (!isValidTopicName(p.topicName)) throw badArgument("topic name"); // [MQTT-3.3.2-2]
  if (p.dup && qos === 0) throw badArgument("dup with qos 0"); // [MQTT-3.3.1-2]
  if (qos > 0) checkPacketId(p.packetId as number);
  const payload = p.payload;
  const payloadSize = payload ? payload.length : 0;
  const topicSize = mqttStringLength(p.topicName);
  const remaining = 2 + topicSize + (qos > 0 ? 2 : 0) + payloadSize;
  const header = 0x30 | (p.dup ? 8 : 0) | (qos << 1) | (p.retain ? 1 : 0);
  const buf = allocPacket(header, remaining);
  let o = writeString(buf, buf.length - remaining, p.topicName, topicSize);
  if (qos > 0) o = writeU16(buf, o, p.packetId as number);
  if (payloadSize > 0) buf.set(payload, o);
  return buf;
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP or UNSUBACK: the packet id alone. */
export function encodeAck(type: AckPacket["type"], packetId: number): Uint8Array {
  if (!(type >= PacketType.PUBACK && type <= PacketType.PUBCOMP) && type !== PacketType.UNSUBACK) {
    throw badArgument("not an ack type");
  }
  checkPacketId(packetId);
  // PUBREL's reserved flags are 0010 [MQTT-3.6.1-1]
  const buf = allocPacket((type << 4) | (type === PacketType.PUBREL ? 2 : 0), 2);
  writeU16(buf, 2, packetId);
  return buf;
}

export function encodeSubscribe(p: SubscribePacket): Uint8Array {
  const subs = p.subscriptions;
  if (!subs || !subs.length) throw badArgument("no subscriptions"); // [MQTT-3.8.3-3]
  const filters: string[] = [];
  const qos: number[] = [];
  for (let i = 0; i < subs.length; i++) {
    filters[i] = subs[i].topicFilter;
    qos[i] = checkQos(subs[i].qos);
  }
  return encodeFilters(0x82, p.packetId, filters, qos); // flags 0010 [MQTT-3.8.1-1]
}

export function encodeUnsubscribe(p: UnsubscribePacket): Uint8Array {
  return encodeFilters(0xa2, p.packetId, p.topicFilters, null); // flags 0010 [MQTT-3.10.1-1]
}

/** SUBSCRIBE and UNSUBSCRIBE: a packet id, then topic filters, each with its requested QoS
 *  when subscribing. */
function encodeFilters(header: number, packetId: number, filters: string[], qos: number[] | null): Uint8Array {
  checkPacketId(packetId);
  if (!filters || !filters.length) throw badArgument("no topic filters"); // [MQTT-3.10.3-2]
  const sizes: number[] = [];
  let remaining = 2;
  for (let i = 0; i < filters.length; i++) {
    if (!isValidTopicFilter(filters[i])) throw badArgument("topic filter");
    sizes[i] = mqttStringLength(filters[i]);
    remaining += 2 + sizes[i] + (qos ? 1 : 0);
  }
  const buf = allocPacket(header, remaining);
  let o = writeU16(buf, buf.length - remaining, packetId);
  for (let i = 0; i < filters.length; i++) {
    o = writeString(buf, o, filters[i], sizes[i]);
    if (qos) buf[o++] = qos[i];
  }
  return buf;
}

/** PINGREQ, PINGRESP or DISCONNECT: a fixed header with remaining length 0. */
export function encodeEmpty(type: EmptyPacket["type"]): Uint8Array {
  if (type !== PacketType.PINGREQ && type !== PacketType.PINGRESP && type !== PacketType.DISCONNECT) {
    throw badArgument("not an empty packet type");
  }
  return allocPacket(type << 4, 0);
}
