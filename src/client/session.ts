// The client's side of MQTT's session state (4.1): the requests awaiting an acknowledgement,
// with their packet ids and retransmission, and the publishes waiting for an in-flight slot;
// the incoming QoS 2 ids held until PUBREL; and, with a store, the publishes kept in it.
// Plain functions over fields of the client (Session), not an object of their own: on
// Espruino every object costs memory, and the client's fields are there anyway.
import { heapRoom } from "../codec/bytes";
import { mqttError, MqttError, protocolError } from "../codec/errors";
import { onEspruino } from "../codec/platform";
import { PacketType, QoS } from "../codec/types";
import { encodeAck, setPacketId } from "../codec/encode-client";
import { Stage, Store, StoredMessage } from "../store/store";
import { Config } from "./config";
import { Queue } from "./queue";
import { Deferred, reject, resolvedPromise, settler, Settler } from "./settle";
import { refuseFull } from "./refusals";
import { MQTT5 } from "./version";
import { Aliases, Limits, setAlias } from "./v5";

/** A request awaiting its acknowledgement: a PUBLISH (or its PUBREL), SUBSCRIBE or UNSUBSCRIBE. */
export interface Pending extends Settler {
  id: number;
  expect: PacketType; // the acknowledgement that settles this step
  bytes: Uint8Array; // what is sent, and sent again
  sends: number; // writes in this step: after the first, a PUBLISH goes with DUP
  sentAt?: number; // set by transmit(); undefined while it waits for the window (resume())
  tries: number; // retransmissions so far: a PUBLISH up to maxRepubs, a subscription none
  alias?: number; // MQTT 5: the topic alias this PUBLISH sets, once written
  key?: number; // a stored publish: its key in the store (its promise settled when stored)
}

/** QoS 2 message ids held for their PUBREL at most (about a JsVar each on Espruino). Brokers
 *  bound what they have in flight (Mosquitto: 20 by default), but one set to no bound resends a
 *  persistent session's backlog at once; past this, the broker (or a man in the middle: TLS on
 *  Espruino does not check certificates) would fill the heap with ids never released. */
const MAX_HELD = 1000;

/** Node: bytes of publishes waiting for an in-flight slot at most, past which publish() is
 *  refused QUEUE_FULL (Espruino's bound is its heap: hasRoom()). */
const NODE_WAITING_BYTES = 16 << 20;

/** Espruino: the heap (bytes) that publishes waiting for a slot leave free, about 1,500
 *  JsVars: for the program, and for the then()s of what is refused (14 JsVars each) and of
 *  what settles (11 more). The ESP32 then takes a loop of 100 with a then() each; the
 *  ESP32-C3, with about 2,600 JsVars free beside the library, a few. */
const PUBLISH_RESERVE = 20000;

/** The client's fields that the session state lives in, and what it needs of the client. */
export interface Session {
  cfg: Config;
  now: number; // the ticker's time, in ms
  isConnected: boolean; // from the accepted CONNACK: requests are written as they come
  pending: Pending[]; // in the order sent
  inflight: number; // publishes in `pending`
  window: number; // publishes in flight at most: maxInflight, and under MQTT 5 the broker's Receive Maximum [MQTT-3.3.4-7]
  waiting?: Queue<Pending>; // publishes awaiting an in-flight slot (id 0); made when the first waits
  freeBefore: number; // Espruino: the heap free (bytes) when requests began to wait (hasRoom())
  waitingBytes: number; // Node: the bytes of the publishes in `waiting`
  previousId: number; // the packet id used last
  received: { [id: number]: boolean }; // incoming QoS 2 ids held until PUBREL
  holding: number; // ids in `received`
  store?: Store;
  cursor: number; // the key of the last stored publish taken into `pending`
  flushing?: Deferred<void> | null; // flushed()'s promise, shared, until nothing is unacknowledged
  requestsFull?: boolean; // a request was refused for want of room (hasRoom())
  limits?: Limits; // MQTT 5: the broker's limits
  aliases?: Aliases; // MQTT 5
  send(bytes: Uint8Array): void;
}

/** A request and its promise; a stored publish in flight (`key`) has none of its own:
 *  publish() settled when it was stored. */
export function newPending(id: number, expect: PacketType, bytes: Uint8Array, key?: number): Pending {
  const entry = { id: id, expect: expect, bytes: bytes, sends: 0, tries: 0 } as Pending;
  if (key === undefined) return settler(entry);
  entry.key = key;
  return entry;
}

function isPublish(entry: Pending): boolean {
  return entry.expect <= PacketType.PUBCOMP;
}

// ---- publishes ----

