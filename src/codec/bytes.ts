// The one home of byte helpers: UTF-8 by hand (Espruino has no TextEncoder/TextDecoder,
// no Buffer). Strings are walked with charCodeAt, which is all Espruino
// offers; there "\u20AC" is already 0xAC, so whatever code unit the string holds is encoded.
// On Espruino a walk in interpreted JS costs about 30 us a character, so ASCII, the common
// case, takes a native path there: a view on the string's own memory, checked with E.sum.
// The codec allocates every buffer, so it also asks the platform whether one fits (allocBytes).
import { badArgument, mqttError, protocolError } from "./errors";
import { onEspruino } from "./platform";

// Elsewhere than on Espruino, buffers of up to 4 KB are views on a shared block of 8 KB, as
// Node's Buffer pool gives them: a typed array of its own costs V8 several times more to make.
let pool: ArrayBuffer;
let poolUsed = 8192;

/** Espruino built without Unicode (the ESP32's): a character holds one byte, and
 *  String.fromCharCode(0x163) is "c". */
const byteStrings = onEspruino && String.fromCharCode(0x163).charCodeAt(0) !== 0x163;

/**
 * Bytes that the free heap holds: on Espruino what the free JsVars hold (a string keeps
 * blocksize - 4 bytes in each, a flat string blocksize); elsewhere no bound. Running out of
 * memory on Espruino stops the running code where no catch reaches it, so buffers are refused
 * before that. Garbage counts as used until it is collected: below `wanted`, the heap is
 * measured again after a collection (slower), before the answer is no.
 */
export function heapRoom(wanted: number, flat?: boolean): number {
  if (!onEspruino) return Infinity;
  let memory = process.memory(false);
  const perVar = memory.blocksize - (flat ? 0 : 4);
  if (memory.free * perVar < wanted) memory = process.memory();
  return memory.free * perVar;
}

/** Whether every character of `str` is ASCII (then it is its own UTF-8). */
export function isAsciiString(str: string): boolean {
  "ram";
  if (!onEspruino) return asciiWalk(str);
  // The string's own memory, viewed twice: read as signed bytes, a byte with its top bit set
  // lowers the sum.
  const buffer = E.toArrayBuffer(str);
  return E.sum(new Int8Array(buffer)) === E.sum(new Uint8Array(buffer));
}

