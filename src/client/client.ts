import { mqttError, MqttError } from "../codec/errors";
import { AckPacket, ConnackPacket, DecoderTable, PacketType, Packet, PublishPacket, QoS, SubackPacket } from "../codec/types";
import { badArgument, encodeUtf8, isAsciiString, onEspruino, writeUtf8 } from "../codec/bytes";
import {
  encodeAck,
  encodeConnect,
  encodeEmpty,
  publishPacket,
  publishString,
  setPacketId,
  encodeSubscription,
} from "../codec/encode-client";
import { clientDecoders } from "../codec/decode-client";
import { check, protocolError } from "../codec/reader";
import { checkPacketSize, PacketParser } from "../codec/parser";
import { openLink, Link, LinkEvent } from "../transport/link";
import { Config, resolveConfig } from "./config";
import { Emitter, mixEmitter } from "./emitter";
import { Event } from "./event";
import { Message, Queue } from "./queue";
import { deferred, Deferred, reject, resolvedPromise, Settler, settler } from "./settle";
import { refusal, refuseFull } from "./refusals";
import { MQTT5 } from "./version";
import { Properties, Publish5, SubAck5 } from "../codec/v5/types";
import { clientDecoders5 } from "../codec/v5/decode";
import {
  aliasSet,
  Aliases,
  connectPacket5,
  disconnectPacket5,
  message5,
  newAliases,
  publishPacket5,
  refusal5,
  resolveAlias,
  setAlias,
  SubscribeOptions,
  subscriptionPacket5,
} from "./v5";

const enum State {
  IDLE,
  CONNECTING,
  UP,
}

/** A request awaiting its acknowledgement: a PUBLISH (or its PUBREL), SUBSCRIBE or UNSUBSCRIBE. */
interface Pending extends Settler {
  id: number;
  expect: PacketType; // the acknowledgement that settles this step
  bytes: Uint8Array; // what is sent, and sent again
  sends: number; // writes in this step: after the first, a PUBLISH goes with DUP
  sentAt?: number; // set by transmit(), which comes before any tick() reads it
  tries: number; // retransmissions so far
  maxTries: number;
  alias?: number; // MQTT 5: the topic alias this PUBLISH sets, once written
}

/** QoS 2 message ids held for their PUBREL at most (about a JsVar each on Espruino). Brokers
 *  bound what they have in flight (Mosquitto: 20 by default), but one set to no bound resends a
 *  persistent session's backlog at once; past this, the broker (or a man in the middle: TLS on
 *  Espruino does not check certificates) would fill the heap with ids never released. */
const MAX_HELD = 1000;

/** A "msg" callback: the message's topic, payload, retain flag, QoS and DUP flag; under MQTT 5
 *  its properties too ({} when it had none; absent under 3.1.1). */
export type MsgCallback = (topic: string, msg: Uint8Array, retained: boolean, qos: QoS, dup: boolean, properties?: Properties) => void;
/** A "down" callback: the coded error that ended the connection, or nothing after disconnect(). */
export type DownCallback = (error?: MqttError) => void;

// on() and off() are the Emitter's, mixed into the prototype (see the end of this file).
export interface MQTTClient {
  /** [set_cb_on_event]: returns the unsubscribe. */
  on(event: "msg", cb: MsgCallback): () => void;
  on(event: "up", cb: () => void): () => void;
  on(event: "down", cb: DownCallback): () => void;
  off(event: "msg", cb: MsgCallback): void;
  off(event: "up", cb: () => void): void;
  off(event: "down", cb: DownCallback): void;
}

export class MQTTClient {
  readonly up = new Event();
  readonly down = new Event();
  readonly queue: Queue<Message>;
  isConnected = false; // [_has_connected]: true from an accepted CONNACK until the connection ends
  /** MQTT 5: the properties of the last accepted CONNACK ({} when it had none), obeyed. */
  connack?: Properties;