/**
 * QoS 1 and 2: settles on PUBACK or PUBCOMP. Past the in-flight window it waits, in order,
 * until an acknowledgement frees a slot (settle()): as many as memory holds (hasRoom()), then
 * QUEUE_FULL. It takes its packet id with its slot: ids are looked for among `pending`, which
 * a long line would make slow. With a store, settles once the store has it, and is sent from
 * there.
 */
export function publishAcked(s: Session, bytes: Uint8Array, qos: QoS, alias?: number): Promise<void> {
  const store = s.store;
  if (store) {
    store.add(bytes); // throws QUEUE_FULL or TOO_LARGE: nothing stored
    fill(s);
    return resolvedPromise(); // one for a burst, as QoS 0 publishes share
  }
  const slot = s.inflight < s.window;
  if (!slot && !hasRoom(s, 0, PUBLISH_RESERVE, bytes.length)) return refuseFull();
  const entry = newPending(0, qos === 1 ? PacketType.PUBACK : PacketType.PUBREC, bytes);
  if (MQTT5 && alias) entry.alias = alias;
  if (slot) takeSlot(s, entry);
  else {
    (s.waiting = s.waiting || new Queue<Pending>(Infinity)).put(entry);
    if (!onEspruino) s.waitingBytes += bytes.length;
  }
  return entry.promise;
}

/** A publish takes an in-flight slot, and its packet id. */
function takeSlot(s: Session, entry: Pending): void {
  setPacketId(entry.bytes, (entry.id = nextId(s)));
  s.inflight++;
  request(s, entry);
}

/**
 * Whether one more request may wait: a subscribe for its answer, a publish for a slot.
 * Everywhere the 65535 packet ids bound them (nextId()). On Espruino the heap does, as it does
 * QoS 0 bytes (link.room): while what is free stays above `keep` of what was free when the
 * first of them came (measured once, as process.memory() walks the heap) and above `reserve`
 * bytes; on Node, the bytes of the publishes that wait (`size` more, the bytes of this one). Refused once, the next are refused at
 * once, before they allocate anything, until a request settles.
 */
export function hasRoom(s: Session, keep: number, reserve: number, size?: number): boolean {
  if (s.requestsFull) return false;
  if (onEspruino) {
    // Measured now, the heap is checked against the reserve with that measure, not let by.
    const measured = !s.freeBefore;
    if (measured) s.freeBefore = heapRoom(16384);
    const floor = Math.max(s.freeBefore * keep, reserve);
    if ((measured ? s.freeBefore : heapRoom(floor)) < floor) s.requestsFull = true;
  } else if (s.waitingBytes + (size || 0) > NODE_WAITING_BYTES) s.requestsFull = true;
  return !s.requestsFull;
}

/** Connected and a slot free: the next stored publishes go, in the order stored. A publish
 *  the store has as sent goes again with its id and DUP, one released goes as its PUBREL
 *  [MQTT-4.4.0-1]. */
function fill(s: Session): void {
  const store = s.store as Store;
  let message: StoredMessage | undefined;
  while (s.isConnected && s.inflight < s.window && (message = store.next(s.cursor))) {
    s.cursor = message.key;
    // A copy: the id and DUP are written into it, and a store may hand out a view on flash.
    const packet = new Uint8Array(message.packet);
    const entry = newPending(0, packet[0] & 4 ? PacketType.PUBREC : PacketType.PUBACK, packet, message.key);
    if (message.stage === Stage.NEW) store.sent(message.key, (entry.id = nextId(s)));
    else entry.id = message.id;
    setPacketId(packet, entry.id);
    if (message.stage === Stage.RELEASED) {
      entry.expect = PacketType.PUBCOMP;
      entry.bytes = encodeAck(PacketType.PUBREL, entry.id);
    } else if (message.stage === Stage.SENT) packet[0] |= 8; // DUP: sent before [MQTT-3.3.1-1]
    s.inflight++;
    request(s, entry);
  }
}

/** Sends `entry` when connected, and awaits its acknowledgement; returns its promise
 *  (SUBSCRIBE and UNSUBSCRIBE: one try, answered within responseTime or TIMEOUT). */
export function request(s: Session, entry: Pending): Promise<unknown> {
  s.pending.push(entry);
  if (s.isConnected) transmit(s, entry);
  return entry.promise;
}

function transmit(s: Session, entry: Pending): void {
  let bytes = entry.bytes;
  // Awaiting PUBACK or PUBREC: the PUBLISH itself, sent again as a copy with DUP set
  // [MQTT-3.3.1-1] (the first write may still be queued unsent).
  if (entry.sends && entry.expect < PacketType.PUBREL && !(bytes[0] & 8)) {
    bytes = entry.bytes = new Uint8Array(bytes);
    bytes[0] |= 8;
  }
  entry.sends++;
  entry.sentAt = s.now;
  s.send(bytes);
  if (MQTT5 && entry.alias) setAlias(s.aliases as Aliases, entry.alias);
}

