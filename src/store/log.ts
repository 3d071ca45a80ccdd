// The session log that both stores write (flash on Espruino, files on Node): one format, one
// proof of crash safety (test/store/power-cut.test.js). Every byte is written at most once,
// as NOR flash allows, and every change is wholly there or wholly absent after a power cut:
// a record's body is written first and its commit byte last, in a separate write.
//
// Segments (`<name>#<n>`, n in base 36): files of a fixed size holding the messages in the
// order they were stored. A record: commit (0x5A when whole), removed (0xFF; 0x00 once
// PUBACK/PUBCOMP came), packet length (2 bytes), CRC-32 of the packet (4), the packet.
// A segment whose messages are all removed is erased whole.
// Journal (`<name>~<n>`): the session state, entries of 8 bytes appended (type, key: segment 3 bytes and offset 2,
// packet id: 2), the type byte written after the rest. When it is full, the state (in flight,
// held ids) is written to a new journal, marked whole, and the old one erased: the newest
// journal with its mark holds the state.
import { mqttError } from "../codec/errors";
import type { Medium } from "./medium";
import type { OpenResult, Store, StoredMessage } from "./store";

/** key = segment number × STRIDE + offset of the record in its segment. */
const STRIDE = 65536;
const SEGMENT = [0x4d, 0x51, 0x53, 1]; // "MQS", format 1
const JOURNAL = [0x4d, 0x51, 0x4a, 1]; // "MQJ", format 1
const HEAD = 8;
const ENTRY = 8;
const COMMIT = 0x5a;
// Journal entry types. Each has four bits cleared: a type byte that a power cut tore (some of
// its bits still set) never reads as another type.
const SENT = 0x0f;
const REL = 0x33;
const DONE = 0x3c;
const HOLD = 0x55;
const UNHOLD = 0x5a;
const CLEAR = 0x66;
const MARK = 0x69;

// Big-endian numbers without loops: on Espruino a loop of % and Math.floor costs ~50 µs a
// byte, and a Uint8Array keeps the low 8 bits of what is assigned to it.
function get16(b: Uint8Array, at: number): number {
  return b[at] * 256 + b[at + 1];
}

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >> 8;
  b[at + 1] = v;
}

/** A journal entry's key and id: the segment number (3 bytes), the offset (2), the id (2). */
function putEntry(b: Uint8Array, at: number, key: number, id: number): void {
  const seq = Math.floor(key / STRIDE);
  b[at] = seq >> 16;
  put16(b, at + 1, seq);
  put16(b, at + 3, key % STRIDE);
  put16(b, at + 5, id);
}

/** True when every byte from `from` on is erased (0xFF). */
function erased(b: Uint8Array, from: number): boolean {
  for (let i = from; i < b.length; i++) if (b[i] !== 0xff) return false;
  return true;
}

/** 0: the file starts with `magic`; 1: with `magic` not wholly written (a power cut as it was
 *  made: nothing in it was committed); 2: with something else. */
function magicState(b: Uint8Array, magic: number[]): number {
  let state = 0;
  for (let i = 0; i < 4; i++) {
    if (b[i] === magic[i]) continue;
    if ((b[i] & magic[i]) !== magic[i]) return 2;
    state = 1;
  }
  return state;
}

export class LogStore implements Store {
  // Segments in order, three numbers each: its number, messages live in it, the end of its
  // records. A typed array of maxBytes' segments: RAM does not grow with what is stored.
  private segs = new Uint32Array(0);
  private n = 0; // segments
  private pos = -1; // where the last segment takes the next record; -1: a new segment does
  private nextSeq = 0;
  private total = 0;
  private fKeys: number[] = []; // messages in flight: key, packet id, stage
  private fIds: number[] = [];
  private fStages: number[] = [];
  private heldIds: number[] = [];
  private jName = "";
  private jPos = -1; // where the journal takes the next entry; -1: a new journal does
  private nextGen = 0;
  private cap: number;

  constructor(private m: Medium, private prefix: string, private size: number, maxBytes: number) {
    // One file of maxBytes goes to the journal (two while it is replaced).
    this.cap = Math.floor(maxBytes / (size + m.overhead)) - 1;
  }

  private segName(seq: number): string {
    return this.prefix + "#" + seq.toString(36);
  }

