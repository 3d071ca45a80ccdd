// Decoders for the packets a client receives. Each gets the fixed header's first byte and
// exactly the remaining-length bytes, and throws PROTOCOL on anything malformed.
import {
  AckPacket,
  ConnackPacket,
  DecoderTable,
  EmptyPacket,
  PacketType,
  PublishPacket,
  QoS,
  SubackPacket,
} from "./types";
import { decodeUtf8 } from "./bytes";
import { isValidTopicName } from "./topics";
import { checkFlags, protocolError } from "./reader";

export function decodeConnack(header: number, body: Uint8Array): ConnackPacket {
  checkFlags(header, 0);
  if (body.length !== 2) throw protocolError("CONNACK length");
  const ackFlags = body[0];
  const returnCode = body[1];
  if (ackFlags & 0xfe) throw protocolError("CONNACK reserved flags"); // [MQTT-3.2.2-1]
  if (returnCode > 5) throw protocolError("CONNACK return code"); // [MQTT-3.2.3]
  if (ackFlags && returnCode) throw protocolError("session present on refusal"); // [MQTT-3.2.2-4]
  return { type: PacketType.CONNACK, sessionPresent: ackFlags === 1, returnCode: returnCode };
}

/** PUBLISH, on the hot path: read inline; the payload is a view on `body`, not a copy. */
export function decodePublish(header: number, body: Uint8Array): PublishPacket {
  const qos = (header >> 1) & 3;
  if (qos === 3) throw protocolError("PUBLISH QoS 3"); // [MQTT-3.3.1-4]
  const dup = (header & 8) !== 0;
  if (dup && qos === 0) throw protocolError("DUP with QoS 0"); // [MQTT-3.3.1-2]
  const size = body.length;
  if (size < 2) throw protocolError("truncated packet");
  let o = 2 + ((body[0] << 8) | body[1]);
  if (o > size) throw protocolError("truncated packet");
  const topicName = decodeUtf8(body, 2, o);
  // no wildcards, not empty [MQTT-3.3.2-2], [MQTT-4.7.3-1]
  if (!isValidTopicName(topicName)) throw protocolError("PUBLISH topic name");
  const retain = (header & 1) !== 0;
  if (qos === 0) {
    return { type: PacketType.PUBLISH, dup: dup, qos: qos as QoS, retain: retain, topicName: topicName, payload: body.subarray(o) };
  }
  if (o + 2 > size) throw protocolError("truncated packet");
  const packetId = (body[o] << 8) | body[o + 1];
  if (packetId === 0) throw protocolError("packet id 0"); // [MQTT-2.3.1-1]
  return {
    type: PacketType.PUBLISH, dup: dup, qos: qos as QoS, retain: retain, topicName: topicName,
    packetId: packetId, payload: body.subarray(o + 2),
  };
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP and UNSUBACK: a packet id alone. */
export function decodeAck(header: number, body: Uint8Array): AckPacket {
  const type = (header >> 4) as AckPacket["type"];
  checkFlags(header, type === PacketType.PUBREL ? 2 : 0); // [MQTT-3.6.1-1]
  if (body.length !== 2) throw protocolError("ack length");
  const packetId = (body[0] << 8) | body[1];
  if (packetId === 0) throw protocolError("packet id 0"); // [MQTT-2.3.1-1]
  return { type: type, packetId: packetId };
}

export function decodeSuback(header: number, body: Uint8Array): SubackPacket {
  checkFlags(header, 0);
  // Read inline rather than with Reader, which keeps that class out of the client bundle.
  if (body.length < 3) throw protocolError("SUBACK length"); // an id and at least one code
  const packetId = (body[0] << 8) | body[1];
  if (packetId === 0) throw protocolError("packet id 0"); // [MQTT-2.3.1-1]
  const returnCodes: number[] = [];
  for (let i = 2; i < body.length; i++) {
    const c = body[i];
    if (c > 2 && c !== 0x80) throw protocolError("SUBACK return code"); // [MQTT-3.9.3-2]
    returnCodes[i - 2] = c;
  }
  return { type: PacketType.SUBACK, packetId: packetId, returnCodes: returnCodes };
}

/** PINGREQ, PINGRESP and DISCONNECT: no body at all. */
export function decodeEmpty(header: number, body: Uint8Array): EmptyPacket {
  checkFlags(header, 0);
  if (body.length !== 0) throw protocolError("trailing bytes");
  return { type: (header >> 4) as EmptyPacket["type"] };
}

/** What a client accepts; CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT and the
 *  reserved types 0 and 15 are missing and therefore PROTOCOL. */
export const clientDecoders: DecoderTable = {
  2: decodeConnack,
  3: decodePublish,
  4: decodeAck,
  5: decodeAck,
  6: decodeAck,
  7: decodeAck,
  9: decodeSuback,
  11: decodeAck,
  13: decodeEmpty,
};
