// What the client does differently under MQTT 5, kept out of client.ts, which calls these only
// behind `MQTT5 &&` (version.ts): the 3.1.1 bundle holds none of it.
import { badArgument, mqttError, MqttError, protocolError } from "../codec/errors";
import { PacketType, QoS } from "../codec/types";
import { payloadBytes } from "../codec/encode-client";
import { checkPacketSize } from "../codec/packet-size";
import { Disconnect5, Properties, Publish5, Subscribe5, UserProperty, UserPropertyMap } from "../codec/v5/types";
import { encodeConnect5, encodeDisconnect5, publishBytes5, encodeSubscription5 } from "../codec/v5/encode";
import { Config } from "./config";
import { Message } from "./queue";

/** What subscribe() takes besides topic and QoS (3.8.3.1). */
export interface SubscribeOptions {
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: 0 | 1 | 2;
  subscriptionIdentifier?: number;
  userProperties?: UserProperty[] | UserPropertyMap;
}

/** One connection's topic aliases: those the broker set, and those we set (3.3.2.3.4). */
export interface Aliases {
  incoming: { [alias: number]: string };
  held: number; // characters of the topics in `incoming`
  outgoing: { [alias: number]: boolean };
}

/** Characters of topics that the broker's aliases may hold: within topicAliasMaximum, a broker
 *  could set thousands of long topics, and on Espruino fill the heap with them (a 120-byte
 *  topic holds about 11 JsVars there). */
const ALIAS_CHARS = 4096;

export function newAliases(): Aliases {
  return { incoming: {}, held: 0, outgoing: {} };
}

/** The CONNECT for the client's settings, with MQTT 5's properties; when the client speaks
 *  3.1.1 (`v5` false), a 3.1.1 CONNECT, which the same encoder writes. */
export function connectPacket5(cfg: Config, clean: boolean, password: Uint8Array | undefined, v5: boolean | undefined): Uint8Array {
  let properties = cfg.properties;
  // The largest packet we take: the broker then drops a larger message for us rather than
  // send it [MQTT-3.1.2-25], and the connection lives.
  if (cfg.maxPacketSize && !(properties && properties.maximumPacketSize !== undefined)) {
    const given = (properties || {}) as { [name: string]: unknown };
    const copy: { [name: string]: unknown } = {}; // the user's object stays as it was
    for (const name in given) copy[name] = given[name];
    copy.maximumPacketSize = cfg.maxPacketSize;
    properties = copy as Properties;
  }
  const will = cfg.will;
  return encodeConnect5({
    type: PacketType.CONNECT,
    protocolLevel: v5 ? 5 : 4,
    cleanStart: clean,
    keepAlive: cfg.keepalive,
    clientId: cfg.clientId,
    will: will ? { topic: will.topic, message: payloadBytes(will.msg), qos: will.qos || 0, retain: !!will.retain, properties: will.properties } : undefined,
    username: cfg.user,
    password: password,
    properties: properties,
  });
}

/** What the broker's CONNACK sets for the connection, computed once when it comes. */
export interface Limits {
  window: number; // publishes in flight at most: ours, and its Receive Maximum [MQTT-3.3.4-7]
  keepalive: number; // seconds: its Server Keep Alive replaces ours [MQTT-3.2.2-21]
  packetSize: number; // bytes a packet sent may have: ours, and its Maximum Packet Size [MQTT-3.1.2-24]; 0: no bound
}

export function connackLimits(cfg: Config, connack: Properties): Limits {
  const ours = cfg.maxPacketSize;
  const theirs = connack.maximumPacketSize || 0;
  return {
    window: Math.min(cfg.maxInflight, connack.receiveMaximum || 65535),
    keepalive: connack.serverKeepAlive !== undefined ? connack.serverKeepAlive : cfg.keepalive,
    packetSize: ours && theirs ? Math.min(ours, theirs) : ours || theirs,
  };
}