  private readonly cfg: Config;
  // Fields that start out undefined get no initializer: on Espruino each property is memory.
  // The one cyclic timer that serves every timeout of a connection, as lwIP's does: time is
  // the sum of its periods, so no clock is read and a fake timer drives it.
  private timer: unknown; // set while not IDLE
  private now = 0;
  private state = State.IDLE;
  private generation = 0; // tells this connection's callbacks from a closed one's
  private link?: Link | null;
  private parser?: PacketParser | null;
  private connecting?: Settler | null; // connect()'s promise, until the CONNACK
  private persistent?: boolean; // the last connect() was connect(false) and no disconnect() followed
  private pending: Pending[] = [];
  private inflight = 0; // publishes in `pending`
  private waiting: Queue<Pending>; // publishes awaiting an in-flight slot (id 0), at most queueLen
  // What QoS 0 publishes return while their bytes wait in the link: one promise for all of
  // them, settled on DRAIN (on Espruino a promise holds about 15 JsVars until its loop returns).
  private flushed?: Deferred<void> | null;
  // A QoS 0 publish was refused for want of room: the next are refused at once, before they
  // allocate anything (on a nearly full Espruino heap each allocation runs the garbage
  // collector, and a loop of publishes would crawl), until the link drains.
  private full?: boolean;
  private pingWaiters: ((up: boolean) => void)[] = [];
  private pingDeadline!: number; // set by brokerUp() before use
  private received: { [id: number]: boolean } = {}; // QoS 2 ids held until PUBREL
  private held = 0; // ids in `received`
  private lastId = 0;
  private connectPacket?: Uint8Array | null; // sent once the link is open
  private lastSent!: number; // these two are set by connect()
  private lastReceived!: number;
  private lastPing = 0;
  private emit!: Emitter["emit"]; // mixed in, as on() and off() are; declared only, for its type
  // MQTT 5: whether this client speaks it (protocolVersion 5), and this connection's aliases.
  private v5?: boolean;
  private aliases?: Aliases;

  constructor(cfg: Partial<Config>) {
    this.cfg = resolveConfig(cfg);
    this.queue = new Queue<Message>(this.cfg.queueLen);
    this.waiting = new Queue<Pending>(this.cfg.queueLen);
    if (MQTT5) {
      this.v5 = this.cfg.protocolVersion === 5;
      this.connack = {};
    }
  }

  connect(clean?: boolean): Promise<boolean> {
    if (clean === undefined) clean = true;
    const self = this;
    const cfg = self.cfg;
    let bytes: Uint8Array;
    try {
      if (self.state !== State.IDLE) throw badArgument(self.state === State.UP ? "already connected" : "already connecting");
      if (!cfg.server || typeof cfg.server !== "string") throw badArgument("no server");
      if (typeof cfg.clientId != "string") throw badArgument("clientId must be a string");
      // A setting this bundle cannot honour is refused, not ignored: the 3.1.1 bundle would
      // otherwise connect with 3.1.1 and drop every MQTT 5 setting in silence.
      const version = cfg.protocolVersion;
      if (version !== undefined && version !== 4 && !(MQTT5 && version === 5)) {
        throw badArgument(MQTT5 ? "protocolVersion " + version + ": 4 or 5" : "protocolVersion " + version + ": 4 only; MQTT 5 is the bundle mqtt_as/mqtt5 (Espruino: mqtt_as5)");
      }
      if (!cfg.clientId && !clean) throw badArgument("empty clientId"); // [MQTT-3.1.3-7]
      const will = cfg.will;
      bytes =
        MQTT5 && self.v5
          ? connectPacket5(cfg, clean, payloadBytes)
          : encodeConnect({
              type: PacketType.CONNECT,
              cleanSession: clean,
              keepAlive: cfg.keepalive,
              clientId: cfg.clientId,
              will: will
                ? { topic: will.topic, message: payloadBytes(will.msg), qos: will.qos || 0, retain: !!will.retain }
                : undefined,
              username: cfg.user,
              password: cfg.password === undefined ? undefined : encodeUtf8(cfg.password),
            });
    } catch (error) {
      return refusal(error);
    }

    if (clean) {
      self.discardSession(); // [MQTT-3.1.2-6]
      self.forgetHeld();
    }
    self.persistent = !clean;
    self.generation++;
    self.state = State.CONNECTING;
    self.lastReceived = self.lastSent = self.now;
    self.connectPacket = bytes;
    // Bound methods rather than closures: on Espruino a closure made at each connect copies its
    // code into RAM. No guard against a closed connection is needed: drop() stops the parser,
    // the timer and the link, so none of them calls back after it.
    if (MQTT5) self.aliases = newAliases();
    self.parser = new PacketParser(
      MQTT5 && self.v5 ? (clientDecoders5 as unknown as DecoderTable) : clientDecoders,
      cfg.maxPacketSize,
      self.handle.bind(self)
    );
    const connecting = (self.connecting = deferred<boolean>());
    // The tick: a quarter of responseTime (ms), between 10 ms and 1 s.
    const period = Math.max(10, Math.min(1000, cfg.responseTime * 250));
    self.timer = setInterval(self.tick.bind(self, period), period);
    try {
      // Not inlined by terser: on Espruino a closure keeps its whole enclosing scope, and the
      // link's closures, made inside connect(), would keep the CONNECT packet and the promise.
      self.link = /*#__NOINLINE__*/ openLink(cfg, self.linkEvent.bind(self));
    } catch (cause) {
      // Espruino: DNS or TCP failure is thrown synchronously from connect().
      self.drop(closedError(cause));
    }
    return connecting.promise;
  }

