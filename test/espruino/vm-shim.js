"use strict";
// Runs the built bundle in a Node `vm` context stripped of what Espruino lacks, over a socket
// shim with Espruino's semantics (docs/architecture.md, "Espruino: facts that shape the code"):
// - 'data' delivers 8-bit ("binary") strings of at most 536 bytes, each on its own tick;
// - write() takes only strings (write(Uint8Array) on Espruino sends "16,0,255": here it throws),
//   always returns false, and 'drain' follows once Node has flushed, with the socket as its
//   argument (as Espruino 2v29 passes it);
// - writing to a closed socket throws; connect() throws synchronously for an unresolvable
//   host (one ending in ".invalid") or when `refuse` is set;
// - the connect callback runs on a later tick than Node's 'connect', after any data that came;
// - no destroy(), setNoDelay() or pause();
// - Espruino's E.sum and process.memory() (a nearly empty ESP32 heap) in place of Node's process.
// What Node's vm cannot emulate (no hoisting, built-ins missing from prototypes, Promise
// reactions on the ordinary event queue) is the hazard checker's job and the interpreter's.
const vm = require("node:vm");
const net = require("node:net");
const fs = require("node:fs");
const path = require("node:path");

const CHUNK = 536;
const BUNDLE = path.join(__dirname, "..", "..", "dist", "mqtt_as.js");

const GLOBALS_REMOVED = [
  "Symbol", "Map", "Set", "WeakMap", "WeakSet", "Reflect", "Proxy", "queueMicrotask", "setImmediate",
  "TextEncoder", "TextDecoder", "Buffer", "process", "structuredClone",
];
const MEMBERS_REMOVED = [
  "Array.from", "Array.of", "Math.trunc", "Math.imul", "Number.isInteger", "Object.freeze",
  "Array.prototype.lastIndexOf", "Promise.race", "Promise.allSettled", "Promise.any",
  "Promise.prototype.finally", "ArrayBuffer.isView", "String.prototype.codePointAt",
];

// Runs inside the context, so that the context's own intrinsics lose these members, and E's
// byte helpers return the context's own Uint8Array and ArrayBuffer.
const PRELUDE = `
(function (globals, members) {
  var g = this;
  for (var i = 0; i < globals.length; i++) delete g[globals[i]];
  for (var j = 0; j < members.length; j++) {
    var parts = members[j].split(".");
    var owner = g[parts[0]];
    for (var k = 1; k < parts.length - 1; k++) owner = owner[parts[k]];
    delete owner[parts[parts.length - 1]];
  }
  // Espruino: fn.apply takes at most 256 arguments.
  var apply = Function.prototype.apply;
  Function.prototype.apply = function (self, args) {
    if (args && args.length > 256) throw new RangeError("Espruino: apply() with more than 256 arguments");
    return apply.call(this, self, args);
  };
  function bytesOf(str) {
    var u = new Uint8Array(str.length);
    for (var i = 0; i < str.length; i++) {
      var c = str.charCodeAt(i);
      if (c > 255) throw new RangeError("E: char code " + c + " in a byte string");
      u[i] = c;
    }
    return u;
  }
  g.E = {
    toString: function (bytes) {
      if (typeof bytes === "string") return bytes;
      var s = "";
      for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i] & 255);
      return s;
    },
    toFlatString: function (str) { return String(str); },
    toUint8Array: function (str) { return bytesOf(String(str)); },
    toArrayBuffer: function (str) { return bytesOf(String(str)).buffer; },
    sum: function (view) {
      var total = 0;
      for (var i = 0; i < view.length; i++) total += view[i];
      return total;
    },
    getSizeOf: null
  };
  // Espruino's process has memory(): the ESP32's heap, nearly empty (18 bytes a JsVar here).
  g.process = { memory: function () { return { free: 16000, usage: 383, total: 16383, blocksize: 18 }; } };
})`;

/** Removes from `context` what Espruino lacks, and gives it Espruino's E and process. */
function installEspruinoGlobals(context) {
  vm.runInContext(PRELUDE, context, { filename: "vm-shim-prelude.js" }).call(
    vm.runInContext("this", context),
    GLOBALS_REMOVED,
    MEMBERS_REMOVED
  );
}

/**
 * Creates an Espruino-like context. Options:
 *   globals: extra globals for the context (MQTT_HOST, report, ...)
 *   refuse: when true, connect() throws synchronously, like a refused port on Espruino
 *   bundle: path of the bundle (default dist/mqtt_as.js)
 * Returns { context, run(code, filename), require, sockets, thrown, pendingTimers(),
 *           openSockets(), dispose() }.
 */