/** The next packet id that no request in flight holds [MQTT-2.3.1-2]; QUEUE_FULL when all
 *  65535 are held. */
export function nextId(s: Session): number {
  if (s.pending.length >= 65535) throw mqttError("QUEUE_FULL", "all packet ids in use");
  for (;;) {
    s.previousId = (s.previousId % 65535) + 1;
    if (findRequest(s, s.previousId) < 0) return s.previousId;
  }
}

function findRequest(s: Session, id: number): number {
  const pending = s.pending;
  for (let i = 0; i < pending.length; i++) if (pending[i].id === id) return i;
  return -1;
}

/**
 * Settles the request `id` that awaits `type`. An acknowledgement of no request (late, after
 * TIMEOUT; or a broker's answer to a DUP copy too) is ignored: MQTT 3.1.1 brokers send them,
 * and the ids come round again only after all 65535 others (nextId). `failure`: MQTT 5, the
 * broker refused.
 */
export function acknowledge(s: Session, type: PacketType, id: number, value?: unknown, failure?: MqttError): void {
  const i = findRequest(s, id);
  const entry = s.pending[i];
  // MQTT 5: a PUBREC that refuses ends the exchange, with no PUBREL (4.3.3).
  const refused = MQTT5 && failure;
  if (type === PacketType.PUBREC && !refused && (!entry || entry.expect === PacketType.PUBREC || entry.expect === PacketType.PUBCOMP)) {
    // QoS 2, second step: release, and await PUBCOMP [MQTT-4.3.3-1]. A repeated PUBREC (our
    // PUBREL was lost), or a late one after TIMEOUT, is answered with PUBREL too, so that the
    // broker does not hold the message for ever.
    const release = encodeAck(PacketType.PUBREL, id);
    if (!entry) return s.send(release);
    if (entry.expect === PacketType.PUBREC) {
      entry.sends = entry.tries = 0;
      if (entry.key !== undefined) (s.store as Store).released(entry.key);
    }
    entry.expect = PacketType.PUBCOMP;
    entry.bytes = release;
    return transmit(s, entry);
  }
  if (!entry || entry.expect !== type) {
    if (s.cfg.debug) console.log("mqtt_as", "ignored ack", id);
    return;
  }
  s.pending.splice(i, 1);
  settle(s, entry, value, failure);
}

/** A request is done: its promise settles, or a stored publish leaves the store; a
 *  publish's in-flight slot goes to the next waiting. */
function settle(s: Session, entry: Pending, value?: unknown, failure?: MqttError): void {
  if (entry.key !== undefined) {
    // Acknowledged, or refused by the broker (MQTT 5): either way the store is done with it.
    (s.store as Store).remove(entry.key);
  } else if (failure) reject(entry, failure);
  else entry.done(value);
  s.requestsFull = false;
  if (!s.pending.length) s.freeBefore = 0; // measured again when requests next wait
  if (isPublish(entry)) {
    s.inflight--;
    // MQTT 5: the first publish that resume() kept back from a window that had shrunk, if any.
    let parked: Pending | undefined;
    if (MQTT5 && (parked = findParked(s.pending))) transmit(s, parked);
    else if (s.store) fill(s);
    else {
      const next = s.waiting && s.waiting.shift();
      if (next) {
        if (!onEspruino) s.waitingBytes -= next.bytes.length;
        takeSlot(s, next);
      }
    }
  }
  checkFlushed(s);
}

function findParked(pending: Pending[]): Pending | undefined {
  for (let i = 0; i < pending.length; i++) if (pending[i].sentAt === undefined && isPublish(pending[i])) return pending[i];
  return undefined;
}

/**
 * Sends again what has waited responseTime for its answer, up to maxRepubs times; past that
 * it settles with TIMEOUT. A stored publish is not given up: the connection ends with TIMEOUT
 * instead, and the next one sends it again. Returns that error, for the client to end it.
 */
export function retransmit(s: Session): MqttError | undefined {
  const now = s.now;
  const responseMs = s.cfg.responseTime * 1000;
  const pending = s.pending;
  for (let i = 0; i < pending.length && s.isConnected; i++) {
    const entry = pending[i];
    if (entry.sentAt === undefined || now - entry.sentAt < responseMs) continue;
    if (entry.tries < (isPublish(entry) ? s.cfg.maxRepubs : 0)) {
      entry.tries++;
      transmit(s, entry);
      continue;
    }
    const error = mqttError("TIMEOUT", "no acknowledgement");
    if (entry.key !== undefined) return error;
    // Given up. An answer that comes late is ignored (acknowledge()).
    pending.splice(i--, 1);
    settle(s, entry, undefined, error);
  }
  return undefined;
}