  /** Resolves once the socket is closed (at most responseTime after the DISCONNECT). MQTT 5:
   *  with a reason code and properties. */
  disconnect(reasonCode?: number, properties?: Properties): Promise<void> {
    let bytes: Uint8Array | undefined;
    if (MQTT5 && this.v5) {
      try {
        bytes = disconnectPacket5(this.cfg, reasonCode, properties);
      } catch (error) {
        return refusal(error);
      }
    }
    this.persistent = false;
    const self = this;
    return new Promise<void>(function (resolve) {
      const generation = self.generation;
      if (self.state === State.UP) self.send(MQTT5 && self.v5 ? (bytes as Uint8Array) : encodeEmpty(PacketType.DISCONNECT));
      // A failed write already ended the connection, and a "down" callback may have
      // connected anew: that new connection is not ours to close.
      if (self.generation === generation && self.state !== State.IDLE) self.drop(undefined, resolve);
      else resolve();
      if (self.state === State.IDLE) self.discardSession(); // what a persistent session kept
    });
  }

  // On Espruino a function's whole text is read at every call, from flash when the module was
  // loaded from Storage, ten times slower than from RAM. The functions that every message
  // passes through begin with "ram": Espruino then copies them into RAM (about 130 JsVars
  // for all of them). The QoS 0 path is kept short, and what it does not need is in
  // functions of their own.
  publish(topic: string, msg: string | Uint8Array, retain?: boolean, qos?: QoS, properties?: Properties): Promise<void> {
    "ram";
    const self = this;
    if (!qos && self.full) return refuseFull();
    try {
      // Espruino, QoS 0 of ASCII strings: a string of bytes, which its sockets take, and no
      // typed array at all (Node's path is fast as it is). MQTT 5, without properties and
      // retain (which the broker may refuse): a 3.1.1 PUBLISH whose payload begins with a
      // property length of 0. (MQTT5 && self.v5 at each place, not in a variable: rollup
      // folds only the constant.)
      let bytes: Uint8Array | string | undefined =
        !qos && onEspruino && typeof msg == "string" && !(MQTT5 && self.v5 && (properties || retain))
          ? publishString(topic, MQTT5 && self.v5 ? "\0" + msg : msg, retain)
          : undefined;
      // Otherwise the encoder checks topic and QoS; a packet id is written when the publish
      // gets a slot.
      if (!bytes) {
        checkPublishSize(topic, msg, qos || 0, self.cfg.maxPacketSize);
        bytes =
          MQTT5 && self.v5
            ? publishPacket5(self.connack as Properties, self.aliases as Aliases, topic, payloadBytes(msg), qos || 0, retain, properties)
            : publishPacket(topic, payloadBytes(msg), qos || 0, retain);
      } else if (MQTT5 && self.v5) checkPacketSize(bytes.length, (self.connack as Properties).maximumPacketSize || 0); // as publishPacket5 does
      checkPacketSize(bytes.length, self.cfg.maxPacketSize);
      // MQTT 5: an alias that this publish sets holds from when it is written.
      if (qos) return MQTT5 ? self.publishAcked(bytes as Uint8Array, qos, aliasSet(topic, properties)) : self.publishAcked(bytes as Uint8Array, qos);
      if (self.state !== State.UP) throw notConnected();
      // Settles when the socket has taken it: at once, or with what waited before it.
      if (!(self.link as Link).room(bytes.length)) {
        self.full = true;
        return refuseFull();
      }
      self.send(bytes);
      // Espruino throws when writing to a socket that has just closed: then nothing was sent.
      if (self.state !== State.UP) throw closedError();
      if (MQTT5 && self.v5) setAlias(self.aliases as Aliases, aliasSet(topic, properties));
      return self.flushed ? self.flushed.promise : resolvedPromise();
    } catch (error) {
      return refusal(error);
    }
  }

