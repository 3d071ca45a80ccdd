// Decoders for the packets a client receives. Each gets the fixed header's first byte and
// exactly the remaining-length bytes, and throws PROTOCOL on anything malformed. A packet's
// conditions are joined into one check(): the bundle then holds one call, not a throw each.
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
import { onEspruino } from "./platform";
import { isValidTopicName } from "./topics";
import { check } from "./errors";

/** The packet identifier at `at`: present and not 0 [MQTT-2.3.1-1]. */
export function packetIdAt(body: Uint8Array, at: number): number {
  const id = (body[at] << 8) | body[at + 1];
  check(id && at + 2 <= body.length);
  return id;
}

export function decodeConnack(header: number, body: Uint8Array): ConnackPacket {
  const ackFlags = body[0];
  const returnCode = body[1];
  // Flags 0000 [MQTT-2.2.2-2]; reserved ack flags 0 [MQTT-3.2.2-1]; return codes 0..5
  // [MQTT-3.2.3]; no session present on a refusal [MQTT-3.2.2-4].
  check(header === 0x20 && body.length === 2 && ackFlags < 2 && returnCode < 6 && !(ackFlags && returnCode));
  return { type: PacketType.CONNACK, sessionPresent: ackFlags > 0, returnCode: returnCode };
}

// On Espruino a client's messages mostly come on a few topics, one after another: the bytes of
// the last topic name, and the name they were found to be, spare decoding and checking them
// when the same bytes come again (about a third of what decoding a PUBLISH costs there).
let lastTopicBytes: string | undefined;
let lastTopicName: string;
// Elsewhere the same, with the bytes kept in a copy (see topicName).
let lastTopicCopy: Uint8Array | undefined;

/** The topic name in body[2..end), not the last one: valid UTF-8, no wildcards, not empty
 *  [MQTT-3.3.2-2], [MQTT-4.7.3-1]; remembered with `bytes`, its bytes as a string, on Espruino.
 *  Elsewhere the last topic's bytes are compared in place here: decoding builds the string a
 *  character at a time. */
function topicName(body: Uint8Array, end: number, bytes: string | false): string {
  if (!onEspruino) {
    const last = lastTopicCopy;
    let same = !!last && last.length === end - 2;
    for (let i = 0; same && i < end - 2; i++) same = last![i] === body[i + 2];
    if (same) return lastTopicName;
  }
  const name = decodeUtf8(body, 2, end);
  check(isValidTopicName(name));
  if (onEspruino) lastTopicBytes = bytes as string;
  else lastTopicCopy = new Uint8Array(body.subarray(2, end)); // a copy: a view would keep the chunk
  return (lastTopicName = name);
}

/** PUBLISH, on the hot path: read inline; the payload is a view on `body`, not a copy. */
export function decodePublish(header: number, body: Uint8Array): PublishPacket {
  "ram";
  const qos = (header >> 1) & 3;
  let end = 2 + ((body[0] << 8) | body[1]); // past the topic name
  // QoS 3 is reserved [MQTT-3.3.1-4]; DUP only with QoS 1 or 2 [MQTT-3.3.1-2]; the topic
  // name fits in the body (a body under 2 bytes fails here too).
  check(qos < 3 && (qos || !(header & 8)) && end <= body.length);
  // On Espruino the topic's bytes as a string (native, without a copy), compared with the last
  // topic's here: the same topic again costs no call.
  const bytes = onEspruino && E.toString(body.subarray(2, end));
  const packet = {
    type: PacketType.PUBLISH,
    dup: (header & 8) !== 0,
    qos: qos as QoS,
    retain: (header & 1) !== 0,
    topicName: bytes && bytes === lastTopicBytes ? lastTopicName : topicName(body, end, bytes),
  } as PublishPacket;
  if (qos) {
    packet.packetId = packetIdAt(body, end); // only with QoS 1 and 2 [MQTT-2.3.1-5]
    end += 2;
  }
  packet.payload = body.subarray(end);
  return packet;
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP and UNSUBACK: a packet id alone; and, as decodeEmpty,
 *  PINGREQ, PINGRESP and DISCONNECT (the types from PINGREQ on): no body at all. One function
 *  for both: they differ only in the body's size. */
export function decodeAck(header: number, body: Uint8Array): AckPacket | EmptyPacket {
  const type = header >> 4;
  const size = type < PacketType.PINGREQ ? 2 : 0;
  // Flags 0010 for PUBREL [MQTT-3.6.1-1], 0000 for the others [MQTT-2.2.2-2].
  check((header & 15) === (type === PacketType.PUBREL ? 2 : 0) && body.length === size);
  return size ? { type: type as AckPacket["type"], packetId: packetIdAt(body, 0) } : { type: type as EmptyPacket["type"] };
}

export function decodeSuback(header: number, body: Uint8Array): SubackPacket {
  const size = body.length;
  check(header === 0x90 && size > 2); // flags 0000 [MQTT-2.2.2-2]; an id and a return code at least
  const returnCodes: number[] = [];
  for (let i = 2; i < size; i++) {
    const code = body[i];
    check(code < 3 || code === 0x80); // [MQTT-3.9.3-2]
    returnCodes[i - 2] = code;
  }
  return { type: PacketType.SUBACK, packetId: packetIdAt(body, 0), returnCodes: returnCodes };
}

/** PINGREQ, PINGRESP and DISCONNECT: flags 0000 and no body at all (decodeAck). */
export const decodeEmpty = decodeAck;

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
