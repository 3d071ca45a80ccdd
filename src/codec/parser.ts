// A stream parser in the style of ws's receiver.js: a numbered state (fixed-header byte,
// remaining-length bytes, body) survives between chunks, so a chunk may end anywhere.
// Closures rather than a class: in the bundle a local is one letter, a property of `this`
// three or more (and the class boilerplate goes). On Espruino the closures copy their code
// into RAM at each connect; measured, that costs about the JsVars a class's longer code does.
import { BodyDecoder, DecoderTable, Packet } from "./types";
import { check } from "./reader";
import { allocBytes, grouped, tooLarge } from "./bytes";

export interface PacketParser {
  /** Feeds bytes; throws a PROTOCOL or TOO_LARGE Error on bad input (packets completed
   *  before it in the same chunk were delivered). Any throw, an error from onPacket too,
   *  leaves the parser refusing input (PROTOCOL) until reset(); so does a push() from
   *  inside onPacket, which no socket makes: their data events come on later turns. */
  push(chunk: Uint8Array): void;
  /** Discards any partial packet and a previous error; called from onPacket, the rest of
   *  that chunk too. */
  reset(): void;
}

/** TOO_LARGE unless a packet of `size` bytes is within `maxPacketSize` (0: no bound but the
 *  protocol's). */
export function checkPacketSize(size: number, maxPacketSize: number): void {
  "ram";
  if (maxPacketSize && size > maxPacketSize) throw tooLarge(size, "maxPacketSize " + grouped(maxPacketSize));
}

/** `maxPacketSize` bounds a whole packet (fixed header + body); 0 means no bound but the
 *  protocol's own. `onPacket` is called for each whole packet, in order. */
export const PacketParser = function (
  this: PacketParser,
  decoders: DecoderTable,
  maxPacketSize: number,
  onPacket: (p: Packet) => void,
) {
  // 0: the fixed header's first byte; 1..4: its nth remaining-length byte; 5: a body that
  // spans chunks. -1 while push() runs: a throw leaves it so (input refused), and a reset()
  // from onPacket, which sets 0, ends the loop.
  let state = 0;
  let header: number;
  let decode: BodyDecoder; // the decoder of this packet's type
  let remaining: number; // in state 5, the bytes still missing from `body`
  let body: Uint8Array | null; // from state 5 on; only a view on the chunk if it holds all

  this.push = function (chunk) {
    "ram";
    const size = chunk.length;
    let s = state;
    let pos = 0;
    check(s >= 0); // failed earlier: reset() first
    state = -1;
    while (pos < size && state < 0) {
      if (s < 5) {
        let b = chunk[pos++];
        if (!s) {
          // Types 0 and 15 and any type not acceptable here fail on the first byte.
          check((decode = decoders[b >> 4] as BodyDecoder));
          header = b;
          remaining = 0;
          s = 1;
          // The first remaining-length byte in the same pass, if the chunk holds it: on
          // Espruino every pass reads the loop's whole text again.
          if (pos === size) continue;
          b = chunk[pos++];
        }
        remaining |= (b & 127) << (7 * s - 7);
        if (b & 128) {
          check(s++ < 4); // at most 4 remaining-length bytes [MQTT-2.2.3]
          continue;
        }
        // Checked before any body buffer exists, so a huge length allocates nothing; past what
        // the platform can hold, TOO_LARGE too (allocBytes).
        checkPacketSize(1 + s + remaining, maxPacketSize);
        if (size - pos < remaining) {
          body = allocBytes(remaining);
          s = 5;
          continue;
        }
        // The whole body is in this chunk: decode from a view, no copy.
        body = chunk.subarray(pos, (pos += remaining));
      } else {
        // Not past the chunk's end: Espruino's subarray does not clamp it.
        const n = Math.min(remaining, size - pos);
        (body as Uint8Array).set(chunk.subarray(pos, (pos += n)), (body as Uint8Array).length - remaining);
        if ((remaining -= n)) continue;
      }
      s = 0;
      onPacket(decode(header, body as Uint8Array));
      body = null; // not kept once delivered: it may be large
    }
    if (state < 0) state = s;
  };

  this.reset = function () {
    state = 0;
  };
} as unknown as new (decoders: DecoderTable, maxPacketSize: number, onPacket: (p: Packet) => void) => PacketParser;
