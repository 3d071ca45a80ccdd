import { MqttError } from "../codec/errors";

function ignore(): void {}

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