/** The packet size a packet sent may have (Limits), before a CONNACK our maxPacketSize. */
export function packetLimit(cfg: Config, limits: Limits | undefined): number {
  return limits ? limits.packetSize : cfg.maxPacketSize;
}

/**
 * A PUBLISH within what the broker's CONNACK allows (`connack`, {} before the first): its
 * maximum QoS [MQTT-3.2.2-11], retain [MQTT-3.2.2-14] and topic aliases [MQTT-3.3.2-9]; the
 * client checks its size. Its packet id is written when it gets a slot (setPacketId).
 */
export function publishPacket5(
  connack: Properties,
  aliases: Aliases,
  topic: string,
  payload: Uint8Array,
  qos: QoS,
  retain: boolean | undefined,
  properties: Properties | undefined
): Uint8Array {
  const alias = properties && properties.topicAlias;
  if (alias !== undefined) {
    // (0 and what is not a number the encoder refuses, as it checks every property.)
    if (alias > (connack.topicAliasMaximum || 0)) throw badArgument("bad topicAlias");
    // An alias alone names the topic on this connection only: not for a publish that may be
    // sent again on the next.
    if (topic === "" && (qos || !aliases.outgoing[alias])) throw badArgument("topic alias not set");
  }
  // (No Maximum QoS: any, as a comparison with undefined is false.)
  if (qos > (connack.maximumQoS as number)) throw badArgument("qos above the broker's maximum");
  if (retain && connack.retainAvailable === false) throw badArgument("retain not available");
  return publishBytes5(topic, payload, qos, retain, false, 1, properties); // 1: a place for the id
}

/** The topic alias that a publish of `topic` with `properties` sets: one with a topic. */
export function aliasSet(topic: string, properties: Properties | undefined): number | undefined {
  return topic && properties ? properties.topicAlias : undefined;
}

/** Once the PUBLISH that sets `alias` is written: later ones may name the topic by it alone
 *  (not before: one waiting for an in-flight slot would be overtaken). */
export function setAlias(aliases: Aliases, alias: number | undefined): void {
  if (alias) aliases.outgoing[alias] = true;
}

/** A SUBSCRIBE to one filter with `options`, or without `qos` an UNSUBSCRIBE with `options` as
 *  its properties; within `limit` bytes (packetLimit()) [MQTT-3.1.2-24]. The options besides
 *  the subscription's own three (3.8.3.1) are the SUBSCRIBE's properties, which the encoder
 *  checks as it checks every packet's: a name it does not know is BAD_ARGUMENT. */
export function subscriptionPacket5(limit: number, packetId: number, topic: string, qos: QoS | undefined, options: unknown): Uint8Array {
  if (options != null && typeof options != "object") throw badArgument("bad options");
  const given = (options || {}) as { [name: string]: unknown };
  let properties = given;
  if (qos !== undefined) {
    properties = {};
    for (const name in given) if (name != "noLocal" && name != "retainAsPublished" && name != "retainHandling") properties[name] = given[name];
  }
  const bytes = encodeSubscription5({
    type: qos === undefined ? PacketType.UNSUBSCRIBE : PacketType.SUBSCRIBE,
    packetId: packetId,
    properties: properties,
    // The encoder reads the list of the packet's type.
    subscriptions: [{ topicFilter: topic, qos: qos, noLocal: given.noLocal, retainAsPublished: given.retainAsPublished, retainHandling: given.retainHandling }],
    topicFilters: [topic],
  } as Subscribe5);
  checkPacketSize(bytes.length, limit);
  return bytes;
}

/** The DISCONNECT. A Session Expiry Interval where the CONNECT had none is a Protocol Error
 *  [MQTT-3.14.2-2]. Over `maximum` bytes (packetLimit()), the Reason String and User
 *  Properties are left out [MQTT-3.14.2-20, 3.14.2-21], then TOO_LARGE [MQTT-3.1.2-24]. */