  open(): OpenResult {
    const m = this.m;
    const prefix = this.prefix;
    const size = this.size;
    const bad: string[] = [];
    const segs: number[] = [];
    const gens: number[] = [];
    const names = m.files(prefix);
    for (let i = 0; i < names.length; i++) {
      const suffix = names[i].substr(prefix.length + 1);
      const n = parseInt(suffix, 36);
      if (!(n >= 0) || n.toString(36) !== suffix) bad.push(names[i]);
      else (names[i].charAt(prefix.length) === "#" ? segs : gens).push(n);
    }
    segs.sort(function (a, b) { return a - b; });
    gens.sort(function (a, b) { return b - a; });
    this.segs = new Uint32Array(3 * Math.max(this.cap, segs.length));
    this.n = 0;
    this.pos = -1;
    this.total = 0;
    this.nextSeq = segs.length ? segs[segs.length - 1] + 1 : 0;
    this.nextGen = gens.length ? gens[0] + 1 : 0;
    this.jName = "";
    this.jPos = -1;
    this.clear();

    // The newest journal with its mark holds the state; the others go.
    for (let i = 0; i < gens.length; i++) {
      const name = prefix + "~" + gens[i].toString(36);
      const state = magicState(m.read(name, 0, 4), JOURNAL);
      if (state === 2) bad.push(name);
      else if (!this.jName && !state && this.replay(name, bad)) this.jName = name;
      else m.erase(name);
    }

    for (let i = 0; i < segs.length; i++) {
      const name = this.segName(segs[i]);
      const b = m.read(name, 0, size);
      const state = magicState(b, SEGMENT);
      if (state === 2) bad.push(name);
      if (state) {
        if (state === 1) m.erase(name);
        continue;
      }
      let off = 4;
      let n = 0;
      let tail = -1;
      while (off + HEAD <= size) {
        const c = b[off];
        if (c !== COMMIT) {
          // Not committed: a record a power cut tore (the last written), or foreign bytes.
          if (erased(b, off)) tail = off;
          else if ((c & COMMIT) !== COMMIT) bad.push(name);
          break;
        }
        const len = get16(b, off + 2);
        if (off + HEAD + len > size || m.crc(b.subarray(off + HEAD, off + HEAD + len)) !== get16(b, off + 4) * 65536 + get16(b, off + 6)) {
          bad.push(name);
          break;
        }
        if (b[off + 1] === 0xff) n++;
        off += HEAD + len;
      }
      if (off + HEAD > size) tail = off; // full: nothing more goes in
      this.segs.set([segs[i], n, off], 3 * this.n++);
      this.total += n;
      this.pos = tail;
    }
    // Segments without a live message go, but the last while it takes records.
    for (let i = this.n - 1; i >= 0; i--) {
      if (!this.segs[3 * i + 1] && (i < this.n - 1 || this.pos < 0)) this.drop(i);
    }
    // In flight, but removed before the journal said so (a power cut between the two).
    for (let i = this.fKeys.length - 1; i >= 0; i--) {
      const key = this.fKeys[i];
      const at = this.segOf(key);
      if (at < 0 || m.read(this.segName(this.segs[3 * at]), (key % STRIDE) + 1, 1)[0] !== 0xff) this.forget(i);
    }
    let lastId = 0;
    for (let i = 0; i < this.fIds.length; i++) lastId = Math.max(lastId, this.fIds[i]);
    const result: OpenResult = { held: this.heldIds.slice(), lastId: lastId };
    if (bad.length) result.corrupt = mqttError("CORRUPT", "skipped " + bad.join(", "));
    return result;
  }

  /** Applies a journal's entries; true when it holds its mark (a whole state). */
  private replay(name: string, bad: string[]): boolean {
    const b = this.m.read(name, 0, this.size);
    let whole = false;
    let at = 4;
    for (; at + ENTRY <= b.length; at += ENTRY) {
      const t = b[at];
      const key = (b[at + 1] * 65536 + get16(b, at + 2)) * STRIDE + get16(b, at + 4);
      const id = get16(b, at + 6);
      const f = this.fKeys.indexOf(key);
      if (t === SENT) this.flight(f, key, id);
      else if (t === REL) {
        if (f >= 0) this.fStages[f] = 2;
      } else if (t === DONE) {
        if (f >= 0) this.forget(f);
      } else if (t === HOLD) {
        if (this.heldIds.indexOf(id) < 0) this.heldIds.push(id);
      } else if (t === UNHOLD) {
        const h = this.heldIds.indexOf(id);
        if (h >= 0) this.heldIds.splice(h, 1);
      } else if (t === CLEAR) this.clear();
      else if (t === MARK) whole = true;
      else {
        // The end, or an entry a power cut tore (its bytes written, not its type): the next
        // entry goes to a new journal. Bytes past it are not ours.
        if (erased(b, at)) this.jPos = at;
        else if (!erased(b, at + ENTRY)) bad.push(name);
        break;
      }
    }
    if (at + ENTRY > b.length) this.jPos = at; // full: the next entry makes a new journal
    if (!whole) {
      this.clear();
      this.jPos = -1;
    }
    return whole;
  }

