// An incoming PUBLISH over maxPacketSize, skipped as its bytes arrive: MQTT 3.1.1 cannot tell
// the broker the limit, and a message dropped with the connection (a retained one above all)
// would come again at every reconnect. Only what its acknowledgement needs is kept: the
// topic's length, to find the packet id after it (QoS 1 and 2). Module code, not a closure of
// the parser: on Espruino a closure's code is copied into RAM at every connect.
import { check } from "./errors";

/** A PUBLISH passing by, in place of its body's buffer: the parser copies the body into it as
 *  into a Uint8Array of `length` bytes, with set(bytes, at), and it keeps the packet id alone.
 *  The parser makes it as { length, header, topicLength: 0, id: 0, set: skipSet }. */
export interface Skip {
  length: number; // the body's size
  header: number;
  topicLength: number; // read from the body's first 2 bytes
  id: number; // the packet id once read; 0 at QoS 0
  set(bytes: Uint8Array, at: number): void;
}

/** Takes from `bytes`, the body's bytes from `at` on, what it needs: the topic's length (bytes 0
 *  and 1), then at QoS 1 and 2 the packet id (the 2 bytes after the topic). At the body's end,
 *  PROTOCOL if it was too short to hold them, as decodePublish refuses such a body. */
export function skipSet(this: Skip, bytes: Uint8Array, at: number): void {
  const self = this;
  const end = at + bytes.length;
  for (let k = at; k < 2 && k < end; k++) self.topicLength = (self.topicLength << 8) | bytes[k - at];
  // Read from offset 2 on only, when both bytes of the topic's length have come.
  const idAt = 2 + self.topicLength;
  const idEnd = (self.header >> 1) & 3 ? idAt + 2 : idAt;
  for (let k = Math.max(at, idAt); k < idEnd && k < end; k++) self.id = (self.id << 8) | bytes[k - at];
  if (end === self.length) check(end >= idEnd);
}
