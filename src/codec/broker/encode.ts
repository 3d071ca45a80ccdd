// Encodes any of the 14 packets (tests and test brokers; the client calls encode-client).
// Here every field is checked: the client's encoders leave to it what the client makes itself.
import { Packet, PacketType } from "../types";
import {
  encodeAck,
  encodeConnect,
  encodeEmpty,
  encodePublish,
  encodeSubscribe,
  encodeUnsubscribe,
} from "../encode-client";
import { encodeConnack, encodeSuback } from "./encode-server";
import { checkPacketId } from "../writer";
import { badArgument } from "../errors";

export function encode(packet: Packet): Uint8Array {
  switch (packet.type) {
    case PacketType.CONNECT: return encodeConnect(packet);
    case PacketType.CONNACK: return encodeConnack(packet);
    case PacketType.PUBLISH:
      if (packet.dup && !packet.qos) throw badArgument("dup with qos 0"); // [MQTT-3.3.1-2]
      if (packet.qos) checkPacketId(packet.packetId as number);
      return encodePublish(packet);
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP:
    case PacketType.UNSUBACK:
      checkPacketId(packet.packetId);
      return encodeAck(packet.type, packet.packetId);
    case PacketType.SUBSCRIBE:
      checkPacketId(packet.packetId);
      if (!packet.subscriptions || !packet.subscriptions.length) throw badArgument("no subscriptions"); // [MQTT-3.8.3-3]
      return encodeSubscribe(packet);
    case PacketType.SUBACK: return encodeSuback(packet);
    case PacketType.UNSUBSCRIBE:
      checkPacketId(packet.packetId);
      if (!packet.topicFilters || !packet.topicFilters.length) throw badArgument("no topic filters"); // [MQTT-3.10.3-2]
      return encodeUnsubscribe(packet);
    case PacketType.PINGREQ:
    case PacketType.PINGRESP:
    case PacketType.DISCONNECT: return encodeEmpty(packet.type);
  }
  throw badArgument("unknown packet type");
}
