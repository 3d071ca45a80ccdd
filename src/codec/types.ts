// MQTT 3.1.1 control packets as plain objects, told apart by `type` (the fixed header's
// packet type, section 2.2.1). Field names follow the specification's names.

export const enum PacketType {
  CONNECT = 1,
  CONNACK = 2,
  PUBLISH = 3,
  PUBACK = 4,
  PUBREC = 5,
  PUBREL = 6,
  PUBCOMP = 7,
  SUBSCRIBE = 8,
  SUBACK = 9,
  UNSUBSCRIBE = 10,
  UNSUBACK = 11,
  PINGREQ = 12,
  PINGRESP = 13,
  DISCONNECT = 14,
}

export type QoS = 0 | 1 | 2;

export interface Will {
  topic: string;
  message: Uint8Array;
  qos: QoS;
  retain: boolean;
}

export interface ConnectPacket {
  type: PacketType.CONNECT;
  protocolLevel?: number; // 4 for 3.1.1, the encoder's default
  cleanSession: boolean;
  keepAlive: number; // seconds
  clientId: string;
  will?: Will;
  username?: string;
  password?: Uint8Array;
}

export interface ConnackPacket {
  type: PacketType.CONNACK;
  sessionPresent: boolean;
  returnCode: number;
}

export interface PublishPacket {
  type: PacketType.PUBLISH;
  dup: boolean;
  qos: QoS;
  retain: boolean;
  topicName: string;
  packetId?: number; // present exactly when qos > 0
  payload: Uint8Array;
}

export interface AckPacket {
  type: PacketType.PUBACK | PacketType.PUBREC | PacketType.PUBREL | PacketType.PUBCOMP | PacketType.UNSUBACK;
  packetId: number;
}

export interface Subscription {
  topicFilter: string;
  qos: QoS;
}

export interface SubscribePacket {
  type: PacketType.SUBSCRIBE;
  packetId: number;
  subscriptions: Subscription[];
}

export interface SubackPacket {
  type: PacketType.SUBACK;
  packetId: number;
  returnCodes: number[]; // 0, 1, 2 or 0x80 (failure)
}

export interface UnsubscribePacket {
  type: PacketType.UNSUBSCRIBE;
  packetId: number;
  topicFilters: string[];
}

export interface EmptyPacket {
  type: PacketType.PINGREQ | PacketType.PINGRESP | PacketType.DISCONNECT;
}

export type Packet =
  | ConnectPacket
  | ConnackPacket
  | PublishPacket
  | AckPacket
  | SubscribePacket
  | SubackPacket
  | UnsubscribePacket
  | EmptyPacket;

/** Decodes the body of one packet whose fixed header's first byte was `header`. */
export type BodyDecoder = (header: number, body: Uint8Array) => Packet;

/** Decoders indexed by packet type; a missing entry means the packet is not acceptable here. */
export type DecoderTable = { [type: number]: BodyDecoder | undefined };