  /** QoS 1 and 2: settles on PUBACK or PUBCOMP; waits for an in-flight slot if need be, and
   *  under a persistent session for the next connect. */
  private publishAcked(bytes: Uint8Array, qos: QoS, alias?: number): Promise<void> {
    const self = this;
    const cfg = self.cfg;
    if (self.state !== State.UP && !self.persistent) throw notConnected();
    // MQTT 5: never more in flight than the broker's Receive Maximum [MQTT-3.3.4-7].
    const window = MQTT5 ? Math.min(cfg.maxInflight, (self.connack as Properties).receiveMaximum || 65535) : cfg.maxInflight;
    if (self.inflight >= window && self.waiting.length >= cfg.queueLen) return refuseFull();
    const entry = newPending(0, qos === 1 ? PacketType.PUBACK : PacketType.PUBREC, bytes, cfg.maxRepubs);
    if (MQTT5 && alias) entry.alias = alias;
    if (self.inflight < window) self.start(entry);
    else self.waiting.put(entry);
    return entry.promise;
  }

  /** A publish gets an in-flight slot, and its packet id. */
  private start(entry: Pending): void {
    setPacketId(entry.bytes, (entry.id = this.nextId()));
    this.inflight++;
    this.request(entry);
  }

  /** MQTT 5: with `options` (No Local, Retain As Published, Retain Handling, a Subscription
   *  Identifier, User Properties). */
  subscribe(topic: string, qos?: QoS, options?: SubscribeOptions): Promise<QoS> {
    // The encoder checks filter and QoS.
    return (MQTT5 ? this.exchange(PacketType.SUBACK, topic, qos || 0, options) : this.exchange(PacketType.SUBACK, topic, qos || 0)) as Promise<QoS>;
  }

  /** MQTT 5: with `properties` (User Properties). */
  unsubscribe(topic: string, properties?: Properties): Promise<void> {
    return MQTT5 ? this.exchange(PacketType.UNSUBACK, topic, undefined, properties) : this.exchange(PacketType.UNSUBACK, topic);
  }

  brokerUp(): Promise<boolean> {
    const up = this.state === State.UP;
    const now = this.now;
    // Down: false; heard from within the last second: true, without a ping.
    if (!up || now - this.lastReceived < 1000) return Promise.resolve(up);
    const self = this;
    return new Promise<boolean>(function (resolve) {
      // Waiting before the write: a write that fails ends the connection, which answers false.
      self.pingWaiters.push(resolve);
      if (self.pingWaiters.length === 1) {
        self.pingDeadline = now + self.cfg.responseTime * 1000;
        self.send(encodeEmpty(PacketType.PINGREQ));
      }
    });
  }

  // ---- requests and their acknowledgements ----

  /** SUBSCRIBE (with `qos`) and UNSUBSCRIBE: one try, answered within responseTime or TIMEOUT. */
  private exchange(expect: PacketType, topic: string, qos?: QoS, options?: unknown): Promise<any> {
    let bytes: Uint8Array;
    const id = this.nextId();
    try {
      bytes = MQTT5 && this.v5 ? subscriptionPacket5(id, topic, qos, options) : encodeSubscription(id, topic, qos);
      if (this.state !== State.UP) throw notConnected();
    } catch (error) {
      return refusal(error);
    }
    const entry = newPending(id, expect, bytes, 0);
    this.request(entry);
    return entry.promise;
  }

  private request(entry: Pending): void {
    this.pending.push(entry);
    if (this.state === State.UP) this.transmit(entry);
  }

  private transmit(entry: Pending): void {
    let bytes = entry.bytes;
    // Awaiting PUBACK or PUBREC: the PUBLISH itself, sent again as a copy with DUP set
    // [MQTT-3.3.1-1] (the first write may still be queued unsent).
    if (entry.sends && entry.expect < PacketType.PUBREL && !(bytes[0] & 8)) {
      bytes = entry.bytes = new Uint8Array(bytes);
      bytes[0] |= 8;
    }
    entry.sends++;
    entry.sentAt = this.now;
    this.send(bytes);
    if (MQTT5 && entry.alias) setAlias(this.aliases as Aliases, entry.alias);
  }

