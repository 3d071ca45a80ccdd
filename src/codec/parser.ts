// A stream parser in the style of ws's receiver.js: a numbered state (fixed-header byte,
// remaining-length bytes, body) survives between chunks, so a chunk may end anywhere.
import { DecoderTable, Packet } from "./types";
import { mqttError } from "./errors";

const HEADER = 0;
const LENGTH = 1;
const BODY = 2;

export class PacketParser {
  private state = HEADER;
  private header = 0;
  private remaining = 0;
  private lengthBytes = 0;
  private multiplier = 1;
  private body: Uint8Array | null = null; // a body that spans chunks, filled up to `filled`
  private filled = 0;
  private failed = false;
  private generation = 0; // bumped by reset(), so a reset from onPacket stops the loop

  /** `maxPacketSize` bounds a whole packet (fixed header + body); 0 means no bound but the
   *  protocol's own. `onPacket` is called for each whole packet, in order. */
  constructor(
    private decoders: DecoderTable,
    private maxPacketSize: number,
    private onPacket: (p: Packet) => void,
  ) {}

  /** Discards any partial packet and a previous error. */
  reset(): void {
    this.state = HEADER;
    this.body = null;
    this.failed = false;
    this.generation++;
  }

  /** Feeds bytes; throws a PROTOCOL or TOO_LARGE Error on bad input (packets completed
   *  before it in the same chunk were delivered). Any throw, an error from onPacket too,
   *  leaves the parser refusing input (PROTOCOL) until reset(). */
  push(chunk: Uint8Array): void {
    if (this.failed) throw mqttError("PROTOCOL", "parser failed earlier; reset() first");
    try {
      this.parse(chunk);
    } catch (e) {
      this.failed = true;
      throw e;
    }
  }

  private parse(chunk: Uint8Array): void {
    const size = chunk.length;
    const generation = this.generation;
    let pos = 0;
    while (pos < size && generation === this.generation) {
      if (this.state === HEADER) {
        const header = chunk[pos++];
        // Fail on the first byte for types 0 and 15 and any type not acceptable here.
        if (!this.decoders[header >> 4]) throw mqttError("PROTOCOL", "unexpected packet type");
        this.header = header;
        this.remaining = 0;
        this.lengthBytes = 0;
        this.multiplier = 1;
        this.state = LENGTH;
      } else if (this.state === LENGTH) {
        const b = chunk[pos++];
        this.remaining += (b & 127) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes++;
        if (b & 128) {
          // At most 4 bytes of remaining length [MQTT-2.2.3]
          if (this.lengthBytes === 4) throw mqttError("PROTOCOL", "remaining length over 4 bytes");
          continue;
        }
        const remaining = this.remaining;
        // Checked before any body buffer exists, so a huge length allocates nothing.
        if (this.maxPacketSize > 0 && 1 + this.lengthBytes + remaining > this.maxPacketSize) {
          throw mqttError("TOO_LARGE", "packet over maxPacketSize");
        }
        if (size - pos >= remaining) {
          // The whole body is in this chunk: decode from a view, no copy.
          const body = chunk.subarray(pos, pos + remaining);
          pos += remaining;
          this.state = HEADER;
          this.deliver(body);
        } else {
          this.body = new Uint8Array(remaining);
          this.filled = 0;
          this.state = BODY;
        }
      } else {
        const body = this.body as Uint8Array;
        const n = Math.min(body.length - this.filled, size - pos);
        body.set(chunk.subarray(pos, pos + n), this.filled);
        this.filled += n;
        pos += n;
        if (this.filled === body.length) {
          this.body = null;
          this.state = HEADER;
          this.deliver(body);
        }
      }
    }
  }

  private deliver(body: Uint8Array): void {
    const decoder = this.decoders[this.header >> 4] as (h: number, b: Uint8Array) => Packet;
    this.onPacket(decoder(this.header, body));
  }
}
