// The interface between the client and a session store: what the client keeps of MQTT's
// session state (4.1) outside RAM, so that a reset or a power cut loses none of it.
// Synchronous, as Espruino's Storage is: each call has taken effect when it returns.

/** Where a stored publish stands in the session. */
export const enum Stage {
  NEW = 0, // not sent in this session: it gets a packet id when it is sent
  SENT = 1, // the PUBLISH went with `id`; awaiting PUBACK or PUBREC
  RELEASED = 2, // QoS 2: PUBREC came; PUBREL goes with `id`, awaiting PUBCOMP
}

export interface StoredMessage {
  key: number; // increasing in the order the messages were added
  packet: Uint8Array; // the PUBLISH as added: QoS 1 or 2, packet id 0
  id: number; // the packet id it went with (0 at Stage.NEW)
  stage: Stage;
}

/**
 * A store keeps each QoS 1 or 2 publish from the moment publish() takes it until its PUBACK
 * or PUBCOMP, where it stands, and the incoming QoS 2 ids awaiting PUBREL. A user's own
 * store (FRAM, an SD card) implements these methods; a record must be wholly there or
 * wholly absent after a power cut at any moment.
 */
export interface Store {
  /** Reads what a previous run left: the incoming QoS 2 ids still held, and the highest
   *  packet id of a message in flight (0: none). */
  open(): { held: number[]; lastId: number };
  /** Keeps one PUBLISH; returns its key. Throws an Error with code QUEUE_FULL when the store
   *  is full, TOO_LARGE when the packet could never fit; nothing is kept then. */
  add(packet: Uint8Array): number;
  /** The oldest message with a key above `after` (-1: the first), or undefined. */
  next(after: number): StoredMessage | undefined;
  /** The PUBLISH of `key` went with packet id `id`. */
  sent(key: number, id: number): void;
  /** QoS 2: the PUBREC of `key` came. */
  released(key: number): void;
  /** PUBACK or PUBCOMP: `key` is done. */
  remove(key: number): void;
  /** An incoming QoS 2 id, held until its PUBREL, and its release. */
  hold(id: number): void;
  release(id: number): void;
  /** The session ended (a clean connect, or a broker without it): ids, stages and held ids
   *  are forgotten; the messages stay, to be sent again as new ones. */
  clearSession(): void;
  /** The messages kept. */
  count(): number;
}