  private nextId(): number {
    for (;;) {
      this.lastId = (this.lastId % 65535) + 1;
      if (this.find(this.lastId) < 0) return this.lastId;
    }
  }

  private find(id: number): number {
    const pending = this.pending;
    for (let i = 0; i < pending.length; i++) if (pending[i].id === id) return i;
    return -1;
  }

  /**
   * Settles the request `id` that awaits `type`. An acknowledgement of no request (late, after
   * TIMEOUT; or a broker's answer to a DUP copy too) is ignored: MQTT 3.1.1 brokers send them,
   * and the ids come round again only after all 65535 others (nextId).
   */
  private acknowledge(type: PacketType, id: number, value?: unknown, failure?: MqttError): void {
    const i = this.find(id);
    const entry = this.pending[i];
    // MQTT 5: a PUBREC that refuses ends the exchange, with no PUBREL (4.3.3).
    const refused = MQTT5 && failure;
    if (type === PacketType.PUBREC && !refused && (!entry || entry.expect === PacketType.PUBREC || entry.expect === PacketType.PUBCOMP)) {
      // QoS 2, second step: release, and await PUBCOMP [MQTT-4.3.3-1]. A repeated PUBREC (our
      // PUBREL was lost), or a late one after TIMEOUT, is answered with PUBREL too, so that the
      // broker does not hold the message for ever.
      const release = encodeAck(PacketType.PUBREL, id);
      if (!entry) return this.send(release);
      if (entry.expect === PacketType.PUBREC) entry.sends = entry.tries = 0;
      entry.expect = PacketType.PUBCOMP;
      entry.bytes = release;
      return this.transmit(entry);
    }
    if (!entry || entry.expect !== type) {
      if (this.cfg.debug) this.log("ignored ack", id);
      return;
    }
    this.pending.splice(i, 1);
    this.freeSlot(entry);
    if (failure) reject(entry, failure);
    else entry.done(value);
  }

  /** A publish settled: its in-flight slot goes to the next publish waiting. PUBACK, PUBREC and
   *  PUBCOMP settle publishes; SUBACK and UNSUBACK come after them. */
  private freeSlot(entry: Pending): void {
    if (entry.expect > PacketType.PUBCOMP) return;
    this.inflight--;
    const next = this.waiting.shift();
    if (next) this.start(next);
  }

  /** Settles the QoS 0 publishes whose bytes waited in the link: resolved, or rejected with `error`. */
  private drained(error?: MqttError): void {
    "ram";
    const flushed = this.flushed;
    this.flushed = null;
    this.full = false;
    if (flushed) {
      if (error) reject(flushed, error);
      else flushed.done();
    }
  }

  // ---- the wire ----

  private linkEvent(event: LinkEvent, value?: any): void {
    "ram";
    if (event === LinkEvent.OPEN) {
      // Once, though a socket may report that it opened twice.
      if (this.connectPacket) this.send(this.connectPacket);
      this.connectPacket = null;
    } else if (event === LinkEvent.DATA) {
      this.lastReceived = this.now;
      const generation = this.generation;
      try {
        (this.parser as PacketParser).push(value);
      } catch (error) {
        // Unless a callback already ended this connection (and maybe opened another); an
        // error without a code (a fault of ours or the platform's) goes to the link, which
        // closes with it as the cause.
        if (!(error as MqttError).code) throw error;
        if (this.generation === generation) this.drop(error as MqttError);
      }
    } else if (event === LinkEvent.DRAIN) this.drained();
    else this.drop(closedError(value));
  }

  private send(bytes: Uint8Array | string): void {
    "ram";
    this.lastSent = this.now;
    if (this.cfg.debug) this.log("send", bytes);
    // Waiting in the link: what a QoS 0 publish returns settles on DRAIN. Not if the write
    // ended the connection: the promise would outlive it.
    const link = this.link;
    if (link && !link.write(bytes) && this.link === link && !this.flushed) this.flushed = /*#__NOINLINE__*/ deferred<void>();
  }