  private clear(): void {
    this.fKeys = [];
    this.fIds = [];
    this.fStages = [];
    this.heldIds = [];
  }

  private flight(f: number, key: number, id: number): void {
    if (f < 0) {
      this.fKeys.push(key);
      this.fIds.push(id);
      this.fStages.push(1);
    } else {
      this.fIds[f] = id;
      this.fStages[f] = 1;
    }
  }

  private forget(f: number): void {
    this.fKeys.splice(f, 1);
    this.fIds.splice(f, 1);
    this.fStages.splice(f, 1);
  }

  /** Erases segment i and takes it out of the list. */
  private drop(i: number): void {
    const t = this.segs;
    this.m.erase(this.segName(t[3 * i]));
    if (i === --this.n) this.pos = -1;
    for (let j = 3 * i; j < 3 * this.n; j++) t[j] = t[j + 3];
  }

  /** The index of the segment that holds `key` with a record there, or -1. */
  private segOf(key: number): number {
    const seq = Math.floor(key / STRIDE);
    for (let i = 0; i < this.n; i++) {
      if (this.segs[3 * i] === seq) return key % STRIDE < this.segs[3 * i + 2] ? i : -1;
    }
    return -1;
  }

  add(packet: Uint8Array): number {
    if (!this.segs.length) this.open(); // never write over files it has not read
    if (!(packet instanceof Uint8Array) || !packet.length) throw mqttError("BAD_ARGUMENT", "bad packet");
    const len = packet.length;
    const need = HEAD + len;
    if (4 + need > this.size) throw mqttError("TOO_LARGE");
    const m = this.m;
    const t = this.segs;
    let last = this.n - 1;
    const fresh = this.pos < 0 || this.pos + need > this.size;
    // The record's body: length, CRC, packet (its commit and removed bytes stay erased).
    const head = fresh ? 6 : 0;
    const body = new Uint8Array(head + 6 + len);
    for (let i = 0; i < head; i++) body[i] = i < 4 ? SEGMENT[i] : 0xff;
    const crc = m.crc(packet);
    put16(body, head, len);
    put16(body, head + 2, crc / 65536);
    put16(body, head + 4, crc);
    body.set(packet, head + 6);
    if (fresh) {
      // The last segment goes first if nothing in it is live: its room may be what the new one needs.
      if (last >= 0 && !t[3 * last + 1]) this.drop(last);
      if (this.n >= this.cap) throw mqttError("QUEUE_FULL", "store full");
      const name = this.segName(this.nextSeq);
      try {
        m.write(name, body, 0, this.size);
      } catch (e) {
        throw mqttError("QUEUE_FULL", "no room in storage");
      }
      t.set([this.nextSeq++, 0, 4], 3 * this.n++);
      this.pos = 4;
      last = this.n - 1;
    } else {
      try {
        m.write(this.segName(t[3 * last]), body, this.pos + 2);
      } catch (e) {
        this.pos = -1; // not writable there after all (bytes left by a power cut): a new segment
        return this.add(packet);
      }
    }
    const at = this.pos;
    m.write(this.segName(t[3 * last]), new Uint8Array([COMMIT]), at);
    t[3 * last + 1]++;
    t[3 * last + 2] = this.pos = at + need;
    this.total++;
    return t[3 * last] * STRIDE + at;
  }

  next(after: number): StoredMessage | undefined {
    const t = this.segs;
    let i = 0;
    let off = 4;
    if (after >= 0) {
      const seq = Math.floor(after / STRIDE);
      while (i < this.n && t[3 * i] < seq) i++;
      if (i < this.n && t[3 * i] === seq) {
        off = after % STRIDE;
        off += HEAD + get16(this.m.read(this.segName(seq), off, HEAD), 2);
      }
    }
    for (; i < this.n; i++, off = 4) {
      const name = this.segName(t[3 * i]);
      while (off < t[3 * i + 2]) {
        const h = this.m.read(name, off, HEAD);
        const len = get16(h, 2);
        if (h[1] === 0xff) {
          const key = t[3 * i] * STRIDE + off;
          const f = this.fKeys.indexOf(key);
          return {
            key: key,
            packet: this.m.read(name, off + HEAD, len),
            id: f < 0 ? 0 : this.fIds[f],
            stage: (f < 0 ? 0 : this.fStages[f]) as 0 | 1 | 2,
          };
        }
        off += HEAD + len;
      }
    }
    return undefined;
  }

