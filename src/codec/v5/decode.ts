// Decoders for the MQTT 5.0 packets a client receives. Each gets the fixed header's first
// byte and exactly the remaining-length bytes, and throws PROTOCOL on anything malformed or a
// Protocol Error. The stream parser frames packets; these decode their bodies, by index, as
// decode-client.ts does. What only a broker receives is in ../broker/decode5.ts, read with a
// Reader: the client's bundle then holds no Reader, whose methods would cost it about 80
// JsVars on Espruino.
import { Connack5, DecoderTable5, Disconnect5, Ping5, PubAck5, Publish5, SubAck5 } from "./types";
import { PacketType, QoS } from "../types";
import { check, checkFlags, protocolError } from "../errors";
import { decodeEmpty, decodePublish, packetIdAt } from "../decode-client";
import { readProperties } from "./properties";
import { isReasonCode } from "./reason-codes";

/** The reason code at `at` of `body`, which a packet of `type` must be allowed to carry. */
function reasonCodeAt(type: number, body: Uint8Array, at: number): number {
  const code = body[at]; // undefined past the end: no reason code
  if (!isReasonCode(type, code)) throw protocolError("bad reason code");
  return code;
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

/** PUBLISH: read as a 3.1.1 PUBLISH, whose payload the properties then begin, but for an empty
 *  topic name, which MQTT 5 allows with a Topic Alias (3.3.2.1) and 3.1.1 refuses. */
export function decodePublish5(header: number, body: Uint8Array): Publish5 {
  "ram";
  const qos = (header >> 1) & 3;
  const lengthAt = 2 + ((body[0] << 8) | body[1]) + (qos ? 2 : 0);
  let packet: Publish5;
  // Most messages have no properties, a property length of 0, and so no Topic Alias either:
  // read as 3.1.1 reads them (which refuses an empty topic name).
  if (lengthAt < body.length && !body[lengthAt]) {
    packet = decodePublish(header, body) as Publish5;
    packet.payload = body.subarray(lengthAt + 1);
    return packet;
  }
  if (body[0] || body[1]) packet = decodePublish(header, body) as Publish5;
  else {
    // QoS 3 is reserved [MQTT-3.3.1-4]; DUP only with QoS 1 or 2 [MQTT-3.3.1-2].
    check(qos < 3 && (qos || !(header & 8)));
    packet = { type: PacketType.PUBLISH, dup: (header & 8) !== 0, qos: qos as QoS, retain: (header & 1) !== 0, topicName: "" } as Publish5;
    if (qos) packet.packetId = packetIdAt(body, 2); // not 0 [MQTT-2.3.1-3]
  }
  const at = readProperties(packet, body, lengthAt, 1 << PacketType.PUBLISH);
  // (A short message: on Espruino the whole text of this function is read for every message,
  // and a long string there costs them all.)
  if (!(packet.topicName || (packet.properties && packet.properties.topicAlias))) throw protocolError("no topic name");
  packet.payload = body.subarray(at); // a view, as 3.1.1's
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

/** PINGREQ and PINGRESP: as in 3.1.1 (flags 0000 and no body), so the bundle holds one decoder
 *  for both versions. */
export const decodePing5 = decodeEmpty as (header: number, body: Uint8Array) => Ping5;

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

