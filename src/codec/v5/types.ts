// MQTT 5.0 control packets as plain objects, told apart by `type` (section 2.1.2): the 3.1.1
// packets' field names where the field is the same, plus reason codes, properties and AUTH (15).
// A decoded packet carries `properties` only when it had at least one, and always a
// `reasonCode` where the packet has one (0 when the short form left it out).
import { PacketType, QoS } from "../types";

/** A User Property (0x26): a name and a value. Kept as a list of pairs, in order, repeats
 *  included: the specification gives them a meaning only as a whole list [MQTT-3.3.2-18]. */
export type UserProperty = [string, string];

/** User Properties as MQTT.js takes them: a list value repeats its name, in order. Taken
 *  wherever properties are given; what is received is always a list of pairs. */
export type UserPropertyMap = { [name: string]: string | string[] };

/**
 * Properties (section 2.2.2) by the names MQTT.js gives them. Byte properties that are flags
 * (0 or 1) are booleans; Maximum QoS stays a number (0 or 1). Binary Data is a Uint8Array.
 * subscriptionIdentifier is a list in PUBLISH (a message matching several subscriptions
 * carries one each [MQTT-3.3.4-4]) and one number in SUBSCRIBE.
 */
export interface Properties {
  payloadFormatIndicator?: boolean; // 0x01
  messageExpiryInterval?: number; // 0x02
  contentType?: string; // 0x03
  responseTopic?: string; // 0x08
  correlationData?: Uint8Array; // 0x09
  subscriptionIdentifier?: number | number[]; // 0x0B
  sessionExpiryInterval?: number; // 0x11
  assignedClientIdentifier?: string; // 0x12
  serverKeepAlive?: number; // 0x13
  authenticationMethod?: string; // 0x15
  authenticationData?: Uint8Array; // 0x16
  requestProblemInformation?: boolean; // 0x17
  willDelayInterval?: number; // 0x18
  requestResponseInformation?: boolean; // 0x19
  responseInformation?: string; // 0x1A
  serverReference?: string; // 0x1C
  reasonString?: string; // 0x1F
  receiveMaximum?: number; // 0x21
  topicAliasMaximum?: number; // 0x22
  topicAlias?: number; // 0x23
  maximumQoS?: number; // 0x24
  retainAvailable?: boolean; // 0x25
  userProperties?: UserProperty[] | UserPropertyMap; // 0x26: received, always UserProperty[]
  maximumPacketSize?: number; // 0x27
  wildcardSubscriptionAvailable?: boolean; // 0x28
  subscriptionIdentifiersAvailable?: boolean; // 0x29
  sharedSubscriptionAvailable?: boolean; // 0x2A
}

export interface Will5 {
  topic: string;
  message: Uint8Array;
  qos: QoS;
  retain: boolean;
  properties?: Properties;
}

export interface Connect5 {
  type: PacketType.CONNECT;
  protocolLevel?: number; // 5 [MQTT-3.1.2-2]
  cleanStart: boolean;
  keepAlive: number;
  clientId: string;
  properties?: Properties;
  will?: Will5;
  username?: string;
  password?: Uint8Array; // allowed without a user name in 5.0 (3.1.2.9)
}

export interface Connack5 {
  type: PacketType.CONNACK;
  sessionPresent: boolean;
  reasonCode: number;
  properties?: Properties;
}

export interface Publish5 {
  type: PacketType.PUBLISH;
  dup: boolean;
  qos: QoS;
  retain: boolean;
  topicName: string; // may be "" when properties.topicAlias is set (3.3.2.1)
  packetId?: number; // present exactly when qos > 0
  properties?: Properties;
  payload: Uint8Array;
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP. */
export interface PubAck5 {
  type: PacketType.PUBACK | PacketType.PUBREC | PacketType.PUBREL | PacketType.PUBCOMP;
  packetId: number;
  reasonCode: number;
  properties?: Properties;
}

export interface Subscription5 {
  topicFilter: string;
  qos: QoS;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: 0 | 1 | 2;
}

export interface Subscribe5 {
  type: PacketType.SUBSCRIBE;
  packetId: number;
  properties?: Properties;
  subscriptions: Subscription5[];
}

/** SUBACK and UNSUBACK: one reason code per topic filter. */
export interface SubAck5 {
  type: PacketType.SUBACK | PacketType.UNSUBACK;
  packetId: number;
  properties?: Properties;
  reasonCodes: number[];
}

export interface Unsubscribe5 {
  type: PacketType.UNSUBSCRIBE;
  packetId: number;
  properties?: Properties;
  topicFilters: string[];
}

export interface Ping5 {
  type: PacketType.PINGREQ | PacketType.PINGRESP;
}

/** DISCONNECT (14) and AUTH (15): a reason code and properties, both optional on the wire. */
export interface Disconnect5 {
  type: PacketType.DISCONNECT | 15;
  reasonCode: number;
  properties?: Properties;
}

export type Packet5 =
  | Connect5
  | Connack5
  | Publish5
  | PubAck5
  | Subscribe5
  | SubAck5
  | Unsubscribe5
  | Ping5
  | Disconnect5;

/** Decodes the body of one packet whose fixed header's first byte was `header`. */
export type BodyDecoder5 = (header: number, body: Uint8Array) => Packet5;

export type DecoderTable5 = { [type: number]: BodyDecoder5 | undefined };