function createEspruinoContext(options) {
  options = options || {};
  const bundlePath = options.bundle || BUNDLE;
  const sockets = []; // every shim socket, in order
  const thrown = []; // errors thrown synchronously by connect()
  const uncaught = []; // errors thrown out of a callback: Espruino prints "Uncaught ..."
  const onUncaught = function (error) {
    uncaught.push(error);
  };
  const timers = new Map(); // id -> { handle, interval }
  let nextTimer = 1;
  const state = { refuse: !!options.refuse };

  const sandbox = Object.assign({}, options.globals || {});
  const context = vm.createContext(sandbox, { name: "espruino-shim" });
  installEspruinoGlobals(context);
  const ContextError = vm.runInContext("Error", context);

  // Timers come from the host, with Espruino's numeric ids, tracked so that a test can check
  // that nothing is left running after disconnect().
  function addTimer(interval, fn, ms, args) {
    if (typeof fn !== "function") throw new TypeError("setTimeout/setInterval: not a function");
    const id = nextTimer++;
    const run = function () {
      if (!interval) timers.delete(id);
      try {
        fn.apply(undefined, args);
      } catch (error) {
        onUncaught(error);
      }
    };
    const handle = interval ? setInterval(run, ms) : setTimeout(run, ms);
    timers.set(id, { handle, interval });
    return id;
  }
  function clearTimer(id) {
    const t = timers.get(id);
    if (!t) return;
    timers.delete(id);
    if (t.interval) clearInterval(t.handle);
    else clearTimeout(t.handle);
  }
  context.setTimeout = function (fn, ms) {
    return addTimer(false, fn, ms, Array.prototype.slice.call(arguments, 2));
  };
  context.setInterval = function (fn, ms) {
    return addTimer(true, fn, ms, Array.prototype.slice.call(arguments, 2));
  };
  context.clearTimeout = clearTimer;
  context.clearInterval = clearTimer;
  context.console = console;

  function connect(opts, cb) {
    opts = opts || {};
    const host = String(opts.host);
    if (state.refuse || /\.invalid$/i.test(host)) {
      // Espruino: DNS or TCP failure is thrown synchronously from connect().
      const error = new ContextError("Unable to create socket");
      thrown.push(error);
      throw error;
    }
    const socket = new ShimSocket(host, opts.port, cb, onUncaught);
    sockets.push(socket);
    return socket.api;
  }

  const netModule = { connect };
  const modules = Object.create(null);
  function requireInContext(name) {
    if (name === "net" || name === "tls") return netModule; // tls: same shim, no TLS (tests use none)
    if (name === "mqtt_as") {
      if (!modules[name]) {
        const source = fs.readFileSync(bundlePath, "utf8");
        const wrapper = vm.runInContext(
          "(function (exports, require, module) {" + source + "\n})",
          context,
          { filename: bundlePath }
        );
        const module = vm.runInContext("({ exports: {} })", context);
        wrapper.call(module.exports, module.exports, requireInContext, module);
        modules[name] = module.exports;
      }
      return modules[name];
    }
    throw new ContextError("Module " + name + " not found");
  }
  context.require = requireInContext;

  return {
    context,
    require: requireInContext,
    sockets,
    thrown,
    uncaught,
    state,
    run(code, filename) {
      return vm.runInContext(code, context, { filename: filename || "scenario.js" });
    },
    pendingTimers() {
      return timers.size;
    },
    openSockets() {
      return sockets.filter((s) => !s.closed).length;
    },
    dispose() {
      for (const id of Array.from(timers.keys())) clearTimer(id);
      for (const s of sockets) s.kill();
    },
  };
}

/** One Espruino socket over a real Node socket. */
class ShimSocket {
  constructor(host, port, connectCb, onUncaught) {
    this.onUncaught = onUncaught;
    this.closed = false; // as Espruino sees it: write() throws from here on
    this.listeners = Object.create(null);
    this.queue = []; // events waiting for their own tick, in order
    this.flushing = false;
    this.connected = false;
    this.pendingWrites = 0;
    this.holdEvents = false; // tests: keep events queued (simulated delay of 'close')
    this.written = []; // what was written, as binary strings
    this.writesAfterClose = 0; // write() calls that threw because the socket had closed
    const self = this;
    this.connectCbGiven = typeof connectCb === "function";
    if (this.connectCbGiven) this.addListener("connect", connectCb);

    this.node = net.connect({ host, port: port || 1883 });
    this.node.on("connect", function () {
      // Espruino's connect callback may come after data: queue it behind whatever is queued,
      // and one tick later still.
      setImmediate(function () {
        self.connected = true;
        self.emitLater("connect", []);
      });
    });
    this.node.on("data", function (buf) {
      for (let i = 0; i < buf.length; i += CHUNK) {
        self.emitLater("data", [buf.subarray(i, Math.min(i + CHUNK, buf.length)).toString("latin1")]);
      }
    });
    this.node.on("end", function () {
      self.closed = true;
      self.emitLater("end", []);
    });
    this.node.on("error", function (error) {
      self.closed = true;
      self.emitLater("error", [{ type: "error", code: error.code, message: error.message }]);
    });
    this.node.on("close", function () {
      self.closed = true;
      self.emitLater("close", [false]);
    });

    // What the code under test sees: Espruino's socket has no destroy, setNoDelay or pause.
    this.api = {
      on: function (event, cb) {
        if (event === "connect" && self.connectCbGiven) {
          // Measured on Espruino 2v29: connect(opts, cb) stores cb as a bare function, and
          // on("connect", f) then feeds it to jsvArrayPushAll: ASSERT(jsvIsArray(source)) on a
          // debug build (the interpreter dumps its memory and hangs), on a release build the
          // listener list is made of the function's internals.
          self.onUncaught(new Error("Espruino: on('connect') after connect(opts, cb) corrupts the listener list"));
        }
        self.addListener(event, cb);
        return self.api;
      },
      write: function (data) {
        return self.write(data);
      },
      end: function () {
        self.end();
      },
    };
  }

