// A tiny emitter in the manner of nanoevents: on() returns the unsubscribe.
type Listener = (...args: any[]) => void;

export class Emitter {
  private events: { [name: string]: Listener[] | undefined } = {};

  on(name: string, cb: Listener): () => void {
    const self = this;
    (this.events[name] = this.events[name] || []).push(cb);
    return function () {
      self.off(name, cb);
    };
  }

  off(name: string, cb: Listener): void {
    // A new array, so that an emit in progress still calls every listener it started with.
    this.events[name] = (this.events[name] || []).filter(function (listener) {
      return listener !== cb;
    });
  }

  /** Calls the listeners of `name`; false when it has none. */
  emit(name: string, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown): boolean {
    const list = this.events[name] || [];
    for (let i = 0; i < list.length; i++) {
      try {
        list[i](a, b, c, d, e);
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
}
