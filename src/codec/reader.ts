// The checks of every decoder, and a position over one packet's body for the server side's
// decoders; every read past the end is PROTOCOL (a truncated field).
import { mqttError } from "./errors";
import { decodeUtf8 } from "./bytes";

export function protocolError(message: string): Error {
  return mqttError("PROTOCOL", message);
}

/** Throws PROTOCOL unless `ok` is truthy: the client's decoders and parser join their
 *  conditions into calls of this, so the bundle holds one throw and one short message. */
export function check(ok: unknown): void {
  "ram";
  if (!ok) throw protocolError("bad packet");
}

/** Throws unless the low nibble of the fixed header is `flags` [MQTT-2.2.2-1,2]. */
export function checkFlags(header: number, flags: number): void {
  check((header & 15) === flags);
}

export class Reader {
  pos = 0;
  constructor(public buf: Uint8Array) {}

  private need(n: number): number {
    const at = this.pos;
    if (at + n > this.buf.length) throw protocolError("truncated packet");
    this.pos = at + n;
    return at;
  }

  u8(): number {
    return this.buf[this.need(1)];
  }

  u16(): number {
    const at = this.need(2);
    return (this.buf[at] << 8) | this.buf[at + 1];
  }

  /** A packet identifier, which is never 0 [MQTT-2.3.1-1]. */
  packetId(): number {
    const id = this.u16();
    if (id === 0) throw protocolError("packet id 0");
    return id;
  }

  /** A length-prefixed UTF-8 string [MQTT-1.5.3]. */
  string(): string {
    const n = this.u16();
    const at = this.need(n);
    return decodeUtf8(this.buf, at, at + n);
  }

  /** Length-prefixed binary data, as a view on the body. */
  bytes(): Uint8Array {
    const n = this.u16();
    const at = this.need(n);
    return this.buf.subarray(at, at + n);
  }

  more(): boolean {
    return this.pos < this.buf.length;
  }

  /** Nothing may follow a packet's last field. */
  end(): void {
    if (this.pos !== this.buf.length) throw protocolError("trailing bytes");
  }
}
