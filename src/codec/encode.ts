// Encodes any of the 14 packets (tests and test brokers; the client calls encode-client).
import { Packet, PacketType } from "./types";
import {
  encodeAck,
  encodeConnect,
  encodeEmpty,
  encodePublish,
  encodeSubscribe,
  encodeUnsubscribe,
} from "./encode-client";
import { encodeConnack, encodeSuback } from "./encode-server";
import { badArgument } from "./writer";

export function encode(packet: Packet): Uint8Array {
  switch (packet.type) {
    case PacketType.CONNECT: return encodeConnect(packet);
    case PacketType.CONNACK: return encodeConnack(packet);
    case PacketType.PUBLISH: return encodePublish(packet);
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP:
    case PacketType.UNSUBACK: return encodeAck(packet.type, packet.packetId);
    case PacketType.SUBSCRIBE: return encodeSubscribe(packet);
    case PacketType.SUBACK: return encodeSuback(packet);
    case PacketType.UNSUBSCRIBE: return encodeUnsubscribe(packet);
    case PacketType.PINGREQ:
    case PacketType.PINGRESP:
    case PacketType.DISCONNECT: return encodeEmpty(packet.type);
  }
  throw badArgument("unknown packet type");
}
