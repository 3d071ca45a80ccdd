// A position over one packet's body for the server side's decoders; every read past the end
// is PROTOCOL (a truncated field).
import { protocolError } from "../errors";
import { decodeUtf8 } from "../bytes";

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
