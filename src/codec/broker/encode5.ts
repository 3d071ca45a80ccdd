// Encodes any of the 15 MQTT 5.0 packets, checking every field (tests and test brokers; no
// bundle reaches this): the client's encoders (../v5/encode.ts), and here what only a broker
// sends, or a client sends that this client does not (a PUBACK with a reason code).
import { PubAck5, Packet5, SubAck5 } from "../v5/types";
import { PacketType } from "../types";
import { checkPacketId, encodePacket, Field, idBytes } from "../writer";
import { badArgument } from "../errors";
import {
  checkReasonCode,
  encodeConnect5,
  encodeDisconnect5,
  encodePublish5,
  encodeSubscription5,
  hasProperties,
  withProperties,
} from "../v5/encode";

export function encode5(p: Packet5): Uint8Array {
  switch (p.type) {
    case PacketType.CONNECT: return encodeConnect5(p);
    case PacketType.CONNACK: {
      const rc = p.reasonCode;
      checkReasonCode(p.type, rc);
      // No session on a refusal [MQTT-3.2.2-6].
      if (p.sessionPresent && rc >= 0x80) throw badArgument("sessionPresent with refusal");
      return withProperties(0x20, [[p.sessionPresent ? 1 : 0, rc]], p);
    }
    case PacketType.PUBLISH: return encodePublish5(p);
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP: return encodePubAck5(p);
    case PacketType.SUBSCRIBE: return encodeSubscription5(p);
    case PacketType.SUBACK:
    case PacketType.UNSUBACK: return encodeSubAck5(p);
    case PacketType.UNSUBSCRIBE: return encodeSubscription5(p);
    case PacketType.PINGREQ:
    case PacketType.PINGRESP: return encodePacket(p.type << 4, []);
    case PacketType.DISCONNECT:
    case 15: return encodeDisconnect5(p);
  }
  throw badArgument("unknown packet type");
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP: the reason code and properties are left out when the code
 *  is 0 and there are no properties, and the property length when there are none (3.4.2.1). */
export function encodePubAck5(p: PubAck5): Uint8Array {
  checkPacketId(p.packetId);
  const rc = p.reasonCode || 0;
  checkReasonCode(p.type, rc);
  const header = (p.type << 4) | (p.type === PacketType.PUBREL ? 2 : 0); // [MQTT-3.6.1-1]
  const fields: Field[] = [idBytes(p.packetId)];
  if (hasProperties(p.properties)) {
    fields.push([rc]);
    return withProperties(header, fields, p);
  }
  if (rc) fields.push([rc]);
  return encodePacket(header, fields);
}

export function encodeSubAck5(p: SubAck5): Uint8Array {
  checkPacketId(p.packetId);
  const codes = p.reasonCodes;
  if (!codes || !codes.length) throw badArgument("no reason codes"); // one per topic filter [MQTT-3.9.3-1]
  for (let i = 0; i < codes.length; i++) checkReasonCode(p.type, codes[i]);
  return withProperties(p.type << 4, [idBytes(p.packetId)], p, [codes]);
}