  sent(key: number, id: number): void {
    if (!(id >= 1 && id <= 0xffff && id % 1 === 0)) throw mqttError("BAD_ARGUMENT", "bad packetId");
    const f = this.fKeys.indexOf(key);
    if (f >= 0 && this.fIds[f] === id) return; // sent again (DUP): nothing changed
    this.note(SENT, key, id);
    this.flight(f, key, id);
  }
  released(key: number): void {
    const f = this.fKeys.indexOf(key);
    if (f < 0 || this.fStages[f] === 2) return;
    this.note(REL, key, 0);
    this.fStages[f] = 2;
  }

  remove(key: number): void {
    const i = this.segOf(key);
    if (i < 0) return;
    const name = this.segName(this.segs[3 * i]);
    const off = key % STRIDE;
    if (this.m.read(name, off + 1, 1)[0] !== 0xff) return;
    this.m.write(name, new Uint8Array([0]), off + 1);
    this.total--;
    const f = this.fKeys.indexOf(key);
    if (f >= 0) {
      this.forget(f);
      this.note(DONE, key, 0);
    }
    if (!--this.segs[3 * i + 1] && (i < this.n - 1 || this.pos < 0)) this.drop(i);
  }

  hold(id: number): void {
    if (!(id >= 1 && id <= 0xffff && id % 1 === 0)) throw mqttError("BAD_ARGUMENT", "bad packetId");
    if (this.heldIds.indexOf(id) >= 0) return;
    this.note(HOLD, 0, id);
    this.heldIds.push(id);
  }

  release(id: number): void {
    const h = this.heldIds.indexOf(id);
    if (h < 0) return;
    this.note(UNHOLD, 0, id);
    this.heldIds.splice(h, 1);
  }

  clearSession(): void {
    if (!this.fKeys.length && !this.heldIds.length) return;
    this.note(CLEAR, 0, 0);
    this.clear();
  }

  count(): number {
    return this.total;
  }

  /** Appends one journal entry: its key and id, then its type. */
  private note(type: number, key: number, id: number): void {
    if (!this.segs.length) this.open();
    if (this.jPos < 0 || this.jPos + ENTRY > this.size) this.snapshot();
    const e = new Uint8Array(ENTRY - 1);
    putEntry(e, 0, key, id);
    this.m.write(this.jName, e, this.jPos + 1);
    this.m.write(this.jName, new Uint8Array([type]), this.jPos);
    this.jPos += ENTRY;
  }

  /** Writes the state to a new journal, marks it whole, then erases the old one. */
  private snapshot(): void {
    const n = this.fKeys.length;
    let entries = n + this.heldIds.length;
    for (let i = 0; i < n; i++) if (this.fStages[i] === 2) entries++;
    const end = 4 + entries * ENTRY;
    if (end + 2 * ENTRY > this.size) throw mqttError("QUEUE_FULL", "session state too large");
    const b = new Uint8Array(end);
    let at = 0;
    const put = (type: number, key: number, id: number) => {
      b[at] = type;
      putEntry(b, at + 1, key, id);
      at += ENTRY;
    };
    b.set(JOURNAL, 0);
    at = 4;
    for (let i = 0; i < n; i++) {
      put(SENT, this.fKeys[i], this.fIds[i]);
      if (this.fStages[i] === 2) put(REL, this.fKeys[i], 0);
    }
    for (let i = 0; i < this.heldIds.length; i++) put(HOLD, 0, this.heldIds[i]);
    const name = this.prefix + "~" + this.nextGen.toString(36);
    try {
      this.m.write(name, b, 0, this.size);
      this.m.write(name, new Uint8Array([MARK]), end);
    } catch (e) {
      throw mqttError("QUEUE_FULL", "no room in storage");
    }
    this.nextGen++;
    if (this.jName) this.m.erase(this.jName);
    this.jName = name;
    this.jPos = end + ENTRY;
  }
}
