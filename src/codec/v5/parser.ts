// The stream parser for MQTT 5.0 is the 3.1.1 codec's PacketParser: framing (fixed header,
// remaining length, bodies across chunks, maxPacketSize) is the same in both versions; only
// the body decoders differ, and the parser takes them as a table.
import { DecoderTable5, Packet5 } from "./types";
import { PacketParser } from "../parser";

export { PacketParser };

/** new PacketParser5(decoders, maxPacketSize, onPacket): PacketParser typed for v5 packets. */
export const PacketParser5 = PacketParser as unknown as new (
  decoders: DecoderTable5,
  maxPacketSize: number,
  onPacket: (p: Packet5) => void,
) => PacketParser;
