import { MqttError } from "../codec/errors";

function ignore(): void {}

export interface Settler {
  // Not resolve and reject: names that Promise has are kept whole in the bundle.
  done: (value?: any) => void;
  fail: (error: MqttError) => void;
}

/** A promise, marked handled, with its settlers beside it. */
export interface Deferred<T> extends Settler {
  promise: Promise<T>;
}

export function deferred<T>(): Deferred<T> {
  const d = {} as Deferred<T>;
  d.promise = handled(
    new Promise<T>(function (resolve, reject) {
      d.done = resolve;
      d.fail = reject;
    })
  );
  return d;
}

/**
 * Marks a promise handled, so that a caller who never awaits it causes no unhandled
 * rejection (fatal on Node, reported on Espruino); callers who await it still see it reject.
 */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.then(undefined, ignore);
  return promise;
}

/** A rejected promise whose handler is attached before it settles (Espruino checks then). */
export function rejection(error: MqttError): Promise<never> {
  let reject: (error: MqttError) => void = ignore;
  const promise = handled(
    new Promise<never>(function (_, r) {
      reject = r;
    })
  );
  reject(error);
  return promise;
}
