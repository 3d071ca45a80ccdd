// A tiny emitter in the manner of nanoevents: on() returns the unsubscribe. Its methods are
// mixed into a class (mixEmitter) rather than held in an object of their own: on Espruino
// every object and every method that only forwards is memory.
import { MQTT5 } from "./version";

type Listener = (...args: any[]) => void;

export interface Emitter {
  on(name: string, cb: Listener): () => void;
  off(name: string, cb: Listener): void;
  /** Calls the listeners of `name`; false when it has none. */
  emit(name: string, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown): boolean;
}

interface Listeners {
  listeners?: { [name: string]: Listener[] | undefined };
}

function on(this: Emitter & Listeners, name: string, cb: Listener): () => void {
  const self = this;
  const all = (self.listeners = self.listeners || {});
  (all[name] = all[name] || []).push(cb);
  return function () {
    self.off(name, cb);
  };
}

function off(this: Emitter & Listeners, name: string, cb: Listener): void {
  const all = this.listeners || {};
  // A new array, so that an emit in progress still calls every listener it started with.
  all[name] = (all[name] || []).filter(function (listener) {
    return listener !== cb;
  });
}

function emit(this: Emitter & Listeners, name: string, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown): boolean {
  "ram";
  const list = (this.listeners || {})[name] || [];
  for (let i = 0; i < list.length; i++) {
    try {
      if (MQTT5) list[i](a, b, c, d, e, f); // f: an MQTT 5 message's properties
      else list[i](a, b, c, d, e);
    } catch (error) {
      // A throwing callback must not break the client's reading of the socket:
      // report it on its own turn of the event loop instead.
      setTimeout(function () {
        throw error;
      }, 0);
    }
  }
  return list.length > 0;
}

/** Gives the instances of a class on(), off() and emit(): `proto` is its prototype. */
export function mixEmitter(proto: Emitter): void {
  proto.on = on;
  proto.off = off;
  proto.emit = emit;
}