  addListener(event, cb) {
    if (typeof cb !== "function") throw new TypeError("on(): listener must be a function");
    (this.listeners[event] = this.listeners[event] || []).push(cb);
  }

  emitLater(event, args) {
    this.queue.push({ event, args });
    this.flush();
  }

  flush() {
    if (this.flushing || this.holdEvents) return;
    this.flushing = true;
    const self = this;
    // Each event on its own tick, like Espruino's event queue.
    setImmediate(function () {
      self.flushing = false;
      if (self.holdEvents) return;
      const next = self.queue.shift();
      if (!next) return;
      const list = (self.listeners[next.event] || []).slice();
      for (const cb of list) {
        try {
          cb.apply(self.api, next.args); // Espruino calls a socket's listeners with `this` the socket
        } catch (error) {
          self.onUncaught(error);
        }
      }
      if (self.queue.length) self.flush();
    });
  }

  /** Tests: stop delivering events (they queue up); release with releaseEvents(). */
  holdAllEvents() {
    this.holdEvents = true;
  }
  releaseEvents() {
    this.holdEvents = false;
    this.flush();
  }

  write(data) {
    if (typeof data !== "string") {
      // Espruino would send the text "16,0,255" for a Uint8Array: a bug in the caller.
      throw new TypeError("Espruino socket.write() takes a string, got " + Object.prototype.toString.call(data));
    }
    if (this.closed) {
      this.writesAfterClose++;
      throw new Error("Socket is closed"); // Espruino throws writing to a closed socket
    }
    for (let i = 0; i < data.length; i++) {
      if (data.charCodeAt(i) > 255) throw new RangeError("socket.write(): char code over 255 in a byte string");
    }
    this.written.push(data);
    this.pendingWrites++;
    const self = this;
    this.node.write(Buffer.from(data, "latin1"), function () {
      if (--self.pendingWrites === 0 && !self.closed) self.emitLater("drain", [self]);
    });
    return false; // Espruino's write() always returns false
  }

  end() {
    if (this.closed) return;
    this.closed = true;
    this.node.end();
  }

  /** Tests: the connection dies under the client (Espruino marks it closed at once, the
   *  'close' event comes later). */
  dropFromBelow() {
    this.closed = true;
    this.node.destroy();
  }

  kill() {
    this.closed = true;
    this.holdEvents = false;
    this.node.destroy();
  }
}

/**
 * Runs test/espruino/scenario.js in a fresh context against host:port; resolves with
 * { result, shim } once the scenario reports, rejects after timeoutMs.
 */
function runScenario(host, port, options) {
  options = options || {};
  const timeoutMs = options.timeoutMs || 20000;
  return new Promise(function (resolve, reject) {
    let shim = null;
    const timer = setTimeout(function () {
      if (shim) shim.dispose();
      reject(new Error("the scenario did not report within " + timeoutMs + " ms"));
    }, timeoutMs);
    shim = createEspruinoContext({
      bundle: options.bundle,
      globals: {
        MQTT_HOST: host,
        MQTT_PORT: port,
        report: function (result) {
          clearTimeout(timer);
          // JSON through the context's own JSON, as the interpreter's report() prints it.
          const line = "RESULT " + vm.runInContext("JSON", shim.context).stringify(result);
          resolve({ result: JSON.parse(line.slice("RESULT ".length)), line, shim });
        },
      },
    });
    const source = fs.readFileSync(path.join(__dirname, "scenario.js"), "utf8");
    try {
      shim.run(source, path.join(__dirname, "scenario.js"));
    } catch (error) {
      clearTimeout(timer);
      shim.dispose();
      reject(error);
    }
  });
}

module.exports = { createEspruinoContext, installEspruinoGlobals, runScenario, GLOBALS_REMOVED, MEMBERS_REMOVED, CHUNK };
