import { AckPacket, ConnackPacket, DecoderTable, PacketType, Packet, PublishPacket, QoS } from "../codec/types";
import { encodeUtf8, isAsciiString, writeUtf8 } from "../codec/bytes";
import { onEspruino } from "../codec/platform";
import { connectPacket, encodeAck, encodeEmpty, payloadBytes, publishPacket, publishString, encodeSubscription } from "../codec/encode-client";
import { clientDecoders } from "../codec/decode-client";
import { badArgument, check, mqttError, MqttError, protocolError } from "../codec/errors";
import { PacketParser } from "../codec/parser";
import { checkPacketSize, packetSize } from "../codec/packet-size";
import { openLink, Link, LinkEvent } from "../transport/link";
import { Config, resolveConfig } from "./config";
import { Emitter, mixEmitter } from "./emitter";
import { Event } from "./event";
import { Message, Queue } from "./queue";
import { Deferred, reject, resolvedPromise, settler, Settler } from "./settle";
import { refused, refuseFull } from "./refusals";
import { MQTT5 } from "./version";
import { Store } from "../store/store";
import {
  acknowledge,
  forgetSession,
  hasRoom,
  holdOnce,
  newPending,
  nextId,
  openStore,
  Pending,
  publishAcked,
  rejectPending,
  release,
  request,
  resume,
  retransmit,
  checkFlushed,
} from "./session";
import { Properties, Publish5, SubAck5 } from "../codec/v5/types";
import { clientDecoders5 } from "../codec/v5/decode";
import {
  aliasSet,
  Aliases,
  connectPacket5,
  connackLimits,
  disconnectPacket5,
  Limits,
  message5,
  newAliases,
  packetLimit,
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
  limits?: Limits; // MQTT 5: what that CONNACK sets (v5.ts)

  // Fields without `private` are the session state's too (session.ts): internal all the same.
  readonly cfg: Config;
  // Fields that start out undefined get no initializer: on Espruino each property is memory.
  // The one cyclic timer that serves every timeout of a connection, as lwIP's does: time is
  // the sum of its periods, so no clock is read and a fake timer drives it.
  private timer: unknown; // set while not IDLE
  now = 0;
  private state = State.IDLE;
  private generation = 0; // tells this connection's callbacks from a closed one's
  private link?: Link | null;
  private parser?: PacketParser | null;
  private connecting?: Settler | null; // connect()'s promise, until the CONNACK
  private persistent?: boolean; // the last connect() was connect(false) and no disconnect() followed
  pending: Pending[] = [];
  inflight = 0;
  window: number;
  waiting?: Queue<Pending>;
  // What QoS 0 publishes return while their bytes wait in the link: one promise for all of
  // them, settled on DRAIN (on Espruino a promise holds about 15 JsVars until its loop returns).
  private draining?: Deferred<void> | null;
  // A QoS 0 publish was refused for want of room: the next are refused at once, before they
  // allocate anything (on a nearly full Espruino heap each allocation runs the garbage
  // collector, and a loop of publishes would crawl), until the link drains.
  private full?: boolean;
  // Bounds on the requests in `pending` (session.ts, hasRoom()), and whether one was refused.
  freeBefore!: number;
  waitingBytes!: number;
  requestsFull?: boolean;
  private ping?: Deferred<boolean> | null; // brokerUp()'s answer while its PINGREQ awaits one, shared
  private pingDeadline!: number; // set with `ping`
  received: { [id: number]: boolean } = {};
  holding = 0;
  previousId = 0;
  store?: Store;
  cursor = -1;
  flushing?: Deferred<void> | null;
  private connectPacket?: Uint8Array | null; // sent once the link is open
  private lastSent!: number; // these two are set by connect()
  private lastReceived!: number;
  private lastPing = 0;
  private emit!: Emitter["emit"]; // mixed in, as on() and off() are; declared only, for its type
  // MQTT 5: whether this client speaks it (protocolVersion 5), and this connection's aliases.
  private v5?: boolean;
  aliases?: Aliases;

  constructor(cfg: Partial<Config>) {
    this.cfg = resolveConfig(cfg);
    this.queue = new Queue<Message>(this.cfg.queueLen);
    this.queue.oversized = 0;
    this.window = this.cfg.maxInflight;
    if (!onEspruino) this.waitingBytes = 0;
    if (MQTT5) {
      this.v5 = this.cfg.protocolVersion === 5;
      this.connack = {};
    }
    const store = this.cfg.store;
    if (store) {
      this.store = store;
      openStore(this);
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
        throw badArgument(MQTT5 ? "protocolVersion " + version + ": 4 or 5" : "protocolVersion " + version + ": 4 only; MQTT 5 is " + (onEspruino ? "mqtt_as5" : "mqtt_as/mqtt5"));
      }
      if (!cfg.clientId && !clean) throw badArgument("empty clientId"); // [MQTT-3.1.3-7]
      const password = cfg.password === undefined ? undefined : encodeUtf8(cfg.password);
      bytes = MQTT5 ? connectPacket5(cfg, clean, password, self.v5) : connectPacket(cfg, clean, password);
    } catch (error) {
      return refused(error);
    }

    if (clean) {
      self.discardSession(); // [MQTT-3.1.2-6]
      forgetSession(self);
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
      self.handle.bind(self),
      // MQTT 3.1.1 cannot tell the broker maxPacketSize: larger messages are skipped, not
      // refused. MQTT 5 tells it (Maximum Packet Size), and a larger packet is an error.
      MQTT5 && self.v5 ? undefined : self.skipped.bind(self)
    );
    const connecting = (self.connecting = settler({}) as Deferred<boolean>);
    // The tick: a quarter of responseTime (ms), between 10 ms and 1 s.
    const period = Math.max(10, Math.min(1000, cfg.responseTime * 250));
    self.timer = setInterval(self.tick.bind(self, period), period);
    try {
      // Not inlined by terser: on Espruino a closure keeps its whole enclosing scope, and the
      // link's closures, made inside connect(), would keep the CONNECT packet and the promise.
      self.link = /*#__NOINLINE__*/ openLink(cfg, self.linkEvent.bind(self));
    } catch (cause) {
      // Espruino: DNS or TCP failure is thrown synchronously from connect(); TOO_LARGE, a TLS
      // socket that the heap cannot hold, by openLink.
      self.drop(cause && (cause as MqttError).code == "TOO_LARGE" ? (cause as MqttError) : closedError(cause));
    }
    return connecting.promise;
  }

  /** Resolves once the socket is closed (at most responseTime after the DISCONNECT). MQTT 5:
   *  with a reason code and properties. */
  disconnect(reasonCode?: number, properties?: Properties): Promise<void> {
    let bytes: Uint8Array | undefined;
    if (MQTT5 && this.v5) {
      try {
        bytes = disconnectPacket5(this.cfg, packetLimit(this.cfg, this.limits), reasonCode, properties);
      } catch (error) {
        return refused(error);
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
      }
      checkPacketSize(bytes.length, MQTT5 ? packetLimit(self.cfg, self.limits) : self.cfg.maxPacketSize);
      // MQTT 5: an alias that this publish sets holds from when it is written.
      if (qos) {
        // Offline, a publish waits for the next connect under a persistent session, or in the store.
        if (self.state !== State.UP && !self.persistent && !self.store) throw notConnected();
        return publishAcked(self, bytes as Uint8Array, qos, MQTT5 ? aliasSet(topic, properties) : undefined);
      }
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
      return self.draining ? self.draining.promise : resolvedPromise();
    } catch (error) {
      return refused(error);
    }
  }

  /** MQTT 5: with `options` (No Local, Retain As Published, Retain Handling, a Subscription
   *  Identifier, User Properties). */
  subscribe(topic: string, qos?: QoS, options?: SubscribeOptions): Promise<QoS> {
    // The encoder checks filter and QoS.
    return this.subscription(PacketType.SUBACK, topic, qos || 0, options);
  }

  /** MQTT 5: with `properties` (User Properties). */
  unsubscribe(topic: string, properties?: Properties): Promise<void> {
    return this.subscription(PacketType.UNSUBACK, topic, undefined, properties);
  }

  brokerUp(): Promise<boolean> {
    const up = this.state === State.UP;
    const now = this.now;
    // Down: false; heard from within the last second: true, without a ping.
    if (!up || now - this.lastReceived < 1000) return Promise.resolve(up);
    let ping = this.ping;
    if (!ping) {
      // Set before the write: a write that fails ends the connection, which answers false.
      ping = this.ping = settler({}) as Deferred<boolean>;
      this.pingDeadline = now + this.cfg.responseTime * 1000;
      this.send(encodeEmpty(PacketType.PINGREQ));
    }
    return ping.promise;
  }

  // ---- requests and their acknowledgements ----

  /** Resolves once no publish waits to be sent or acknowledged, nor any in the store: a
   *  board about to sleep awaits it. */
  flushed(): Promise<void> {
    const flushing = this.flushing || (this.flushing = settler({}) as Deferred<void>);
    checkFlushed(this);
    return flushing.promise;
  }

  /**
   * SUBSCRIBE (with `qos`) and UNSUBSCRIBE: one try, answered within responseTime or TIMEOUT.
   * Bounded, QUEUE_FULL past it (hasRoom()): on Espruino, where a pending request holds about
   * 27 JsVars (and a then() 30 more), by a quarter of what the heap had free, the rest being
   * for the program and the messages that follow a SUBACK; elsewhere by the 65535 packet ids,
   * which Node's heap holds with ease (a smaller count would refuse programs that subscribe to
   * many filters at once).
   */
  private subscription(expect: PacketType, topic: string, qos?: QoS, options?: unknown): Promise<any> {
    const self = this;
    if (!hasRoom(self, 3 / 4, 0)) return refuseFull();
    let bytes: Uint8Array;
    let id: number;
    try {
      id = nextId(self);
      bytes = MQTT5 && self.v5 ? subscriptionPacket5(packetLimit(self.cfg, self.limits), id, topic, qos, options) : encodeSubscription(id, topic, qos);
      if (self.state !== State.UP) throw notConnected();
    } catch (error) {
      return refused(error);
    }
    return request(self, newPending(id, expect, bytes));
  }

  /** Settles the QoS 0 publishes whose bytes waited in the link: resolved, or rejected with `error`. */
  private drained(error?: MqttError): void {
    const draining = this.draining;
    this.draining = null;
    this.full = false;
    if (draining) {
      if (error) reject(draining, error);
      else draining.done();
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

  send(bytes: Uint8Array | string): void {
    "ram";
    this.lastSent = this.now;
    if (this.cfg.debug) console.log("mqtt_as", "send", bytes);
    // Waiting in the link: what a QoS 0 publish returns settles on DRAIN. Not if the write
    // ended the connection: the promise would outlive it.
    const link = this.link;
    if (link && !link.write(bytes) && this.link === link && !this.draining) this.draining = settler({}) as Deferred<void>;
  }

  /** Handles a packet from the broker; throws PROTOCOL (through the parser, to drop()) on one
   *  that breaks the protocol. Short, as publish() is: each kind has a method of its own. */
  private handle(packet: Packet): void {
    "ram";
    if (this.cfg.debug) console.log("mqtt_as", "recv", packet.type);
    if (this.ping) this.answerPing(true);
    // The first packet from the broker is a CONNACK [MQTT-3.2.0-1], and only the first.
    if ((this.state === State.CONNECTING) !== (packet.type === PacketType.CONNACK)) throw protocolError("CONNACK out of place");
    if (packet.type === PacketType.PUBLISH) this.deliver(packet);
    else this.control(packet);
  }

  /** The packets but PUBLISH: apart from handle(), whose text Espruino copies into RAM. */
  private control(packet: Packet): void {
    // MQTT 5: what the packet's reason code refuses, decided in one place (v5.ts).
    let refused: MqttError | undefined;
    if (MQTT5 && this.v5 && packet.type !== PacketType.PINGRESP) refused = refusal5(packet as unknown as SubAck5);
    if (packet.type === PacketType.CONNACK) this.connacked(packet, refused);
    else if (packet.type === PacketType.PUBREL) release(this, packet.packetId);
    else if (MQTT5 && packet.type >= PacketType.DISCONNECT) {
      // The broker's DISCONNECT ends the connection with its reason code; its AUTH too, as
      // enhanced authentication is not supported.
      if (packet.type !== PacketType.DISCONNECT) throw protocolError("AUTH is not supported");
      this.drop(refused);
    } else if (packet.type !== PacketType.PINGRESP) {
      let code: number | undefined;
      if (packet.type === PacketType.SUBACK) {
        // One filter a SUBSCRIBE, so one return code [MQTT-3.8.4-5].
        const codes = MQTT5 && this.v5 ? (packet as unknown as SubAck5).reasonCodes : packet.returnCodes;
        check(codes.length === 1);
        code = codes[0];
        if (!(MQTT5 && this.v5) && code === 0x80) refused = mqttError("SUBACK_FAILURE", "subscription refused");
      }
      acknowledge(this, packet.type, (packet as AckPacket).packetId, code, refused);
    }
  }

  private connacked(packet: ConnackPacket, refused?: MqttError): void {
    if (MQTT5 && this.v5) {
      if (refused) return this.drop(refused);
      this.connack = (packet as unknown as { properties?: Properties }).properties || {};
      this.limits = connackLimits(this.cfg, this.connack);
      this.window = this.limits.window;
    } else if (packet.returnCode !== 0) {
      // 1 protocol version, 2 client id, 3 server unavailable, 4 user or password, 5 not authorized
      const error = mqttError("CONNACK_REFUSED", "refused: return code " + packet.returnCode);
      error.returnCode = packet.returnCode;
      return this.drop(error);
    }
    // What the session holds goes again; a write that fails here ends this attempt, and
    // connect() rejects.
    this.isConnected = true;
    resume(this, packet.sessionPresent);
    if (this.state !== State.CONNECTING) return;
    const connecting = this.connecting;
    this.connecting = null;
    this.state = State.UP;
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
    if (qos < 2 || !holdOnce(this, id)) {
      if (MQTT5 && this.v5) {
        if (!this.emit("msg", packet.topicName, packet.payload, packet.retain, qos, packet.dup, properties))
          this.queue.put(message5(packet, properties as Properties));
      } else if (!this.emit("msg", packet.topicName, packet.payload, packet.retain, qos, packet.dup))
        this.queue.put({ topic: packet.topicName, msg: packet.payload, retained: packet.retain, qos: qos, dup: packet.dup });
    }
    // After handing it over; not on a connection that a callback closed or opened meanwhile.
    if (qos && this.generation === generation) this.send(encodeAck(qos === 1 ? PacketType.PUBACK : PacketType.PUBREC, id));
  }

  /** A PUBLISH over maxPacketSize passed by unread (MQTT 3.1.1): counted, and acknowledged as
   *  if delivered, so that the broker does not send it again; a QoS 2 id is held as usual. */
  private skipped(header: number, id: number): void {
    const qos = (header >> 1) & 3;
    // As handle() and decodePublish() check [MQTT-3.2.0-1] [MQTT-3.3.1-4] [MQTT-2.3.1-1].
    check(this.state === State.UP && qos < 3 && (!qos || id));
    this.queue.oversized++;
    if (this.cfg.debug) console.log("mqtt_as", "skipped oversized PUBLISH", id);
    if (qos === 2) holdOnce(this, id);
    if (qos) this.send(encodeAck(qos === 1 ? PacketType.PUBACK : PacketType.PUBREC, id));
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
    if (this.ping && now >= this.pingDeadline) this.answerPing(false);
    // MQTT 5: the broker's Server Keep Alive replaces ours [MQTT-3.2.2-21].
    const keepaliveMs = (MQTT5 && this.limits ? this.limits.keepalive : cfg.keepalive) * 1000;
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
    const given = retransmit(this);
    if (given) this.drop(given);
  }

  private answerPing(up: boolean): void {
    const ping = this.ping;
    this.ping = null;
    if (ping) ping.done(up);
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
    (this.parser as PacketParser).reset(); // stops it, should a packet's callback have ended the connection mid-chunk
    this.link = this.parser = this.connectPacket = null;
    if (MQTT5) this.aliases = newAliases(); // a connection's aliases end with it (up to 4 KB of topics)
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
    rejectPending(this, reason, !!error && this.persistent);
    if (!graceful) this.drained(reason);
    this.answerPing(false);
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
    rejectPending(this, mqttError("CLOSED", "session discarded"));
  }
}

mixEmitter(MQTTClient.prototype as unknown as Emitter);

function notConnected(): MqttError {
  return mqttError("NOT_CONNECTED", "not connected");
}

/** CLOSED, saying in words what ended the connection: its cause's message, if any. */
function closedError(cause?: unknown): MqttError {
  const detail = cause && (cause as Error).message;
  const error = mqttError("CLOSED", detail ? "connection closed: " + detail : "connection closed");
  if (cause) error.cause = cause; // not the flag of a socket's "close"
  return error;
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
  checkPacketSize(packetSize(remaining), max);
}
