// The reason codes each packet may carry (section 2.4 and the packets' own tables). A code
// outside its packet's list is a Malformed Packet on decode and BAD_ARGUMENT on encode.
// Kept as strings of char codes: indexOf on a short string is native on Espruino, and a string
// costs fewer JsVars than an array of numbers. The strings are in the function's code, not in
// a table of the module: on Espruino a module loaded from Storage keeps its code in flash, but
// a table it makes stays in RAM for as long as it is loaded (19 JsVars for this one).
import { PacketType } from "../types";

/** Whether `code` is a reason code that a packet of `type` may carry. */
export function isReasonCode(type: number, code: number): boolean {
  let codes = "";
  switch (type) {
    case PacketType.CONNACK: // 3.2.2.2
      codes = "\x00\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8c\x90\x95\x97\x99\x9a\x9b\x9c\x9d\x9f";
      break;
    case PacketType.PUBACK: // 3.4.2.1
    case PacketType.PUBREC: // 3.5.2.1
      codes = "\x00\x10\x80\x83\x87\x90\x91\x97\x99";
      break;
    case PacketType.PUBREL: // 3.6.2.1
    case PacketType.PUBCOMP: // 3.7.2.1
      codes = "\x00\x92";
      break;
    case PacketType.SUBACK: // 3.9.3
      codes = "\x00\x01\x02\x80\x83\x87\x8f\x91\x97\x9e\xa1\xa2";
      break;
    case PacketType.UNSUBACK: // 3.11.3
      codes = "\x00\x11\x80\x83\x87\x8f\x91";
      break;
    case PacketType.DISCONNECT: // 3.14.2.1
      codes = "\x00\x04\x80\x81\x82\x83\x87\x89\x8b\x8d\x8e\x8f\x90\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2";
      break;
    case 15: // AUTH, 3.15.2.1
      codes = "\x00\x18\x19";
  }
  return typeof code == "number" && code >= 0 && code < 256 && code % 1 === 0 && codes.indexOf(String.fromCharCode(code)) >= 0;
}
