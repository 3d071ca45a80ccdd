// A model of Espruino's Storage over NOR flash (src/jsflash.c at c5ff787b), for tests of the
// flash store on Node: files of a fixed size made by write(name, data, 0, size); a write only
// clears bits and refuses bytes already written ("File already written with different
// data"); erase() makes a file trash; creating a file that does not fit compacts the area
// when its trash would make room. Page erases are counted as compaction does them (every
// page from the first trash on), and the power can be cut at any step: a file's creation,
// each byte programmed (the byte being programmed when the power goes keeps only some of the
// bits it was clearing), an erase. Compaction itself is modelled as atomic: on the board it
// is not (docs/flash-store.md).
"use strict";
const zlib = require("node:zlib");

const HEADER = 32; // JsfFileHeader: size and a 28-byte name
const align = (n) => (n + 3) & ~3;

class PowerCut extends Error {}

/** Espruino's E as far as the flash store uses it, over binary strings as Espruino's are. */
const E = {
  toString: (bytes) => Buffer.from(bytes).toString("latin1"),
  toArrayBuffer: (str) => {
    const b = Buffer.from(str, "latin1");
    return new Uint8Array(b).buffer;
  },
  CRC32: (bytes) => zlib.crc32(Buffer.from(bytes)),
};

class SimStorage {
  constructor({ area = 256 * 1024, page = 4096 } = {}) {
    this.area = area;
    this.page = page;
    this.files = new Map(); // name -> { data: Uint8Array, at: order of creation }
    this.used = 0; // bytes of files and trash, in the order created
    this.trash = 0;
    this.erases = 0; // flash pages erased
    this.compactions = 0;
    this.steps = 0;
    this.created = []; // names of the files made, in order
    this.cutAt = Infinity;
    this.dead = false;
  }

  /** One step of flash work; throws PowerCut when it is the one the power goes at. */
  step() {
    if (this.dead || ++this.steps >= this.cutAt) {
      this.dead = true; // nothing reaches the flash after the cut, whatever the code does next
      throw new PowerCut("power cut at step " + this.steps);
    }
  }

  /** Power back: the flash as the cut left it. */
  restore() {
    this.dead = false;
    this.cutAt = Infinity;
  }

  list(regex) {
    return [...this.files.keys()].filter((name) => !regex || regex.test(name));
  }

  read(name, offset = 0, length = 0) {
    const file = this.files.get(name);
    if (!file) return undefined;
    const size = file.data.length;
    offset = Math.min(Math.max(offset, 0), size);
    if (length <= 0 || offset + length > size) length = size - offset;
    return Buffer.from(file.data.subarray(offset, offset + length)).toString("latin1");
  }

  write(name, data, offset = 0, size = 0) {
    const bytes = Buffer.from(data, "latin1");
    if (!size) size = bytes.length;
    let file = this.files.get(name);
    if (offset === 0 && (!file || file.data.length !== size || !isErased(file.data, 0, size))) {
      if (file) this.erase(name);
      file = this.create(name, size);
    }
    if (!file) throw new Error("Unable to find or create file");
    if (offset + bytes.length > file.data.length) throw new Error("Too much data for file size");
    if (!isErased(file.data, offset, offset + bytes.length)) throw new Error("File already written with different data");
    for (let i = 0; i < bytes.length; i++) {
      try {
        this.step();
      } catch (cut) {
        // The byte being programmed keeps only the lowest of the bits it was clearing.
        const clearing = file.data[offset + i] & ~bytes[i] & 0xff;
        if (clearing) file.data[offset + i] &= ~(clearing & -clearing) & 0xff;
        throw cut;
      }
      file.data[offset + i] &= bytes[i];
    }
    return true;
  }

  create(name, size) {
    const need = HEADER + align(size);
    if (this.used + need > this.area) {
      if (this.used - this.trash + need > this.area) return null;
      this.compact();
    }
    this.step(); // the header
    const file = { data: new Uint8Array(size).fill(0xff) };
    this.files.set(name, file);
    this.created.push(name);
    this.used += need;
    return file;
  }

  erase(name) {
    const file = this.files.get(name);
    if (!file) return;
    this.step();
    this.files.delete(name);
    this.trash += HEADER + align(file.data.length);
  }

  /** Rewrites the area without its trash: every page in use is erased (an upper bound: Espruino starts at the first page holding trash). */
  compact() {
    if (!this.trash) return;
    this.erases += Math.ceil(this.used / this.page);
    this.compactions++;
    this.used -= this.trash;
    this.trash = 0;
  }

  getFree() {
    return this.area - this.used;
  }

  getStats() {
    return { totalBytes: this.area, freeBytes: this.area - this.used, trashBytes: this.trash, fileCount: this.files.size };
  }
}

function isErased(data, from, to) {
  for (let i = from; i < to; i++) if (data[i] !== 0xff) return false;
  return true;
}

module.exports = { SimStorage, PowerCut, E };
