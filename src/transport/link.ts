// The only code that touches a socket. One adapter serves Node (`net`/`tls`, Buffers) and
// Espruino (`net`/`tls`, 8-bit strings of at most 536 bytes, writes as strings).
// It never imports client/: the client hands it one callback.
import { heapRoom } from "../codec/bytes";
import { mqttError } from "../codec/errors";
import { onEspruino } from "../codec/platform";

export interface LinkOptions {
  server: string; // host name or address
  port: number;
  ssl: boolean | object;
  maxPacketSize: number; // 0: no bound
  transport?: (opts: object) => SocketLike;
}

/** What a socket must offer: Node's net.Socket and Espruino's socket both do. */
export interface SocketLike {
  on(event: string, cb: (arg?: any) => void): unknown;
  write(data: any): boolean;
  end?(): void;
  destroy?(): void;
  setNoDelay?(noDelay: boolean): unknown;
  writableLength?: number;
}

export const enum LinkEvent {
  OPEN, // maybe twice: a TLS socket from a transport reports "connect", then "secureConnect"
  DATA, // with the bytes; what the callback writes meanwhile leaves in one write
  DRAIN,
  CLOSE, // once, when the link is gone for whatever reason; with the cause when it failed
}

export interface Link {
  /** Sends bytes, or on Espruino a string of bytes (char codes 0..255); false when they wait
   *  in the link, and the caller should wait for DRAIN. */
  write(bytes: Uint8Array | string): boolean;
  /** Whether `size` more bytes may wait in the link (Espruino: within half the
   *  heap that was free when the first of them began to wait; Node: BACKLOG). A write past
   *  that ends the connection: a broker that sends and never reads would otherwise have the
   *  acknowledgements pile up without end. */
  room(size: number): boolean;
  /**
   * Closes at once; or, given `done`, after what was written has been sent, waiting for that
   * at most `waitMs` and calling `done` when the socket is gone. `cause`: why it failed.
   */
  close(cause?: unknown, waitMs?: number, done?: () => void): void;
  /** Closes the link if the data or drain handler was stopped midway: Espruino stops running
   *  code that runs out of memory, past every catch, and then removes the handler; the link
   *  would be deaf, or never send again. Called on the client's tick, when no handler runs. */
  verify(): void;
}

/**
 * Bytes handed to an Espruino socket at a time (twice this for one packet when nothing waits).
 * Espruino sends 536 bytes a turn and copies the rest of its buffer each time: a long buffer
 * costs twice its memory, and time quadratic in its length. What is written past this waits
 * in the link, in strings of at most this size, a large packet too.
 */
const SOCKET_SHARE = 1024;

/** Node: the bytes of the largest socket write that the link gathers from smaller ones. */
const GATHERED = 16384;

/** Node: bytes written and not yet taken by the socket, past which the connection ends: 4 MB,
 *  or eight packets of maxPacketSize if more (0: no bound). */
const BACKLOG = 1 << 22;

/** Espruino: the free heap (bytes, flat) that a TLS socket needs. Its mbedtls takes 2,100 to
 *  2,800 JsVars (of 17 or 18 bytes) from the heap, in flat blocks; short of them the
 *  interpreter fails an assertion (jsvIsFlatString) and stops. */
const TLS_ROOM = 50000;

/** The budget below which the free heap is measured after a garbage collection (heapRoom). */
const BUDGET_WANTED = 16384;

/** Opens a connection. May throw synchronously (Espruino: DNS or TCP failure; TOO_LARGE where
 *  a TLS socket does not fit the heap). */