export function disconnectPacket5(cfg: Config, maximum: number, reasonCode: unknown, properties: unknown): Uint8Array {
  const expiry = properties && (properties as Properties).sessionExpiryInterval;
  if (expiry && !(cfg.properties && cfg.properties.sessionExpiryInterval)) throw badArgument("sessionExpiryInterval where the CONNECT had none");
  const packet: Disconnect5 = {
    type: PacketType.DISCONNECT,
    reasonCode: reasonCode as number, // (none: 0, to the encoder)
    properties: properties as Properties,
  };
  let bytes = encodeDisconnect5(packet);
  if (maximum && bytes.length > maximum) {
    packet.properties = { sessionExpiryInterval: properties ? (properties as Properties).sessionExpiryInterval : undefined };
    bytes = encodeDisconnect5(packet);
  }
  checkPacketSize(bytes.length, maximum);
  return bytes;
}

/**
 * The topic of an incoming PUBLISH: a Topic Alias with a topic sets the alias, one without
 * names the topic it was set to. An alias above the maximum we sent, or one never set, is a
 * Protocol Error [MQTT-3.3.2-10, 3.3.2-12]. Topics past ALIAS_CHARS in all are TOO_LARGE: the
 * broker kept the protocol, but what it asks us to hold is more than we take.
 */
export function resolveAlias(aliases: Aliases, maximum: number, topic: string, properties: Properties | undefined): string {
  const alias = properties && properties.topicAlias;
  if (alias === undefined) return topic;
  if (alias > maximum) throw protocolError("topic alias above the maximum");
  const incoming = aliases.incoming;
  if (topic) {
    const before = incoming[alias];
    aliases.held += topic.length - (before ? before.length : 0);
    if (aliases.held > ALIAS_CHARS) throw mqttError("TOO_LARGE", "topic aliases hold over " + ALIAS_CHARS + " characters");
    incoming[alias] = topic;
  } else if (!(topic = incoming[alias])) throw protocolError("unknown topic alias");
  return topic;
}

/**
 * The one place that turns an acknowledgement's reason code into an error: of 0x80 or above
 * (section 2.4), REFUSED for a PUBACK, PUBREC, PUBCOMP or UNSUBACK, CONNACK_REFUSED (with
 * `returnCode`) for a CONNACK, SUBACK_FAILURE for a SUBACK; none below; for the broker's
 * DISCONNECT, CLOSED whatever its code, as the connection ends either way. A SUBACK or
 * UNSUBACK has a list of codes: one, as our requests have one filter [MQTT-3.8.4-5,
 * MQTT-3.11.3-1].
 */
export function refusal5(packet: { type: number; reasonCode?: number; reasonCodes?: number[]; properties?: Properties }): MqttError | undefined {
  const type = packet.type;
  const codes = packet.reasonCodes;
  if (codes && codes.length !== 1) throw protocolError("one reason code expected");
  const reasonCode = (codes ? codes[0] : packet.reasonCode) as number;
  const closed = type === PacketType.DISCONNECT;
  if (reasonCode < 0x80 && !closed) return undefined;
  const connack = type === PacketType.CONNACK;
  const suback = type === PacketType.SUBACK;
  const reason = packet.properties && packet.properties.reasonString;
  const error = mqttError(
    closed ? "CLOSED" : connack ? "CONNACK_REFUSED" : suback ? "SUBACK_FAILURE" : "REFUSED",
    (closed ? "disconnected" : connack ? "connection refused" : suback ? "subscription refused" : "refused") +
      " by the broker: reason code 0x" + reasonCode.toString(16) + (reason ? " (" + reason + ")" : "")
  );
  error.reasonCode = reasonCode;
  if (connack) error.returnCode = reasonCode;
  return error;
}

/** A message for the queue, with its properties. */
export function message5(packet: Publish5, properties: Properties): Message {
  return { topic: packet.topicName, msg: packet.payload, retained: packet.retain, qos: packet.qos, dup: packet.dup, properties: properties };
}
