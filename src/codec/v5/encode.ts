// Encodes the MQTT 5.0 packets the client sends, checking every field: BAD_ARGUMENT for what
// the specification forbids a sender, TOO_LARGE past 256 MB. Packets are field lists written
// by the 3.1.1 codec's writer; properties come from properties.ts. Any packet, as a broker or
// a test sends it: encode5() in ../broker/encode5.ts.
import { Connect5, Disconnect5, Packet5, Properties, Publish5, Subscribe5, Subscription5, Unsubscribe5 } from "./types";
import { PacketType } from "../types";
import { checkPacketId, checkQos, encodePacket, Field, idBytes } from "../writer";
import { badArgument } from "../errors";
import { badTopic, isValidTopicFilter, isValidTopicName } from "../topics";
import { PROTOCOL_NAME } from "../encode-client"; // "MQTT", as in 3.1.1: one array in the bundle
import { isShared, isValidTopicFilter5 } from "./topics";
import { propertyFields, Where } from "./properties";
import { isReasonCode } from "./reason-codes";

export function checkReasonCode(type: number, code: number): void {
  if (!isReasonCode(type, code)) throw badArgument("bad reason code");
}

/** The packet of `header`: `fields`, the packet's properties, then `rest`. */
export function withProperties(header: number, fields: Field[], p: Packet5, rest?: Field[]): Uint8Array {
  propertyFields((p as Disconnect5).properties, 1 << (header >> 4), fields);
  if (rest) for (let i = 0; i < rest.length; i++) fields.push(rest[i]);
  return encodePacket(header, fields);
}

/** CONNECT; at protocol level 4, the 3.1.1 CONNECT, which has no properties (those given are
 *  not written) and no password without a user name [MQTT-3.1.2-22]: the MQTT 5 bundle then
 *  needs no second encoder for protocolVersion 4. */
export function encodeConnect5(p: Connect5): Uint8Array {
  const keepAlive = p.keepAlive || 0;
  if (!(keepAlive >= 0 && keepAlive <= 0xffff && keepAlive % 1 === 0)) throw badArgument("bad keepAlive");
  const v5 = p.protocolLevel !== 4;
  let flags = p.cleanStart ? 2 : 0;
  const rest: Field[] = [p.clientId];
  const will = p.will;
  if (will) {
    if (!isValidTopicName(will.topic)) throw badTopic("will topic", will.topic);
    flags |= 4 | (checkQos(will.qos) << 3) | (will.retain ? 32 : 0);
    if (v5) propertyFields(will.properties, Where.WILL, rest); // will properties come before its topic (3.1.3.2)
    if (!(will.message instanceof Uint8Array)) throw badArgument("bad will message");
    rest.push(will.topic, will.message);
  }
  if (p.username != null) {
    if (typeof p.username !== "string") throw badArgument("bad username");
    flags |= 128;
    rest.push(p.username);
  }
  if (p.password != null) {
    // A password without a user name is allowed in 5.0 (3.1.2.9).
    if (!v5 && p.username == null) throw badArgument("password without username"); // [MQTT-3.1.2-22]
    if (!(p.password instanceof Uint8Array)) throw badArgument("bad password");
    flags |= 64;
    rest.push(p.password);
  }
  const fields: Field[] = [PROTOCOL_NAME, [v5 ? 5 : 4, flags], [keepAlive >> 8, keepAlive & 255]];
  if (v5) propertyFields(p.properties, 1 << PacketType.CONNECT, fields);
  for (let i = 0; i < rest.length; i++) fields.push(rest[i]);
  return encodePacket(0x10, fields);
}

export function encodePublish5(p: Publish5): Uint8Array {
  return publishBytes5(p.topicName, p.payload, p.qos, p.retain, p.dup, p.packetId, p.properties);
}

