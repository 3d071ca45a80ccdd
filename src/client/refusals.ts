// Refused calls share promises. On Espruino a promise holds about 10 JsVars until the code
// that made it returns to the event loop, and a loop of publishes refused (QUEUE_FULL,
// NOT_CONNECTED) makes thousands. A share is rejected once that code has returned, and the
// shares one after another: rejecting a promise queues all its then()s at once, about 11
// JsVars each, and a loop of refused publishes with a then() each would need them all at the
// same moment (on the ESP32-C3, a quarter of the heap for 86 of them). Shares double in
// size, from 16: a dozen of them hold a loop of 50,000.
import { badArgument, mqttError, MqttError } from "../codec/errors";
import { Deferred, reject, resolvedPromise, settler } from "./settle";

const FIRST_SHARE = 16;

interface Share extends Deferred<never> {
  error: MqttError;
  size: number; // refusals it takes
  count: number; // refusals it has
}

let share: Share | null = null; // the share that refusals with its error join, until it is rejected
const unsettled: Share[] = []; // shares not rejected yet, oldest first

/** Rejects with what an argument made the codec throw: its own error, or a TypeError of a
 *  value of the wrong type (a password that is no string), which is a BAD_ARGUMENT too. */
export function refusal(cause: unknown): Promise<never> {
  const error = (cause as MqttError).code ? (cause as MqttError) : (badArgument(String((cause as Error).message)) as MqttError);
  if (!share || share.count === share.size || share.error.code !== error.code || share.error.message !== error.message) {
    share = settler({ error: error, size: share ? share.size * 2 : FIRST_SHARE, count: 0 } as Share);
    if (unsettled.push(share) === 1) rejectNextLater();
  }
  share.count++;
  return share.promise;
}

/** QUEUE_FULL, without making an error while refusals join a QUEUE_FULL share. */
export function refuseFull(): Promise<never> {
  return refusal(share && share.error.code === "QUEUE_FULL" ? share.error : mqttError("QUEUE_FULL", "no room: wait for earlier publishes to be sent or acknowledged"));
}

function rejectNextLater(): void {
  resolvedPromise().then(rejectNext);
}

/** Rejects the oldest share; the next one after the then()s of this one have run. */
function rejectNext(): void {
  const next = unsettled.shift() as Share;
  if (next === share) share = null;
  reject(next, next.error);
  if (unsettled.length) rejectNextLater();
}