function asciiWalk(str: string): boolean {
  for (let i = 0; i < str.length; i++) if (str.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** new Uint8Array(size), or TOO_LARGE past half the free heap: decoding it and the user's
 *  callbacks need the rest. Checked for buffers over 512 bytes (a smaller one that fails
 *  would mean the heap is gone anyway). */
export function allocBytes(size: number): Uint8Array {
  if (size > 512 && size > heapRoom(2 * size) / 2) throw tooLarge(size, "half the free memory, " + grouped(heapRoom(0) >> 1) + " bytes");
  if (onEspruino || size > 4096) return new Uint8Array(size);
  if (poolUsed + size > 8192) {
    pool = new ArrayBuffer(8192);
    poolUsed = 0;
  }
  const view = new Uint8Array(pool, poolUsed, size);
  poolUsed += size;
  return view;
}

/** TOO_LARGE naming the size and the limit; its message is made only when refusing (on
 *  Espruino every string is memory), outside the "ram" functions that call it. */
export function tooLarge(size: number, limit: string): Error {
  return mqttError("TOO_LARGE", "packet of " + grouped(size) + " bytes over " + limit);
}

/** 102413 as "102,413" on Node (no toLocaleString: its output varies); as it is on Espruino,
 *  where the bytes of the code are what counts: String itself, no function of ours. */
export const grouped: (n: number) => string = onEspruino ? String : groupThousands;

function groupThousands(n: number): string {
  let s = "" + n;
  let out = "";
  while (s.length > 3) {
    out = "," + s.substring(s.length - 3) + out;
    s = s.substring(0, s.length - 3);
  }
  return s + out;
}

/** Writes the UTF-8 encoding of `str` into `buf` at `o` and returns the offset after it.
 *  With `buf` 0 it only measures: writeUtf8(str, 0, 0) is the byte length. One walk does both,
 *  so the size and the bytes cannot disagree. An unpaired surrogate cannot be encoded
 *  [MQTT-1.5.3-1]. With `mqtt` (measuring from 0), `str` is an MQTT string: no U+0000
 *  [MQTT-1.5.3-2], at most 65535 bytes [MQTT-1.5.3]. */
export function writeUtf8(str: string, buf: Uint8Array | 0, o: number, mqtt?: boolean): number {
  for (let i = 0; i < str.length; i++) {
    let c = str.charCodeAt(i);
    // n continuation bytes carry 6 bits each, the last the lowest; before them a lead byte
    // with n + 1 one bits on top: 0x780 >> n ends in 0xc0, 0xe0, 0xf0 (Uint8Array keeps the
    // low 8 bits), and & -n leaves none for ASCII.
    let n = 0;
    if (c > 0x7f) {
      // (ASCII, the common case in topics, skips all this)
      if (c >> 11 == 27) {
        // U+D800..U+DFFF: a high surrogate, then a low one (charCodeAt is NaN past the end).
        // A low surrogate first lands above U+10FFFF (c >> 16 > 16). Unpaired: refused as 0.
        const d = str.charCodeAt(++i);
        c = ((c - 0xd7c0) << 10) | (d & 0x3ff);
        if (c >> 16 > 16 || d >> 10 != 55) c = 0;
      }
      n = c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
    }
    if (buf) {
      for (let k = n; k; c >>= 6) buf[o + k--] = 0x80 | (c & 63);
      buf[o] = (0x780 >> n & -n) | c;
    } else if ((!c && (n || mqtt)) || (mqtt && o + n >= 0xffff)) {
      // c is 0 for U+0000 (n = 0) or an unpaired surrogate (n = 1); checked when measuring,
      // which comes before writing
      throw badArgument("bad string");
    }
    o += n + 1;
  }
  return o;
}

/** Bytes of a length-prefixed MQTT string (the 2-byte prefix not included); anything but a
 *  string is refused as if it held U+0000. */
export function mqttStringLength(str: string): number {
  return writeUtf8(typeof str == "string" ? str : "\0", 0, 0, true);
}

/** The UTF-8 encoding of `str`: U+0000 allowed (payloads, passwords); as an MQTT string
 *  (`mqtt`: topics) without U+0000 and at most 65535 bytes, else BAD_ARGUMENT. */
export function encodeUtf8(str: string, mqtt?: boolean): Uint8Array {
  if (onEspruino && typeof str == "string") {
    // If ASCII and fine, a view on the string's own memory; otherwise the walk encodes, or
    // measures and refuses.
    if (isAsciiString(str) && (!mqtt || (str.indexOf("\0") < 0 && str.length <= 0xffff))) return new Uint8Array(E.toArrayBuffer(str));
  }
  const buf = new Uint8Array(writeUtf8(str, 0, 0, mqtt));
  writeUtf8(str, buf, 0);
  return buf;
}

/** Decodes bytes[i, end) as an MQTT UTF-8 string, refusing what [MQTT-1.5.3-1] forbids
 *  (ill-formed sequences, overlong forms, surrogate code points, code points above U+10FFFF)
 *  and U+0000 [MQTT-1.5.3-2]. A BOM is kept, not skipped [MQTT-1.5.3-3]. Where strings hold
 *  bytes (byteStrings), a valid string is kept as its UTF-8 bytes, one character each: cut to
 *  8 bits, "dev/\u0163md" would become another topic, "dev/cmd". */
export function decodeUtf8(bytes: Uint8Array, i: number, end: number): string {
  let str: string | undefined;
  if (onEspruino) {
    // ASCII without U+0000 is valid as it is; anything else is walked, and refused there.
    str = E.toString(bytes.subarray(i, end));
    if (isAsciiString(str) && str.indexOf("\0") < 0) return str;
  }
  let s = "";
  while (i < end) {
    let c = bytes[i++];
    if (c > 0x7f) {
      // The lead byte gives n, the continuation bytes that follow, and its bits below the
      // leading ones (0x7f >> n keeps one bit more, which puts F8..FF above U+10FFFF, as
      // F5..F7 are). 0x80..0xC1 (a continuation byte, or an overlong lead) get n = 4:
      // whatever follows, the result is below 1 << 21 or above U+10FFFF.
      const n = c < 0xc2 ? 4 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
      c &= 0x7f >> n;
      // Past `end`, or at a byte that is no continuation byte (10xxxxxx), c turns negative
      // and stays so.
      for (let k = n; k--; ) c = i < end && (bytes[i] ^ 0x80) < 64 ? (c << 6) | (bytes[i++] & 63) : -1;
      // An overlong form uses more bytes than its code point needs: below 1 << 5n + 1 (for
      // n = 1, C0 and C1 were sent to n = 4); then what is above U+10FFFF, and surrogates.
      if (c < 1 << (5 * n + 1) || c >> 16 > 16 || c >> 11 == 27) c = 0;
      else if (c > 0xffff) {
        s += String.fromCharCode(0xd7c0 + (c >> 10)); // the high surrogate
        c = 0xdc00 | (c & 0x3ff);
      }
    }
    if (!c) throw protocolError("bad UTF-8");
    s += String.fromCharCode(c);
  }
  // The walk was the check: where strings hold bytes, the string is the bytes themselves.
  return byteStrings ? (str as string) : s;
}