/** A PUBLISH from its fields as arguments: the client makes no packet object for it. */
export function publishBytes5(
  topic: string,
  payload: Uint8Array,
  qos: number,
  retain: boolean | undefined,
  dup: boolean | undefined,
  packetId: number | undefined,
  properties: Properties | undefined
): Uint8Array {
  checkQos(qos);
  if (dup && !qos) throw badArgument("dup with qos 0"); // [MQTT-3.3.1-2]
  const alias = properties && properties.topicAlias;
  // An empty topic name only with a Topic Alias (3.3.2.1); never wildcards [MQTT-3.3.2-2].
  if (!(isValidTopicName(topic) || (topic === "" && alias !== undefined))) throw badTopic("topic", topic);
  if (!(payload instanceof Uint8Array)) throw badArgument("bad payload");
  const fields: Field[] = [topic];
  if (qos) {
    checkPacketId(packetId as number);
    fields.push(idBytes(packetId as number));
  }
  propertyFields(properties, 1 << PacketType.PUBLISH, fields);
  return encodePacket(0x30 | (dup ? 8 : 0) | (qos << 1) | (retain ? 1 : 0), fields, payload);
}

/** DISCONNECT and AUTH: nothing at all when the code is 0 and there are no properties
 *  (3.14.2.1, 3.15.2.1), the code alone when there are no properties. */
export function encodeDisconnect5(p: Disconnect5): Uint8Array {
  const rc = p.reasonCode || 0;
  checkReasonCode(p.type, rc);
  const header = p.type << 4;
  if (hasProperties(p.properties)) return withProperties(header, [[rc]], p);
  return encodePacket(header, rc ? [[rc]] : []);
}

export function hasProperties(props: unknown): boolean {
  if (props == null) return false;
  for (const k in props as object) if ((props as { [k: string]: unknown })[k] !== undefined) return true;
  return false;
}

/** SUBSCRIBE and UNSUBSCRIBE: the packet id, properties, then each topic filter, with its
 *  options in a SUBSCRIBE. One function for both: on Espruino each function costs memory. */
export function encodeSubscription5(p: Subscribe5 | Unsubscribe5): Uint8Array {
  checkPacketId(p.packetId);
  const subscribe = p.type === PacketType.SUBSCRIBE;
  const list: (Subscription5 | string)[] = subscribe ? (p as Subscribe5).subscriptions : (p as Unsubscribe5).topicFilters;
  // At least one [MQTT-3.8.3-2] [MQTT-3.10.3-2].
  if (!list || !list.length) throw badArgument(subscribe ? "no subscriptions" : "no topic filters");
  const rest: Field[] = [];
  for (let i = 0; i < list.length; i++) {
    const s = list[i] as Subscription5;
    const filter = subscribe ? s.topicFilter : (s as unknown as string);
    if (!isValidTopicFilter5(filter)) throw badFilter5(filter);
    rest.push(filter);
    if (subscribe) {
      const rh = s.retainHandling || 0;
      if (rh !== 0 && rh !== 1 && rh !== 2) throw badArgument("bad retainHandling"); // 3 is a Protocol Error
      // No Local on a shared subscription is a Protocol Error [MQTT-3.8.3-4].
      if (s.noLocal && isShared(filter)) throw badArgument("noLocal on a shared subscription");
      rest.push([checkQos(s.qos) | (s.noLocal ? 4 : 0) | (s.retainAsPublished ? 8 : 0) | (rh << 4)]);
    }
  }
  return withProperties(subscribe ? 0x82 : 0xa2, [idBytes(p.packetId)], p, rest); // flags 0010 [MQTT-3.8.1-1] [MQTT-3.10.1-1]
}

/** A filter that 3.1.1 takes fails only for its $share/ prefix (4.8.2). */
function badFilter5(filter: string): Error {
  return isValidTopicFilter(filter) ? badArgument("bad topic filter " + JSON.stringify(filter) + ": $share/ needs a name without + # /, then a filter") : badTopic("topic filter", filter, true);
}
