// Encoders for what only a broker sends (tests and test brokers; not in the client bundle).
import { ConnackPacket, SubackPacket } from "../types";
import { allocPacket, checkPacketId, writeU16 } from "../writer";
import { badArgument } from "../errors";

export function encodeConnack(p: ConnackPacket): Uint8Array {
  const rc = p.returnCode;
  if (!(rc >= 0 && rc <= 5 && rc % 1 === 0)) throw badArgument("returnCode"); // [MQTT-3.2.3]
  if (p.sessionPresent && rc !== 0) throw badArgument("sessionPresent with refusal"); // [MQTT-3.2.2-4]
  const buf = allocPacket(0x20, 2);
  buf[2] = p.sessionPresent ? 1 : 0;
  buf[3] = rc;
  return buf;
}

export function encodeSuback(p: SubackPacket): Uint8Array {
  checkPacketId(p.packetId);
  const codes = p.returnCodes;
  if (!codes || !codes.length) throw badArgument("no return codes");
  const buf = allocPacket(0x90, 2 + codes.length);
  let o = writeU16(buf, buf.length - 2 - codes.length, p.packetId);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c !== 0 && c !== 1 && c !== 2 && c !== 0x80) throw badArgument("return code"); // [MQTT-3.9.3-2]
    buf[o++] = c;
  }
  return buf;
}
