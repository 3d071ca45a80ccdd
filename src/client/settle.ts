import { MqttError } from "../codec/errors";

function ignore(): void {}

/** A promise with its settlers beside it. */
export interface Settler {
  promise: Promise<any>;
  // Not resolve and reject: names that Promise has are kept whole in the bundle.
  done: (value?: any) => void;
  fail: (error: MqttError) => void;
}

export interface Deferred<T> extends Settler {
  promise: Promise<T>;
}

/** Gives `target` a new promise and its settlers. A record rather than closures: on Espruino a
 *  closure keeps every scope around it. */
export function settler<S extends object>(target: S): S & Settler {
  const s = target as S & Settler;
  s.promise = new Promise(function (done, fail) {
    s.done = done;
    s.fail = fail;
  });
  return s;
}

/**
 * Rejects a settler's promise, marked handled first so that a caller who never awaits it
 * causes no unhandled rejection (fatal on Node, reported on Espruino, which checks when the
 * promise is rejected); callers who await it still see it reject. Marked only now: on
 * Espruino a then() holds about 14 JsVars for as long as the promise is pending.
 */
export function reject(s: Settler, error: MqttError): void {
  s.promise.then(undefined, ignore);
  s.fail(error);
}

let resolved: Promise<void> | undefined;

function forgetResolved(): void {
  resolved = undefined;
}

/** One resolved promise, shared by the calls of one burst: on Espruino a promise holds about
 *  10 JsVars until the code that made it returns to the event loop, and every QoS 0 publish
 *  returns one. Only for that burst: Espruino keeps every then() of a promise for as long as
 *  the promise lives, so its first reaction lets go of it once the burst has returned. */
export function resolvedPromise(): Promise<void> {
  "ram";
  return resolved || newResolved();
}

function newResolved(): Promise<void> {
  (resolved = Promise.resolve()).then(forgetResolved);
  return resolved;
}
