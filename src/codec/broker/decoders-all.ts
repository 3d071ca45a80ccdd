// Decoder tables for the broker side and for tests; kept apart from decode-client so that
// the client bundle carries no server decoders.
import { DecoderTable } from "../types";
import { clientDecoders, decodeAck, decodeEmpty, decodePublish } from "../decode-client";
import { decodeConnect, decodeSubscribe, decodeUnsubscribe } from "./decode-server";

/** What a broker accepts from a client. */
export const serverDecoders: DecoderTable = {
  1: decodeConnect,
  3: decodePublish,
  4: decodeAck,
  5: decodeAck,
  6: decodeAck,
  7: decodeAck,
  8: decodeSubscribe,
  10: decodeUnsubscribe,
  12: decodeEmpty,
  14: decodeEmpty,
};

/** All 14 packet types: what either side accepts (types 0 and 15 are reserved and stay missing). */
export const allDecoders: DecoderTable = {};
for (const table of [clientDecoders, serverDecoders]) {
  for (const type in table) allDecoders[type as unknown as number] = table[type];
}
