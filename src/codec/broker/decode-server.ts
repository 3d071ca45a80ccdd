// Decoders for what only a broker receives (tests and test brokers; not in the client bundle).
import { ConnectPacket, PacketType, QoS, SubscribePacket, Subscription, UnsubscribePacket, Will } from "../types";
import { isValidTopicFilter, isValidTopicName } from "../topics";
import { checkFlags, protocolError } from "../errors";
import { Reader } from "./reader";

export function decodeConnect(header: number, body: Uint8Array): ConnectPacket {
  checkFlags(header, 0);
  const r = new Reader(body);
  if (r.string() !== "MQTT") throw protocolError("protocol name"); // [MQTT-3.1.2-1]
  // Any level is returned: a broker answers an unknown one with CONNACK 1 [MQTT-3.1.2-2].
  const protocolLevel = r.u8();
  const flags = r.u8();
  if (flags & 1) throw protocolError("CONNECT reserved flag"); // [MQTT-3.1.2-3]
  const willFlag = (flags & 0x04) !== 0;
  const willQos = (flags >> 3) & 3;
  const willRetain = (flags & 0x20) !== 0;
  if (!willFlag && (willQos || willRetain)) throw protocolError("will flags"); // [MQTT-3.1.2-11,13,15]
  if (willQos === 3) throw protocolError("will QoS 3"); // [MQTT-3.1.2-14]
  const hasUser = (flags & 0x80) !== 0;
  const hasPassword = (flags & 0x40) !== 0;
  if (hasPassword && !hasUser) throw protocolError("password without username"); // [MQTT-3.1.2-22]
  const packet: ConnectPacket = {
    type: PacketType.CONNECT,
    protocolLevel: protocolLevel,
    cleanSession: (flags & 0x02) !== 0,
    keepAlive: r.u16(),
    clientId: r.string(),
  };
  if (willFlag) {
    const topic = r.string();
    if (!isValidTopicName(topic)) throw protocolError("will topic");
    const will: Will = { topic: topic, message: r.bytes(), qos: willQos as QoS, retain: willRetain };
    packet.will = will;
  }
  if (hasUser) packet.username = r.string();
  if (hasPassword) packet.password = r.bytes();
  r.end();
  return packet;
}

export function decodeSubscribe(header: number, body: Uint8Array): SubscribePacket {
  checkFlags(header, 2); // [MQTT-3.8.1-1]
  const r = new Reader(body);
  const packetId = r.packetId();
  if (!r.more()) throw protocolError("SUBSCRIBE without subscriptions"); // [MQTT-3.8.3-3]
  const subscriptions: Subscription[] = [];
  while (r.more()) {
    const topicFilter = readTopicFilter(r);
    const qos = r.u8();
    if (qos > 2) throw protocolError("requested QoS"); // reserved bits [MQTT-3.8.3-4], or QoS 3
    subscriptions[subscriptions.length] = { topicFilter: topicFilter, qos: qos as QoS };
  }
  return { type: PacketType.SUBSCRIBE, packetId: packetId, subscriptions: subscriptions };
}

export function decodeUnsubscribe(header: number, body: Uint8Array): UnsubscribePacket {
  checkFlags(header, 2); // [MQTT-3.10.1-1]
  const r = new Reader(body);
  const packetId = r.packetId();
  if (!r.more()) throw protocolError("UNSUBSCRIBE without filters"); // [MQTT-3.10.3-2]
  const topicFilters: string[] = [];
  while (r.more()) topicFilters[topicFilters.length] = readTopicFilter(r);
  return { type: PacketType.UNSUBSCRIBE, packetId: packetId, topicFilters: topicFilters };
}

function readTopicFilter(r: Reader): string {
  const topicFilter = r.string();
  if (!isValidTopicFilter(topicFilter)) throw protocolError("topic filter"); // [MQTT-4.7.1-1..3]
  return topicFilter;
}
