// An incoming PUBLISH over maxPacketSize, skipped as its bytes arrive: MQTT 3.1.1 cannot tell
// the broker the limit, and a message dropped with the connection (a retained one above all)
// would come again at every reconnect. Only what its acknowledgement needs is kept: the
// topic's length, to find the packet id after it (QoS 1 and 2). Module code, not a closure of
// the parser: on Espruino a closure's code is copied into RAM at every connect. A plain object
// and a function, not a class: a class costs Espruino a constructor and a prototype more.
import { check } from "./errors";

/** A PUBLISH passing by; the parser makes it with `id` and `got` 0 and `idAt` -1. */
export interface Skip {
  header: number;
  left: number; // bytes of the body still to come
  id: number; // the packet id once read; 0 at QoS 0
  got: number; // bytes of the body so far
  idAt: number; // where the packet id begins, once the topic's length is known (QoS 1 and 2)
}

/** Takes what `skip` needs of chunk[pos..] and returns the position after it; `left` is 0
 *  once the packet has passed (PROTOCOL if it ended before its packet id). */
export function skipBytes(skip: Skip, chunk: Uint8Array, pos: number): number {
  while (pos < chunk.length && skip.left) {
    const got = skip.got;
    // Read one by one: the topic's length (bytes 0 and 1), and the id (the 2 after the topic).
    let step = 1;
    if (got < 2) skip.id = (skip.id << 8) | chunk[pos];
    else if (got < skip.idAt + 2 && got >= skip.idAt) skip.id = (skip.id << 8) | chunk[pos];
    else step = Math.min(chunk.length - pos, skip.left, got < skip.idAt ? skip.idAt - got : skip.left);
    if (got === 1) {
      // The topic's length is read: the id follows the topic at QoS 1 and 2.
      if ((skip.header >> 1) & 3) skip.idAt = 2 + skip.id;
      skip.id = 0;
    }
    pos += step;
    skip.got += step;
    skip.left -= step;
  }
  if (!skip.left) check(skip.got >= skip.idAt + 2);
  return pos;
}
