// The session store for Espruino: the log (log.ts) in files of Espruino's Storage, in flash.
// Its own bundle (dist/flash-store.js, the module `flash-store` on a board). See
// docs/flash-store.md for the layout and what it costs in flash.
import { mqttError } from "../codec/errors";
import { LogStore } from "./log";
import type { Medium } from "./medium";
import type { Store, StoreOptions } from "./store";
// Types only, for TypeScript users and for stores of their own: nothing of them is in the bundle.
export type { OpenResult, Store, StoredMessage, StoreOptions } from "./store";

/** Bytes of each file: with Storage's 32-byte header, one 4 KB flash page. */
const FILE_SIZE = 4064;
const HEADER = 32;
/** Storage names hold 28 bytes (longer ones are cut short: two stores would share files);
 *  the store adds "#" or "~" and up to 5 base-36 digits. Espruino's RegExp has no {m,n}. */
const NAME = /^[\w-]+$/;
const NAME_MAX = 22;

/** Storage (or an object with its read/write/erase/list/getStats) as the log's medium. */
export function storageMedium(storage: any): Medium {
  return {
    files: function (prefix: string) {
      // "#" and "~": not the separators of other files' names ("mqtt.json" beside a store "mqtt").
      return storage.list(new RegExp("^" + prefix + "[#~]"));
    },
    read: function (name: string, offset: number, length: number) {
      return new Uint8Array(E.toArrayBuffer(storage.read(name, offset, length)));
    },
    write: function (name: string, bytes: Uint8Array, offset: number, size?: number) {
      if (!storage.write(name, E.toString(bytes), offset, size)) throw mqttError("QUEUE_FULL");
    },
    erase: function (name: string) {
      storage.erase(name);
    },
    crc: E.CRC32,
    overhead: HEADER,
  };
}

/** A store over `storage` (Espruino's Storage, or a stand-in with its interface). */
export function storageStore(storage: any, name: string, options: StoreOptions): Store {
  if (typeof name != "string" || name.length > NAME_MAX || !NAME.test(name)) throw mqttError("BAD_ARGUMENT", "bad store name");
  const medium = storageMedium(storage);
  const max = options && options.maxBytes;
  const stats = storage.getStats();
  // What the store holds already is room it can use again.
  const room = stats.freeBytes + stats.trashBytes + medium.files(name).length * (FILE_SIZE + HEADER);
  if (!(typeof max == "number" && max % 1 === 0 && max >= 2 * (FILE_SIZE + HEADER) && max <= room)) {
    throw mqttError("BAD_ARGUMENT", "bad maxBytes");
  }
  return new LogStore(medium, name, FILE_SIZE, max);
}

/** The session store in Espruino's Storage: files named `name` followed by "#" or "~" and a
 *  number, taking at most `maxBytes` of flash (at least 8,192). */
export function flashStore(name: string, options: StoreOptions): Store {
  return storageStore(require("Storage"), name, options);
}