export function openLink(options: LinkOptions, onEvent: (event: LinkEvent, value?: any) => void): Link {
  let closed = false;
  let busy = false; // true while the data or drain handler runs, and after one was stopped midway
  // Espruino: bytes given to the socket since its last drain, and the strings waiting here
  // (`waiting` bytes, allowed up to `budget`, set when the first one waits).
  let share = 0;
  const blocks: string[] = [];
  let waiting = 0;
  let budget = 0;
  let overflowed = false; // Node: past its backlog (Espruino marks it with a budget of -1)
  const backlog = onEspruino ? 0 : Math.max(BACKLOG, 8 * (options.maxPacketSize || Infinity)); // Node only
  let ending: (() => void) | null = null; // a graceful close, once what waits is handed over
  // Node: what is written in one turn (a loop of publishes, the answers to one chunk) is
  // gathered, and leaves when that code has run, in socket writes of up to GATHERED bytes: a
  // write costs Node's stream far more than the copy. Not before: while the code runs, what the
  // broker sends meanwhile waits unread, unacknowledged by TCP.
  let ready: Uint8Array[] = []; // this turn's writes, but the one being filled
  let gathered: Uint8Array | null = null;
  let filled = 0;
  let pressed = false; // the socket asked for a drain, which has not come yet
  /** Gives the socket `data`; false when it asks for a drain first (Node). */
  const hand = function (data: string | Uint8Array): boolean {
    "ram";
    share += data.length;
    try {
      return socket.write(data) !== false;
    } catch (error) {
      // Espruino throws when writing to a socket that has closed.
      close(error);
      return true;
    }
  };
  /** Node: `bytes` wait for the end of the turn (then DRAIN, once the socket has them and has
   *  not asked for a drain); a packet of GATHERED bytes or more, as it is. */
  const gather = function (bytes: Uint8Array): boolean {
    if (!gathered && !ready.length) Promise.resolve().then(flush);
    if (gathered && filled + bytes.length > GATHERED) finish();
    if (bytes.length >= GATHERED) ready.push(bytes);
    else {
      if (!gathered) gathered = new Uint8Array(GATHERED);
      gathered.set(bytes, filled);
      filled += bytes.length;
    }
    return false;
  };
  const finish = function () {
    ready.push((gathered as Uint8Array).subarray(0, filled));
    gathered = null;
    filled = 0;
  };
  /** Node: hands the socket what waits; false when it asks for a drain. */
  const handAll = function (): boolean {
    if (gathered) finish();
    const writes = ready;
    ready = [];
    for (let i = 0; i < writes.length; i++) if (!hand(writes[i])) pressed = true;
    return !pressed;
  };
  const flush = function () {
    if (!closed && handAll()) onEvent(LinkEvent.DRAIN);
  };
  /** Espruino: `data` waits, in blocks; false while anything waits. Past the bound (room) the
   *  broker takes nothing: what is written is dropped, and the link closes once the handler
   *  that wrote it has returned (closed from within its data handler, an Espruino socket keeps
   *  about 100 JsVars for good). */
  const put = function (data: string): boolean {
    "ram";
    // Half the free heap, in flat blocks: what waits is sent as it is and needs nothing more;
    // the other half is for the rest of the program meanwhile, and for the socket's own copies
    // of what it sends (with three quarters, a burst of 1,000 ran the ESP32-C3 out of memory).
    if (!waiting) budget = heapRoom(BUDGET_WANTED, true) / 2;
    else if (waiting + data.length > budget) {
      if (budget >= 0) setTimeout(close, 0, new Error("send backlog full"));
      budget = -1; // the link is closing: what comes is dropped, and room() refuses
      return true;
    }
    waiting += data.length;
    // Onto the last block while it is short, then in blocks of SOCKET_SHARE bytes.
    let i = blocks.length - 1;
    let at = i >= 0 ? Math.max(0, SOCKET_SHARE - blocks[i].length) : 0;
    if (at) blocks[i] += data.substr(0, at); // in place: Espruino appends to a string used once
    else i++;
    for (; at < data.length; at += SOCKET_SHARE) blocks.push(data.substr(at, SOCKET_SHARE));
    // A full block becomes a flat string, which takes a fifth fewer JsVars than one built by
    // concatenation. Where the heap has no room in one piece, it stays as it is, and the
    // budget shrinks by what it costs more (4 bytes of every 17 or 18 a JsVar).
    for (; i < blocks.length; i++) {
      const flat = blocks[i].length < SOCKET_SHARE ? blocks[i] : E.toFlatString(blocks[i]);
      if (flat) blocks[i] = flat;
      else budget -= blocks[i].length / 3;
    }
    pump();
    return !waiting;
  };
  /** Hands the socket waiting blocks while it holds less than SOCKET_SHARE. */
  const pump = function () {
    while (share < SOCKET_SHARE && blocks.length) {
      const block = blocks.shift() as string;
      waiting -= block.length;
      hand(block);
    }
  };
  /** Node: as put() past Espruino's bound. */
  const overflow = function (): boolean {
    if (!overflowed) setTimeout(close, 0, new Error("send backlog full"));
    overflowed = true;
    return true;
  };
  const open = function () {
    if (!closed) onEvent(LinkEvent.OPEN);
  };
  // The closures made here are kept small: on Espruino each one's code is copied into RAM
  // for every connection, where the module's functions are kept once.
  const close = function (cause?: unknown, waitMs?: number, done?: () => void) {
    if (closed) return;
    closed = true;
    if (done && socket.end) {
      // Node: what was gathered first (the DISCONNECT among it).
      if (!onEspruino) handAll();
      // What waits in the link goes first, drain by drain (all at once would copy it).
      endGracefully(socket, waitMs as number, done, function (then) {
        if (waiting) ending = then;
        else {
          onEvent(LinkEvent.DRAIN); // the socket has all: end() sends it
          then();
        }
      });
    } else {
      end(socket);
      // Never sent now. An Espruino socket lives on until it has sent what it holds, and with
      // it this closure: a broker that reads nothing would keep all that waited here.
      blocks.splice(0);
    }
    onEvent(LinkEvent.CLOSE, cause);
  };

  const connectOptions: { [key: string]: unknown } = {
    host: options.server,
    port: options.port || (options.ssl ? 8883 : 1883),
  };
  const extra = options.ssl as { [key: string]: unknown };
  if (typeof extra === "object") for (const key in extra) connectOptions[key] = extra[key];
  if (onEspruino && extra && heapRoom(TLS_ROOM, true) < TLS_ROOM) throw mqttError("TOO_LARGE", "TLS needs 50 KB of free memory");
  // Node: a transport (a socket made by the caller: the tests' fakes) is Node's alone.
  const made = !onEspruino && options.transport;
  const socket: SocketLike = made ? made(connectOptions) : require(extra ? "tls" : "net").connect(connectOptions, open);

  if (!onEspruino) {
    if (socket.setNoDelay) socket.setNoDelay(true); // MQTT packets are small and latency-bound
    if (made) {
      // Espruino keeps connect's callback as the one "connect" listener: adding another
      // there fails an assertion in the interpreter. Only sockets made by others need these.
      socket.on("connect", open);
      socket.on("secureConnect", open);
    }
  }
  // Espruino may deliver data before the connect callback, and as 8-bit strings.
  socket.on("data", function (data: Uint8Array | string) {
    "ram";
    if (closed) return;
    busy = true;
    try {
      // Node: a plain Uint8Array on the Buffer's bytes, once a chunk; the views the parser makes of
      // it are then plain too, where each of a Buffer is a Buffer, which costs Node several times more.
      const bytes = data as Uint8Array;
      onEvent(LinkEvent.DATA, onEspruino ? new Uint8Array(E.toArrayBuffer(data as string)) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
    } catch (error) {
      close(error); // whatever failed, the link ends with it, rather than lose its handler
    }
    busy = false; // not in a finally: code stopped for lack of memory runs none
  });
  socket.on("drain", function () {
    "ram";
    if (closed && !ending) return;
    busy = true;
    share = 0;
    pressed = false;
    pump();
    // Also after a graceful close: what waited has been handed over.
    if (!waiting) {
      onEvent(LinkEvent.DRAIN);
      const then = ending;
      ending = null;
      if (then) then();
    }
    busy = false;
  });
  socket.on("error", close);
  // "close" comes with a flag (had an error), which the client takes for no cause.
  socket.on("end", close);
  socket.on("close", close);

  return {
    write: function (bytes: Uint8Array | string): boolean {
      "ram";
      if (closed) return true;
      if (!onEspruino) {
        if (socket.writableLength! > backlog) return overflow();
        return gather(bytes as Uint8Array); // strings of bytes are made on Espruino only
      }
      // Espruino's write(Uint8Array) would send "16,0,255": strings carry its bytes.
      const data = typeof bytes == "string" ? bytes : E.toString(bytes);
      if (waiting || share + data.length > 2 * SOCKET_SHARE) return put(data);
      hand(data); // Espruino's write() always returns false, "for node.js compatibility"
      return true;
    },
    room: function (size: number): boolean {
      "ram";
      return onEspruino ? !waiting || waiting + size <= budget : !(socket.writableLength! > backlog);
    },
    close: close,
    verify: function () {
      if (busy) close(new Error("socket handler stopped"));
    },
  };
}

/**
 * end() sends what is buffered, then FIN: a DISCONNECT must reach the broker, or it publishes
 * the will [MQTT-3.14.4-3]. A board may sleep right after, so `done` waits for the socket to
 * close, at most `waitMs`; Node needs destroy() once flushed to let go of the socket.
 * `whenHanded` calls back once the link has given the socket all that waited in it.
 */
function endGracefully(socket: SocketLike, waitMs: number, done: () => void, whenHanded: (then: () => void) => void): void {
  let timer: unknown = null;
  const gone = function () {
    if (timer === null) return;
    clearTimeout(timer);
    timer = null;
    end(socket);
    done();
  };
  timer = setTimeout(gone, waitMs);
  if (!onEspruino) {
    socket.on("finish", function () {
      end(socket);
    });
  }
  socket.on("close", gone);
  whenHanded(function () {
    try {
      socket.end!();
    } catch (error) {
      gone(); // Espruino: the socket had closed already
    }
  });
}

function end(socket: SocketLike): void {
  try {
    if (onEspruino) {
      // Espruino has no destroy(), and end() closes once the socket has sent what it holds:
      // never, if the broker reads nothing. Its flag "clsNow" (socketserver.c) closes it at once.
      (socket as { clsNow?: boolean }).clsNow = true;
      socket.end!();
    } else if (socket.destroy) socket.destroy();
    else if (socket.end) socket.end();
  } catch (error) {
    // Already closed: nothing left to release.
  }
}
