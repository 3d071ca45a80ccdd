// Decodes one whole packet held in one array (tests, test brokers).
import { DecoderTable, Packet } from "../types";
import { mqttError } from "../errors";
import { allDecoders } from "./decoders-all";

/** Exactly one whole packet: anything missing or left over is PROTOCOL. */
export function decode(bytes: Uint8Array, decoders: DecoderTable = allDecoders): Packet {
  const header = bytes[0];
  const decoder = bytes.length > 0 ? decoders[header >> 4] : undefined;
  if (!decoder) throw mqttError("PROTOCOL", "unexpected packet type");
  let remaining = 0;
  let multiplier = 1;
  let pos = 1;
  for (;;) {
    if (pos >= bytes.length || pos > 4) throw mqttError("PROTOCOL", "bad remaining length");
    const b = bytes[pos++];
    remaining += (b & 127) * multiplier;
    multiplier *= 128;
    if (!(b & 128)) break;
  }
  if (bytes.length - pos !== remaining) throw mqttError("PROTOCOL", "length does not match");
  return decoder(header, bytes.subarray(pos));
}
