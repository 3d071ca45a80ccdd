// The only code that touches a socket. One adapter serves Node (`net`/`tls`, Buffers) and
// Espruino (`net`/`tls`, 8-bit strings of at most 536 bytes, writes as strings).
// It never imports client/: the client hands it callbacks.

export interface LinkOptions {
  host: string;
  port: number;
  ssl: boolean | object;
  transport?: (opts: object) => SocketLike;
}

/** What a socket must offer: Node's net.Socket and Espruino's socket both do. */
export interface SocketLike {
  on(event: string, cb: (arg?: any) => void): unknown;
  write(data: any): boolean;
  end?(): void;
  destroy?(): void;
  setNoDelay?(noDelay: boolean): unknown;
  cork?(): void;
  uncork?(): void;
}

export interface LinkHandlers {
  onOpen(): void;
  onData(bytes: Uint8Array): void;
  onDrain(): void;
  /** Called once, when the link is gone for whatever reason; `cause` when it failed. */
  onClose(cause?: unknown): void;
}

export interface Link {
  /** Sends bytes; false when the caller should wait for onDrain before writing more. */
  write(bytes: Uint8Array): boolean;
  /** Holds writes until uncork(), so that the answers to one chunk go out together (Node). */
  cork(): void;
  uncork(): void;
  /**
   * Closes at once; or, given `graceful`, after what was written has been sent, waiting for
   * that at most `graceful.waitMs` and calling `graceful.done` when the socket is gone.
   */
  close(graceful?: { waitMs: number; done: () => void }): void;
}

const onEspruino = typeof E !== "undefined";

/** Opens a connection. May throw synchronously (Espruino: DNS or TCP failure). */
export function openLink(options: LinkOptions, handlers: LinkHandlers): Link {
  let closed = false;
  let opened = false;
  const open = function () {
    if (opened || closed) return;
    opened = true;
    handlers.onOpen();
  };
  const close = function (cause?: unknown, graceful?: { waitMs: number; done: () => void }) {
    if (closed) return;
    closed = true;
    if (graceful && socket.end) {
      // end() sends what is buffered, then FIN: a DISCONNECT must reach the broker, or it
      // publishes the will [MQTT-3.14.4-3]. A board may sleep right after, so `done` waits
      // for the socket to close; Node needs destroy() once flushed to let go of it.
      const done = graceful.done;
      let timer: unknown = null;
      const gone = function () {
        if (timer === null) return;
        clearTimeout(timer);
        timer = null;
        end(socket);
        done();
      };
      timer = setTimeout(gone, graceful.waitMs);
      socket.on("finish", function () {
        end(socket);
      });
      socket.on("close", gone);
      try {
        socket.end();
      } catch (error) {
        gone(); // Espruino: the socket had closed already
      }
    } else end(socket);
    handlers.onClose(cause);
  };

  const port = options.port || (options.ssl ? 8883 : 1883);
  const connectOptions: { [key: string]: unknown } = { host: options.host, port: port };
  if (typeof options.ssl === "object") {
    const extra = options.ssl as { [key: string]: unknown };
    for (const key in extra) connectOptions[key] = extra[key];
  }
  const socket: SocketLike = options.transport
    ? options.transport(connectOptions)
    : require(options.ssl ? "tls" : "net").connect(connectOptions, open);

  if (socket.setNoDelay) socket.setNoDelay(true); // MQTT packets are small and latency-bound
  if (options.transport) {
    // Espruino keeps connect's callback as the one "connect" listener: adding another
    // there fails an assertion in the interpreter. Only sockets made by others need these.
    socket.on("connect", open);
    socket.on("secureConnect", open);
  }
  // Espruino may deliver data before the connect callback, and as 8-bit strings.
  socket.on("data", function (data: Uint8Array | string) {
    if (closed) return;
    handlers.onData(typeof data === "string" ? new Uint8Array(E.toArrayBuffer(data)) : data);
  });
  socket.on("drain", function () {
    if (!closed) handlers.onDrain();
  });
  socket.on("error", close);
  socket.on("end", function () {
    close();
  });
  socket.on("close", function () {
    close();
  });

  return {
    write: function (bytes: Uint8Array): boolean {
      if (closed) return true;
      try {
        // Espruino's write(Uint8Array) would send "16,0,255": strings carry its bytes.
        return socket.write(onEspruino ? E.toString(bytes) : bytes) !== false;
      } catch (error) {
        // Espruino throws when writing to a socket that has closed.
        close(error);
        return true;
      }
    },
    cork: function () {
      if (socket.cork) socket.cork();
    },
    uncork: function () {
      if (socket.uncork) socket.uncork();
    },
    close: function (graceful?: { waitMs: number; done: () => void }) {
      close(undefined, graceful);
    },
  };
}

function end(socket: SocketLike): void {
  try {
    if (socket.destroy) socket.destroy();
    else if (socket.end) socket.end();
  } catch (error) {
    // Already closed: nothing left to release.
  }
}