/**
 * On an accepted CONNACK: unacknowledged publishes and releases go again, in their original
 * order [MQTT-4.4.0-1], as many as the window takes (it may have shrunk [MQTT-3.3.4-7]); the
 * rest wait. Without a session on the broker, the QoS 2 ids held are forgotten: no PUBREL
 * will come for them, and the broker numbers anew. A write that fails ends the connection,
 * and this stops there (`s.isConnected` false).
 */
export function resume(s: Session, sessionPresent: boolean): void {
  if (!sessionPresent) forgetSession(s);
  const store = s.store;
  if (store) {
    // The store says where each publish stands: they are read again from it. What `pending`
    // holds is stored publishes (rejectPending() kept no other), which the store still has.
    s.pending = [];
    s.inflight = 0;
    s.cursor = -1;
    return fill(s);
  }
  const pending = s.pending;
  const window = s.window;
  let sent = 0;
  for (let i = 0; i < pending.length && s.isConnected; i++) {
    const entry = pending[i];
    // Past the window: kept, with its id, until an acknowledgement frees a slot (settle()).
    // Only MQTT 5's can shrink; under 3.1.1 what is in flight took its slots in this window.
    if (MQTT5 && isPublish(entry) && sent++ >= window) entry.sentAt = undefined;
    else transmit(s, entry);
  }
}

/**
 * The connection ended: rejects with `error` what is pending and the publishes waiting for a
 * slot; with `keep` (a persistent session), publishes stay instead, to be sent again on the
 * next connect. Stored publishes stay in the store whatever happens.
 */
export function rejectPending(s: Session, error: MqttError, keep?: boolean): void {
  const pending = s.pending;
  s.pending = [];
  for (let i = 0; i < pending.length; i++) {
    const entry = pending[i];
    const publish = isPublish(entry);
    if (publish && (keep || entry.key !== undefined)) s.pending.push(entry);
    else {
      if (publish) s.inflight--;
      reject(entry, error);
    }
  }
  let next: Pending | undefined;
  while (!keep && s.waiting && (next = s.waiting.shift())) reject(next, error);
  if (!onEspruino && !keep) s.waitingBytes = 0;
  s.requestsFull = false;
  s.freeBefore = 0;
  checkFlushed(s);
}

/** The session ended: a clean connect, or a broker that kept none. What a store keeps is
 *  sent again as new messages. */
export function forgetSession(s: Session): void {
  s.received = {};
  s.holding = 0;
  if (s.store) s.store.clearSession();
}

// ---- incoming QoS 2 ----

/** Whether a QoS 2 message `id` was delivered and awaits its PUBREL; if not, holds it now,
 *  within MAX_HELD. Kept in the store before the message is delivered, so that one the
 *  broker resends after a reset is not delivered twice. */
export function holdOnce(s: Session, id: number): boolean {
  if (s.received[id]) return true;
  if (s.holding >= MAX_HELD) throw protocolError("over " + MAX_HELD + " QoS 2 ids unreleased");
  if (s.store) s.store.hold(id);
  s.holding++;
  s.received[id] = true;
  return false;
}

/** PUBREL: exactly once, the id is released; the message was delivered on PUBLISH [MQTT-4.3.3-2]. */
export function release(s: Session, id: number): void {
  if (s.received[id]) {
    s.holding--;
    if (s.store) s.store.release(id);
  }
  delete s.received[id];
  s.send(encodeAck(PacketType.PUBCOMP, id));
}

/** With a store: what a previous run left. The held ids come back; packet ids go on after
 *  the last one used, so that none in flight is used twice. */
export function openStore(s: Session): void {
  const opened = (s.store as Store).open();
  // Damaged or foreign data was skipped: the store works without it, and says so.
  if (opened.corrupt) console.log("mqtt_as", opened.corrupt.message);
  const held = opened.held;
  for (let i = 0; i < held.length; i++) holdOnce(s, held[i]);
  s.previousId = opened.lastId;
}

/** Resolves flushed()'s promise once no publish waits to be sent or acknowledged, in RAM or in the store. */
export function checkFlushed(s: Session): void {
  const flushing = s.flushing;
  if (!flushing || s.inflight || (s.waiting && s.waiting.length) || (s.store && s.store.count())) return;
  s.flushing = null;
  flushing.done();
}
