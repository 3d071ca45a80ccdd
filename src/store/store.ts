// The interface between the client and a durable session store (flash on Espruino, files on
// Node, or a user's own: FRAM, an SD card). Synchronous, because Espruino's Storage is: a
// call that returns has done its work, so a power cut after it loses nothing.
import type { MqttError } from "../codec/errors";

/** Where a stored publish stands in the session (StoredMessage.stage). */
export const enum Stage {
  NEW = 0, // not sent in this session: it gets a packet id when it is sent
  SENT = 1, // the PUBLISH went with `id`; awaiting PUBACK or PUBREC
  RELEASED = 2, // QoS 2: PUBREC came; PUBREL goes with `id`, awaiting PUBCOMP
}

/** One stored QoS 1/2 PUBLISH and where it stands in the current session. */
export interface StoredMessage {
  /** Given by add(); increases with every add, so keys order messages as they were stored. */
  key: number;
  /** The PUBLISH as add() took it (packet id 0); the client sets the id and DUP when sending. */
  packet: Uint8Array;
  /** The packet id it was sent with (stage 1 or 2); 0 at stage 0. */
  id: number;
  /** 0: not sent in this session; 1: PUBLISH sent with `id`; 2: PUBREC received, PUBREL goes. */
  stage: 0 | 1 | 2;
}

export interface OpenResult {
  /** Incoming QoS 2 packet ids still awaiting PUBREL. */
  held: number[];
  /** The highest packet id of a message in flight (0 or absent: none known). */
  lastId?: number;
  /** Set when some of what the store found was not its own or not whole (code `CORRUPT`,
   *  the message says which files): it was skipped, and the store works without it. */
  corrupt?: MqttError;
}

export interface Store {
  /** Reads what a previous run left. Never throws: a record a power cut tore is skipped as
   *  if never written; foreign or damaged data is skipped and reported in `corrupt`. */
  open(): OpenResult;
  /** Stores one QoS 1/2 PUBLISH packet (encoded with packet id 0) and returns its key. The
   *  record is wholly there when it returns. Throws an Error with code QUEUE_FULL when the
   *  store's maxBytes (or the medium) has no room (nothing written), TOO_LARGE when the
   *  packet could never fit, BAD_ARGUMENT when it is not a non-empty Uint8Array. */
  add(packet: Uint8Array): number;
  /** The oldest stored message with key > after (after = -1 for the first), or undefined.
   *  Read from the medium: RAM does not grow with what is stored. */
  next(after: number): StoredMessage | undefined;
  /** The PUBLISH went with packet id `id` (1 to 65535). */
  sent(key: number, id: number): void;
  /** PUBREC came; PUBREL goes from now on. */
  released(key: number): void;
  /** PUBACK or PUBCOMP came: the message is done. An unknown key is ignored. */
  remove(key: number): void;
  /** An incoming QoS 2 PUBLISH with this id was delivered; PUBREL has not come yet. */
  hold(id: number): void;
  /** PUBREL came for this id. */
  release(id: number): void;
  /** connect(true), or a CONNACK without a session: forgets every id, stage and held id. The
   *  messages stay, to be sent again as new (at least once). */
  clearSession(): void;
  /** Messages stored and not removed. */
  count(): number;
}

/** The options of flashStore() and fileStore(). */
export interface StoreOptions {
  /** The most bytes of flash or disk the store takes, its files' headers included. */
  maxBytes: number;
}
