// The session store for Node: the log (log.ts) in files of a folder, each write flushed to
// the disk (fsync) before the call returns, so that a killed process or a power cut loses
// nothing that add() returned.
import { mqttError } from "../codec/errors";
import { LogStore } from "./log";
import type { Medium } from "./medium";
import type { Store, StoreOptions } from "./store";
// Types only, for TypeScript users and for stores of their own: nothing of them is in the bundle.
export type { OpenResult, Store, StoredMessage, StoreOptions } from "./store";

/** Bytes of each file: offsets in a file must stay below 65,536 (the log's keys). */
const FILE_SIZE = 65536;
const PREFIX = "session";

/** CRC-32 in JavaScript, where Node's zlib has none (before Node 20.15). */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc ^= bytes[i];
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A folder as the log's medium. */
export function folderMedium(dir: string): Medium {
  const fs = require("fs");
  const path = require("path");
  const zlib = require("zlib");
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  return {
    files: function (prefix: string) {
      return fs.readdirSync(dir).filter(function (name: string) {
        const sep = name.charAt(prefix.length);
        // "#" and "~": not the separators of other files' names ("mqtt.json" beside a store "mqtt").
        return name.indexOf(prefix) === 0 && (sep === "#" || sep === "~");
      });
    },
    read: function (name: string, offset: number, length: number) {
      const bytes = new Uint8Array(length).fill(0xff);
      const fd = fs.openSync(file(name), "r");
      try {
        fs.readSync(fd, bytes, 0, length, offset);
      } finally {
        fs.closeSync(fd);
      }
      return bytes;
    },
    write: function (name: string, bytes: Uint8Array, offset: number, size?: number) {
      if (size) {
        // A new file is made whole, erased (0xFF) as flash is: a gap left in a file reads 0.
        const whole = new Uint8Array(size).fill(0xff);
        whole.set(bytes, offset);
        bytes = whole;
        offset = 0;
      }
      const fd = fs.openSync(file(name), size ? "w" : "r+");
      try {
        fs.writeSync(fd, bytes, 0, bytes.length, offset);
        fs.fdatasyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      if (size) {
        // A new file: its name must reach the disk too.
        const d = fs.openSync(dir, "r");
        try {
          fs.fsyncSync(d);
        } finally {
          fs.closeSync(d);
        }
      }
    },
    erase: function (name: string) {
      fs.unlinkSync(file(name));
    },
    crc: typeof zlib.crc32 == "function" ? zlib.crc32 : crc32,
    overhead: 0,
  };
}

/** The session store in the folder `dir` (made if missing), taking at most `maxBytes` of disk
 *  (at least 131,072: files of 64 KB, one of them for the session state). */
export function fileStore(dir: string, options: StoreOptions): Store {
  const max = options && options.maxBytes;
  if (typeof dir != "string" || !dir) throw mqttError("BAD_ARGUMENT", "bad folder");
  if (!(typeof max == "number" && max % 1 === 0 && max >= 2 * FILE_SIZE)) throw mqttError("BAD_ARGUMENT", "bad maxBytes");
  return new LogStore(folderMedium(dir), PREFIX, FILE_SIZE, max);
}