  /** Handles a packet from the broker; throws PROTOCOL (through the parser, to drop()) on one
   *  that breaks the protocol. Short, as publish() is: each kind has a method of its own. */
  private handle(packet: Packet): void {
    "ram";
    if (this.cfg.debug) this.log("recv", packet.type);
    if (this.pingWaiters.length) this.answerPings(true);
    // The first packet from the broker is a CONNACK [MQTT-3.2.0-1], and only the first.
    if ((this.state === State.CONNECTING) !== (packet.type === PacketType.CONNACK)) throw protocolError("CONNACK out of place");
    if (packet.type === PacketType.PUBLISH) this.deliver(packet);
    else if (packet.type === PacketType.CONNACK) this.connacked(packet);
    else if (packet.type === PacketType.PUBREL) this.release(packet.packetId);
    else if (packet.type === PacketType.SUBACK) this.subacked(packet);
    else if (MQTT5 && packet.type >= PacketType.DISCONNECT) {
      // The broker's DISCONNECT ends the connection with its reason code; its AUTH too, as
      // enhanced authentication is not supported.
      const ended = packet as unknown as { type: number; reasonCode: number; properties?: Properties };
      if (ended.type !== PacketType.DISCONNECT) throw protocolError("AUTH is not supported");
      this.drop(refusal5("CLOSED", "disconnected by the broker", ended));
    } else if (MQTT5 && this.v5 && packet.type !== PacketType.PINGRESP) {
      // PUBACK, PUBREC, PUBCOMP, UNSUBACK: with a reason code of 0x80 or above, REFUSED.
      this.acknowledge(packet.type, (packet as AckPacket).packetId, undefined, refusal5("REFUSED", "refused by the broker", packet as unknown as SubAck5));
    } else if (packet.type !== PacketType.PINGRESP) this.acknowledge(packet.type, (packet as AckPacket).packetId);
  }

  private connacked(packet: ConnackPacket): void {
    if (MQTT5 && this.v5) {
      const connack = packet as unknown as { reasonCode: number; properties?: Properties };
      const refused = refusal5("CONNACK_REFUSED", "connection refused by the broker", connack);
      if (refused) {
        refused.returnCode = connack.reasonCode;
        return this.drop(refused);
      }
      this.connack = connack.properties || {};
    } else if (packet.returnCode !== 0) {
      // 1 protocol version, 2 client id, 3 server unavailable, 4 user or password, 5 not authorized
      const error = mqttError("CONNACK_REFUSED", "connection refused by the broker: return code " + packet.returnCode);
      error.returnCode = packet.returnCode;
      return this.drop(error);
    }
    // No session: no PUBREL will come for the ids held, and the broker numbers anew.
    if (!packet.sessionPresent) this.forgetHeld();
    // Unacknowledged publishes and releases go again, in their original order [MQTT-4.4.0-1];
    // a write that fails here ends this attempt, and connect() rejects.
    const pending = this.pending;
    for (let i = 0; i < pending.length && this.state === State.CONNECTING; i++) this.transmit(pending[i]);
    if (this.state !== State.CONNECTING) return;
    const connecting = this.connecting;
    this.connecting = null;
    this.state = State.UP;
    this.isConnected = true;
    this.down.clear();
    this.up.set();
    this.emit("up");
    if (connecting) connecting.done(packet.sessionPresent);
  }

  private deliver(packet: PublishPacket): void {
    "ram";
    const id = packet.packetId as number;
    const qos = packet.qos;
    const generation = this.generation;
    // MQTT 5: the message's properties ({} when none), and its topic behind an alias.
    let properties: Properties | undefined;
    if (MQTT5 && this.v5) {
      properties = (packet as Publish5).properties || {};
      const maximum = (this.cfg.properties && this.cfg.properties.topicAliasMaximum) || 0;
      packet.topicName = resolveAlias(this.aliases as Aliases, maximum, packet.topicName, properties);
    }
    // QoS 2: a redelivery of an id not yet released is acknowledged, not delivered again.
    if (qos < 2 || !this.received[id]) {
      if (qos === 2) this.hold(id);
      if (MQTT5 && this.v5) {
        if (!this.emit("msg", packet.topicName, packet.payload, packet.retain, qos, packet.dup, properties))
          this.queue.put(message5(packet, properties as Properties));
      } else if (!this.emit("msg", packet.topicName, packet.payload, packet.retain, qos, packet.dup))
        this.queue.put({ topic: packet.topicName, msg: packet.payload, retained: packet.retain, qos: qos, dup: packet.dup });
    }
    // After handing it over; not on a connection that a callback closed or opened meanwhile.
    if (qos && this.generation === generation) this.send(encodeAck(qos === 1 ? PacketType.PUBACK : PacketType.PUBREC, id));
  }

