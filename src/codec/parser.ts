// A stream parser in the style of ws's receiver.js: a state (fixed-header byte,
// remaining-length bytes, body) survives between chunks, so a chunk may end anywhere.
// Closures rather than a class: in the bundle a local is one letter, a property of `this`
// three or more (and the class boilerplate goes). On Espruino the closures copy their code
// into RAM at each connect; measured, that costs about the JsVars a class's longer code does.
import { BodyDecoder, DecoderTable, Packet } from "./types";
import { check } from "./errors";
import { checkPacketSize } from "./packet-size";
import { allocBytes } from "./bytes";
import { Skip, skipSet } from "./skip";

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

/** Where the parser is in a packet: what the next byte is. A const enum: TypeScript writes the
 *  numbers in its place, so the bundle holds no object for it. */
const enum State {
  /** push() is running, or it threw: input is refused until reset(). */
  BUSY = -1,
  /** The fixed header's first byte. */
  HEADER = 0,
  /** The first remaining-length byte; LENGTH + n the one n bytes later. LENGTH is 1, so the
   *  state is also the count of length bytes read so far. */
  LENGTH = 1,
  /** The last one a packet may have: at most 4 [MQTT-2.2.3]. */
  LAST_LENGTH = 4,
  /** A body that spans chunks, copied into `body`. */
  BODY = 5,
  /** MQTT 3.1.1: a PUBLISH over maxPacketSize passing by, copied into a Skip in place of
   *  `body`, which keeps only its packet id (skip.ts). */
  SKIP = 6,
}

/** `maxPacketSize` bounds a whole packet (fixed header + body); 0 means no bound but the
 *  protocol's own. `onPacket` is called for each whole packet, in order. With `onSkipped`, a
 *  PUBLISH over `maxPacketSize` is skipped instead of refused (Skip), and onSkipped(header,
 *  packetId) is called in its place. */
export const PacketParser = function (
  this: PacketParser,
  decoders: DecoderTable,
  maxPacketSize: number,
  onPacket: (p: Packet) => void,
  onSkipped?: (header: number, packetId: number) => void,
) {
  // BUSY while push() runs: a throw leaves it so (input refused), and a reset() from
  // onPacket, which sets HEADER, ends the loop.
  let state: number = State.HEADER;
  let header: number;
  let decode: BodyDecoder; // the decoder of this packet's type
  let remaining: number; // in states BODY and SKIP, the bytes still missing from `body`
  // From state BODY on; only a view on the chunk if it holds all; in state SKIP a Skip.
  let body: Uint8Array | Skip | null;

  this.push = function (chunk) {
    "ram";
    const size = chunk.length;
    let s = state;
    let pos = 0;
    check(s >= State.HEADER); // not BUSY: one that failed earlier waits for reset()
    state = State.BUSY;
    while (pos < size && state < State.HEADER) {
      if (s < State.BODY) {
        let b = chunk[pos++];
        if (!s) {
          // State.HEADER, which is 0 (a comparison would cost the bundle bytes)
          // Types 0 and 15 and any type not acceptable here fail on the first byte.
          check((decode = decoders[b >> 4] as BodyDecoder));
          header = b;
          remaining = 0;
          s = State.LENGTH;
          // The first remaining-length byte in the same pass, if the chunk holds it: on
          // Espruino every pass reads the loop's whole text again.
          if (pos === size) continue;
          b = chunk[pos++];
        }
        remaining |= (b & 127) << (7 * s - 7 * State.LENGTH); // lowest 7 bits first
        if (b & 128) {
          check(s++ < State.LAST_LENGTH); // [MQTT-2.2.3]
          continue;
        }
        // The header byte, s length bytes (LENGTH is 1) and the body, checked before any body
        // buffer exists, so a huge length allocates nothing; past what the platform can hold,
        // TOO_LARGE too (allocBytes). MQTT 3.1.1 (onSkipped): a PUBLISH over it passes by.
        if (maxPacketSize && 1 + s + remaining > maxPacketSize) {
          if (!onSkipped || header >> 4 != 3) checkPacketSize(1 + s + remaining, maxPacketSize);
          body = { length: remaining, header: header, topicLength: 0, id: 0, set: skipSet };
          s = State.SKIP;
          continue;
        }
        if (size - pos < remaining) {
          body = allocBytes(remaining);
          s = State.BODY;
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
      // A PUBLISH skipped is reported in place of the packet.
      if (s > State.BODY) (onSkipped as (header: number, packetId: number) => void)(header, (body as Skip).id);
      else onPacket(decode(header, body as Uint8Array));
      s = State.HEADER;
      body = null; // not kept once delivered: it may be large
    }
    if (state < State.HEADER) state = s; // still BUSY: no reset() from onPacket
  };

  this.reset = function () {
    state = State.HEADER;
  };
} as unknown as new (
  decoders: DecoderTable,
  maxPacketSize: number,
  onPacket: (p: Packet) => void,
  onSkipped?: (header: number, packetId: number) => void,
) => PacketParser;
