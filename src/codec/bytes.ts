// The one home of byte helpers: UTF-8 by hand (Espruino has no TextEncoder/TextDecoder,
// no Buffer). Strings are walked with charCodeAt, which is all Espruino
// offers; there "\u20AC" is already 0xAC, so whatever code unit the string holds is encoded.
import { mqttError } from "./errors";

export function badArgument(message: string): Error {
  return mqttError("BAD_ARGUMENT", message);
}

function malformed(): Error {
  return mqttError("PROTOCOL", "malformed UTF-8"); // [MQTT-1.5.3-1]
}

/** UTF-8 byte count; an unpaired surrogate cannot be encoded (BAD_ARGUMENT); U+0000 is
 *  refused too when `forbidNul` (MQTT strings, [MQTT-1.5.3-2]), but allowed in payloads. */
function scan(str: string, forbidNul: boolean): number {
  const n = str.length;
  let size = n;
  for (let i = 0; i < n; i++) {
    const c = str.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0 && forbidNul) throw badArgument("U+0000 in string");
    } else if (c < 0x800) {
      size += 1;
    } else if (c < 0xd800 || c > 0xdfff) {
      size += 2;
    } else {
      const d = c < 0xdc00 ? str.charCodeAt(i + 1) : 0; // NaN past the end
      if (!(d >= 0xdc00 && d <= 0xdfff)) throw badArgument("unpaired surrogate");
      size += 2; // 4 bytes for 2 code units
      i++;
    }
  }
  return size;
}

/** Bytes of the UTF-8 encoding of `str`. */
export function utf8Length(str: string): number {
  return scan(str, false);
}

/** Bytes of a length-prefixed MQTT string: its UTF-8 length, which must fit in 16 bits
 *  [MQTT-1.5.3], with no U+0000 [MQTT-1.5.3-2]. The 2-byte prefix is not included. */
export function mqttStringLength(str: string): number {
  if (typeof str !== "string") throw badArgument("not a string");
  const size = scan(str, true);
  if (size > 0xffff) throw badArgument("string over 65535 bytes");
  return size;
}

/** Writes the UTF-8 encoding of `str` at `offset`; returns the offset after it.
 *  The caller has sized `buf` with utf8Length (which also rejected unpaired surrogates). */
export function writeUtf8(str: string, buf: Uint8Array, offset: number): number {
  const n = str.length;
  let o = offset;
  for (let i = 0; i < n; i++) {
    let c = str.charCodeAt(i);
    if (c < 0x80) {
      buf[o++] = c;
    } else if (c < 0x800) {
      buf[o++] = 0xc0 | (c >> 6);
      buf[o++] = 0x80 | (c & 63);
    } else if (c < 0xd800 || c > 0xdfff) {
      buf[o++] = 0xe0 | (c >> 12);
      buf[o++] = 0x80 | ((c >> 6) & 63);
      buf[o++] = 0x80 | (c & 63);
    } else {
      c = 0x10000 + ((c - 0xd800) << 10) + (str.charCodeAt(++i) - 0xdc00);
      buf[o++] = 0xf0 | (c >> 18);
      buf[o++] = 0x80 | ((c >> 12) & 63);
      buf[o++] = 0x80 | ((c >> 6) & 63);
      buf[o++] = 0x80 | (c & 63);
    }
  }
  return o;
}

/** The UTF-8 encoding of `str` (U+0000 allowed: this is for payloads too). */
export function encodeUtf8(str: string): Uint8Array {
  const buf = new Uint8Array(utf8Length(str));
  writeUtf8(str, buf, 0);
  return buf;
}

/** Decodes bytes[start, end) as an MQTT UTF-8 string, refusing what [MQTT-1.5.3-1]
 *  forbids (ill-formed sequences, overlong forms, surrogate halves, code points above
 *  U+10FFFF) and U+0000 [MQTT-1.5.3-2]. A BOM is kept, not skipped [MQTT-1.5.3-3]. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  let i = start;
  while (i < end) {
    const b = bytes[i++];
    if (b < 0x80) {
      if (b === 0) throw mqttError("PROTOCOL", "U+0000 in string");
      s += String.fromCharCode(b);
      continue;
    }
    // Lead byte: how many continuation bytes follow, and the allowed range of the first
    // one, which is what excludes overlong forms, surrogates and values above U+10FFFF.
    let need: number, lo = 0x80, hi = 0xbf, c: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1; c = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2; c = b & 0x0f;
      if (b === 0xe0) lo = 0xa0; // overlong
      else if (b === 0xed) hi = 0x9f; // U+D800..U+DFFF
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3; c = b & 0x07;
      if (b === 0xf0) lo = 0x90; // overlong
      else if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else {
      throw malformed(); // continuation byte, C0/C1 (overlong) or F5..FF
    }
    if (i + need > end) throw malformed();
    const b1 = bytes[i++];
    if (b1 < lo || b1 > hi) throw malformed();
    c = (c << 6) | (b1 & 63);
    for (let k = 1; k < need; k++) {
      const bk = bytes[i++];
      if ((bk & 0xc0) !== 0x80) throw malformed();
      c = (c << 6) | (bk & 63);
    }
    if (c < 0x10000) {
      s += String.fromCharCode(c);
    } else {
      c -= 0x10000;
      s += String.fromCharCode(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
    }
  }
  return s;
}
