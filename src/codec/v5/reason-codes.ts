// The reason codes each packet may carry (section 2.4 and the packets' own tables). A code
// outside its packet's list is a Malformed Packet on decode and BAD_ARGUMENT on encode.
// Kept as strings: indexOf on a short string is native on Espruino, and a string costs fewer
// JsVars than an array of numbers. The strings are in the function's code, not in a table of
// the module: on Espruino a module loaded from Storage keeps its code in flash, but a table it
// makes stays in RAM for as long as it is loaded (19 JsVars for this one).
import { PacketType } from "../types";

/**
 * Whether `code` is a reason code that a packet of `type` may carry. Each code of a list is one
 * printable character, (code + 0x50) % 0xB0, which the bundle (ASCII only) writes as one byte
 * where "\x80" takes four: 0x00 to 0x19 are "P" to "i", 0x80 to 0x8F are " " to "/", 0x90 to
 * 0x9F the digits, then ":" to "?", 0xA0 to 0xA2 "@" to "B". The codes of 0 to 0xAF map to
 * characters all different; none above 0xA2 is a reason code.
 */
export function isReasonCode(type: number, code: number): boolean {
  let codes = "";
  switch (type) {
    case PacketType.CONNACK: // 3.2.2.2
      codes = "P !\"#$%&'()*,0579:;<=?";
      break;
    case PacketType.PUBACK: // 3.4.2.1
    case PacketType.PUBREC: // 3.5.2.1
      codes = "P` #'0179";
      break;
    case PacketType.PUBREL: // 3.6.2.1
    case PacketType.PUBCOMP: // 3.7.2.1
      codes = "P2";
      break;
    case PacketType.SUBACK: // 3.9.3
      codes = "PQR #'/17>AB";
      break;
    case PacketType.UNSUBACK: // 3.11.3
      codes = "Pa #'/1";
      break;
    case PacketType.DISCONNECT: // 3.14.2.1
      codes = "PT !\"#')+-./03456789:;<=>?@AB";
      break;
    case 15: // AUTH, 3.15.2.1
      codes = "Phi";
  }
  return typeof code == "number" && code >= 0 && code <= 0xa2 && code % 1 === 0 && codes.indexOf(String.fromCharCode((code + 0x50) % 0xb0)) >= 0;
}