  /** Holds a QoS 2 id until its PUBREL, within MAX_HELD. */
  private hold(id: number): void {
    if (this.held >= MAX_HELD) throw protocolError("too many QoS 2 messages unreleased");
    this.held++;
    this.received[id] = true;
  }

  /** PUBREL: exactly once, the id is released; the message was delivered on PUBLISH [MQTT-4.3.3-2]. */
  private release(id: number): void {
    if (this.received[id]) this.held--;
    delete this.received[id];
    this.send(encodeAck(PacketType.PUBCOMP, id));
  }

  private subacked(packet: SubackPacket): void {
    // One filter a SUBSCRIBE, so one return code [MQTT-3.8.4-5].
    const codes = MQTT5 && this.v5 ? (packet as unknown as SubAck5).reasonCodes : packet.returnCodes;
    check(codes.length === 1);
    this.acknowledge(
      PacketType.SUBACK,
      packet.packetId,
      codes[0],
      MQTT5 && this.v5
        ? refusal5("SUBACK_FAILURE", "subscription refused by the broker", packet as unknown as SubAck5)
        : codes[0] === 0x80
          ? mqttError("SUBACK_FAILURE", "subscription refused by the broker")
          : undefined
    );
  }

  // ---- time ----

  private tick(period: number): void {
    const now = (this.now += period);
    const cfg = this.cfg;
    const responseMs = cfg.responseTime * 1000;
    if (this.state === State.CONNECTING) {
      // Nothing but the CONNECT is sent before the CONNACK: lastSent is when it went, or when
      // connect() began if the link never opened. (Not lastReceived: a broker that trickles
      // bytes must not hold the client in CONNECTING.)
      if (now - this.lastSent >= responseMs) this.drop(mqttError("TIMEOUT", "no CONNACK"));
      return;
    }
    if (this.link) this.link.verify(); // may end the connection
    if (this.state !== State.UP) return;
    if (this.pingWaiters.length && now >= this.pingDeadline) this.answerPings(false);
    // MQTT 5: the broker's Server Keep Alive replaces ours [MQTT-3.2.2-21].
    const serverKeepAlive = MQTT5 ? (this.connack as Properties).serverKeepAlive : undefined;
    const keepaliveMs = (serverKeepAlive !== undefined ? serverKeepAlive : cfg.keepalive) * 1000;
    if (keepaliveMs) {
      if (now - this.lastReceived >= keepaliveMs * 1.5) return this.drop(mqttError("TIMEOUT", "broker silent"));
      // A quarter of keepalive, or pingInterval if that is set and shorter.
      const pingMs = Math.min(keepaliveMs / 4, cfg.pingInterval * 1000 || keepaliveMs);
      // Ping to keep the broker's keepalive [MQTT-3.1.2-23], and to hear from a quiet broker.
      if (now - this.lastSent >= pingMs || now - Math.max(this.lastReceived, this.lastPing) >= pingMs) {
        this.lastPing = now;
        this.send(encodeEmpty(PacketType.PINGREQ));
      }
    }
    const pending = this.pending;
    for (let i = 0; i < pending.length && this.state === State.UP; i++) {
      const entry = pending[i];
      if (now - (entry.sentAt as number) < responseMs) continue;
      if (entry.tries < entry.maxTries) {
        entry.tries++;
        this.transmit(entry);
        continue;
      }
      // Given up: TIMEOUT. An answer that comes late is ignored (acknowledge()).
      pending.splice(i--, 1);
      this.freeSlot(entry);
      reject(entry, mqttError("TIMEOUT", "no acknowledgement"));
    }
  }

  private answerPings(up: boolean): void {
    const waiters = this.pingWaiters;
    this.pingWaiters = [];
    for (let i = 0; i < waiters.length; i++) waiters[i](up);
  }

  // ---- the end of a connection ----

