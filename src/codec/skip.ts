// An incoming PUBLISH over maxPacketSize, skipped as its bytes arrive: MQTT 3.1.1 cannot tell
// the broker the limit, and a message dropped with the connection (a retained one above all)
// would come again at every reconnect. Only what its acknowledgement needs is kept: the
// topic's length, to find the packet id after it (QoS 1 and 2). Module code, not a closure of
// the parser: on Espruino a closure's code is copied into RAM at every connect.
import { check } from "./errors";

export class Skip {
  left: number; // bytes of the body still to come
  id = 0; // the packet id once read; 0 at QoS 0
  private got = 0; // bytes of the body so far
  private idAt = -1; // where the packet id begins, once the topic's length is known (QoS 1 and 2)

  constructor(
    readonly header: number,
    size: number,
  ) {
    this.left = size;
  }

  /** Takes what it needs of chunk[pos..] and returns the position after it; `left` is 0 once
   *  the packet has passed (PROTOCOL if it ended before its packet id). */
  take(chunk: Uint8Array, pos: number): number {
    const self = this;
    while (pos < chunk.length && self.left) {
      const got = self.got;
      // Read one by one: the topic's length (bytes 0 and 1), and the id (the 2 after the topic).
      let step = 1;
      if (got < 2) self.id = (self.id << 8) | chunk[pos];
      else if (got < self.idAt + 2 && got >= self.idAt) self.id = (self.id << 8) | chunk[pos];
      else step = Math.min(chunk.length - pos, self.left, got < self.idAt ? self.idAt - got : self.left);
      if (got === 1) {
        // The topic's length is read: the id follows the topic at QoS 1 and 2.
        if ((self.header >> 1) & 3) self.idAt = 2 + self.id;
        self.id = 0;
      }
      pos += step;
      self.got += step;
      self.left -= step;
    }
    if (!self.left) check(self.got >= self.idAt + 2);
    return pos;
  }
}
