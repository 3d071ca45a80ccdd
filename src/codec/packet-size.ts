// The bound on a whole packet (fixed header and body), on both sides: the parser refuses a
// packet from the broker past maxPacketSize from its length alone, and the client refuses to
// send one past maxPacketSize or, in MQTT 5, past the broker's Maximum Packet Size
// [MQTT-3.2.2-15].
import { grouped, tooLarge } from "./bytes";

/** The size of a whole packet whose body (remaining length) is `remaining` bytes: the header
 *  byte, the remaining length in 1 to 4 bytes [MQTT-2.2.3], and the body. */
export function packetSize(remaining: number): number {
  return 1 + (remaining < 128 ? 1 : remaining < 16384 ? 2 : remaining < 2097152 ? 3 : 4) + remaining;
}

/** TOO_LARGE unless a packet of `size` bytes is within `maxPacketSize` (0: no bound but the
 *  protocol's). */
export function checkPacketSize(size: number, maxPacketSize: number): void {
  "ram";
  if (maxPacketSize && size > maxPacketSize) throw tooLarge(size, "maxPacketSize " + grouped(maxPacketSize));
}