  /**
   * Ends the connection: `error` says why, or nothing after disconnect(). What was pending is
   * rejected with CLOSED, except publishes that a persistent session sends again on reconnect.
   */
  private drop(error: MqttError | undefined, closed?: () => void): void {
    if (this.state === State.IDLE) return;
    const wasUp = this.state === State.UP;
    this.state = State.IDLE;
    this.isConnected = false;
    this.generation++;
    clearInterval(this.timer);
    const link = this.link; // null when connect() threw
    const parser = this.parser as PacketParser;
    parser.reset(); // stops it, should a packet's callback have ended the connection mid-chunk
    this.link = null;
    this.parser = null;
    this.connectPacket = null;
    // disconnect() lets what was written leave first: the DISCONNECT, and QoS 0 publishes,
    // which settle on the link's last DRAIN, or CLOSED if the socket is gone before it.
    const graceful = !!closed && wasUp && !!link;
    const self = this;
    if (graceful) {
      (link as Link).close(undefined, this.cfg.responseTime * 1000, function () {
        self.drained(closedError());
        (closed as () => void)();
      });
    } else {
      if (link) link.close();
      if (closed) closed();
    }
    const reason = error && error.code === "CLOSED" ? error : closedError(error);
    this.rejectPending(reason, !!error && this.persistent);
    if (!graceful) this.drained(reason);
    this.answerPings(false);
    const connecting = this.connecting;
    this.connecting = null;
    if (connecting) reject(connecting, error || reason);
    if (wasUp) {
      this.up.clear();
      this.down.set();
      this.emit("down", error);
    }
  }

  /** Rejects (CLOSED) the publishes that a persistent session kept while offline. */
  private discardSession(): void {
    this.rejectPending(mqttError("CLOSED", "session discarded"));
  }

  /** Forgets the QoS 2 ids held for PUBREL. */
  private forgetHeld(): void {
    this.received = {};
    this.held = 0;
  }

  /**
   * Rejects with `error` what is pending and the publishes waiting for a slot; with `keep`,
   * publishes stay instead, to be sent again on the next connect.
   */
  private rejectPending(error: MqttError, keep?: boolean): void {
    const pending = this.pending;
    this.pending = [];
    for (let i = 0; i < pending.length; i++) {
      const entry = pending[i];
      const publish = entry.expect <= PacketType.PUBCOMP;
      if (keep && publish) this.pending.push(entry);
      else {
        if (publish) this.inflight--;
        reject(entry, error);
      }
    }
    let next: Pending | undefined;
    while (!keep && (next = this.waiting.shift())) reject(next, error);
  }

  /** [DEBUG]: callers check cfg.debug first, so that no call is made without it. */
  private log(what: string, detail: unknown): void {
    console.log("mqtt_as", what, detail);
  }
}

mixEmitter(MQTTClient.prototype as unknown as Emitter);

function newPending(id: number, expect: PacketType, bytes: Uint8Array, maxTries: number): Pending {
  return settler({ id: id, expect: expect, bytes: bytes, sends: 0, tries: 0, maxTries: maxTries } as Pending);
}

function payloadBytes(msg: string | Uint8Array): Uint8Array {
  if (typeof msg === "string") return encodeUtf8(msg);
  if (!(msg instanceof Uint8Array)) throw badArgument("bad msg");
  return msg;
}

/**
 * Refuses, before any copy, a message whose packet cannot fit in maxPacketSize, naming both:
 * on Espruino the copy of a large one would otherwise fail first, for want of memory. A
 * string's UTF-8 is at least its length, so shorter ones are left to the encoder's own check.
 */
function checkPublishSize(topic: string, msg: string | Uint8Array, qos: number, max: number): void {
  if (!max || !(msg.length > max)) return;
  const payload = typeof msg != "string" ? msg.length : isAsciiString(msg) ? msg.length : writeUtf8(msg, 0, 0);
  // Fixed header (remaining length in 1 to 4 bytes), topic, packet id (MQTT 5: and properties, not counted).
  const remaining = 2 + (typeof topic == "string" ? writeUtf8(topic, 0, 0) : 0) + (qos ? 2 : 0) + payload;
  checkPacketSize(1 + (remaining > 2097151 ? 4 : remaining > 16383 ? 3 : remaining > 127 ? 2 : 1) + remaining, max);
}

function notConnected(): MqttError {
  return mqttError("NOT_CONNECTED", "not connected");
}

/** CLOSED, saying in words what ended the connection: its cause's message, if any. */
function closedError(cause?: unknown): MqttError {
  const detail = cause && (cause as Error).message;
  const error = mqttError("CLOSED", detail ? "connection closed: " + detail : "connection closed");
  if (cause !== undefined) error.cause = cause;
  return error;
}
