// Writing helpers shared by the encoders: every packet is sized first, allocated once
// with its fixed header written, then filled in place.
import { mqttError } from "./errors";
import { badArgument, writeUtf8 } from "./bytes";

const MAX_REMAINING = 268435455; // 4 bytes of remaining length (section 2.2.3)

export { badArgument };

/** Allocates a packet of `remaining` body bytes and writes its fixed header; the body
 *  starts at `buf.length - remaining`. */
export function allocPacket(header: number, remaining: number): Uint8Array {
  if (remaining > MAX_REMAINING) throw mqttError("TOO_LARGE", "packet over 256 MB");
  const lengthBytes = remaining < 128 ? 1 : remaining < 16384 ? 2 : remaining < 2097152 ? 3 : 4;
  const buf = new Uint8Array(1 + lengthBytes + remaining);
  buf[0] = header;
  let x = remaining;
  for (let o = 1; o <= lengthBytes; o++) {
    const digit = x % 128;
    x = (x - digit) / 128;
    buf[o] = x > 0 ? digit | 128 : digit;
  }
  return buf;
}

export function writeU16(buf: Uint8Array, o: number, value: number): number {
  buf[o] = value >> 8;
  buf[o + 1] = value & 255;
  return o + 2;
}

/** Writes a length-prefixed string whose UTF-8 length `size` was measured already. */
export function writeString(buf: Uint8Array, o: number, str: string, size: number): number {
  buf[o] = size >> 8;
  buf[o + 1] = size & 255;
  o += 2;
  if (size !== str.length) return writeUtf8(str, buf, o);
  for (let i = 0; i < size; i++) buf[o + i] = str.charCodeAt(i); // ASCII fast path
  return o + size;
}

/** Writes length-prefixed binary data (will message, password). */
export function writeBinary(buf: Uint8Array, o: number, data: Uint8Array): number {
  o = writeU16(buf, o, data.length);
  buf.set(data, o);
  return o + data.length;
}

/** Checks a packet identifier: an integer 1..65535 [MQTT-2.3.1-1]. */
export function checkPacketId(id: number): void {
  if (!(id >= 1 && id <= 0xffff && id % 1 === 0)) throw badArgument("packetId must be 1..65535");
}

/** Checks a QoS level and returns it. */
export function checkQos(qos: number): number {
  if (qos !== 0 && qos !== 1 && qos !== 2) throw badArgument("qos must be 0, 1 or 2");
  return qos;
}

/** Length of length-prefixed binary data, which must fit in 16 bits. */
export function binaryLength(data: Uint8Array): number {
  if (!data || typeof data.length !== "number") throw badArgument("not bytes");
  if (data.length > 0xffff) throw badArgument("data over 65535 bytes");
  return data.length;
}
