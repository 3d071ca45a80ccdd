// Writing helpers shared by the encoders: a packet is a list of fields, sized first,
// allocated once with its fixed header, then filled in place.
import { badArgument, mqttError } from "./errors";
import { allocBytes, encodeUtf8 } from "./bytes";
import { packetSize } from "./packet-size";

/**
 * A field of a packet body: a string (length-prefixed UTF-8, [MQTT-1.5.3]), bytes
 * (length-prefixed binary data: will message, password) or an array of single bytes.
 */
export type Field = string | Uint8Array | number[];

/** Allocates a packet of `remaining` body bytes and writes its fixed header; the body
 *  starts at `buf.length - remaining`. */
export function allocPacket(header: number, remaining: number): Uint8Array {
  if (remaining > 268435455) throw mqttError("TOO_LARGE", "over 256 MB"); // 4 length bytes [MQTT-2.2.3]
  const buf = allocBytes(packetSize(remaining));
  buf[0] = header;
  // The remaining length, 7 bits a byte, lowest first; the top bit says another byte follows.
  let o = 1;
  let x = remaining;
  do buf[o++] = x > 127 ? (x & 127) | 128 : x;
  while ((x >>>= 7));
  return buf;
}

/** The packet `header`, `fields`, then `payload` as is (PUBLISH). */
export function encodePacket(header: number, fields: Field[], payload?: Uint8Array): Uint8Array {
  // Each field as bytes, with a length prefix before strings and bytes.
  const parts: (Uint8Array | number[])[] = [];
  let remaining = payload ? payload.length : 0;
  for (let i = 0; i < fields.length; i++) {
    let part = fields[i];
    if (!(part instanceof Array)) {
      // Strings as UTF-8 bytes, once (on Espruino ASCII is its own UTF-8, viewed natively: a walk
      // in interpreted JS costs tens of microseconds a character there). encodeUtf8 refuses
      // what is not a string, U+0000 and over 64 KB [MQTT-1.5.3].
      if (!(part instanceof Uint8Array)) part = encodeUtf8(typeof part == "string" ? part : "\0", true);
      if (part.length > 0xffff) throw badArgument("data over 64 KB"); // length-prefixed [MQTT-1.5.6]
      parts.push([part.length >> 8, part.length & 255]);
      remaining += 2;
    }
    parts.push(part);
    remaining += part.length;
  }
  const buf = allocPacket(header, remaining);
  let o = buf.length - remaining;
  // Uint8Array.set copies arrays of numbers as well as typed arrays.
  for (let i = 0; i < parts.length; i++) {
    buf.set(parts[i], o);
    o += parts[i].length;
  }
  if (payload) buf.set(payload, o);
  return buf;
}

export function writeU16(buf: Uint8Array, o: number, value: number): number {
  buf[o] = value >> 8;
  buf[o + 1] = value & 255;
  return o + 2;
}

/** A packet identifier as two bytes. */
export function idBytes(id: number): number[] {
  return [id >> 8, id & 255];
}

/** A packet identifier is an integer 1..65535 [MQTT-2.3.1-1]. */
export function checkPacketId(id: number): void {
  if (!(id >= 1 && id <= 0xffff && id % 1 === 0)) throw badArgument("bad packetId");
}

/** Checks a QoS level and returns it. */
export function checkQos(qos: number): number {
  if (qos !== 0 && qos !== 1 && qos !== 2) throw badArgument("bad qos");
  return qos;
}
