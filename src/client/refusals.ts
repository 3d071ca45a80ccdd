// Refused calls batch promises, in batches. On Espruino a promise holds about 10 JsVars until
// the code that made it returns to the event loop, and a loop of publishes refused
// (QUEUE_FULL, NOT_CONNECTED) makes thousands. A batch is rejected once that code has
// returned, and the batches one after another: rejecting a promise queues all its then()s at
// once, about 11 JsVars each, and a loop of refused publishes with a then() each would need
// them all at the same moment (on the ESP32-C3, a quarter of the heap for 86 of them).
// Batches double in size, from 16: a dozen of them hold a loop of 50,000.
import { badArgument, mqttError, MqttError } from "../codec/errors";
import { Deferred, reject, resolvedPromise, settler } from "./settle";

const FIRST_BATCH = 16;

interface Batch extends Deferred<never> {
  error: MqttError;
  size: number; // refusals it takes
  count: number; // refusals it has
}

let batch: Batch | null = null; // the batch that refusals with its error join, until it is rejected
const unsettled: Batch[] = []; // batches not rejected yet, oldest first

/** Rejects with what an argument made the codec throw: its own error, or a TypeError of a
 *  value of the wrong type (a password that is no string), which is a BAD_ARGUMENT too. */
export function refused(cause: unknown): Promise<never> {
  const error = (cause as MqttError).code ? (cause as MqttError) : (badArgument(String((cause as Error).message)) as MqttError);
  if (!batch || batch.count === batch.size || batch.error.code !== error.code || batch.error.message !== error.message) {
    batch = settler({ error: error, size: batch ? batch.size * 2 : FIRST_BATCH, count: 0 } as Batch);
    if (unsettled.push(batch) === 1) resolvedPromise().then(rejectNext);
  }
  batch.count++;
  return batch.promise;
}

/** QUEUE_FULL, without making an error while refusals join a QUEUE_FULL batch. */
export function refuseFull(): Promise<never> {
  return refused(batch && batch.error.code === "QUEUE_FULL" ? batch.error : mqttError("QUEUE_FULL", "no room until earlier requests settle"));
}

/** Rejects the oldest batch; the next one after the then()s of this one have run. */
function rejectNext(): void {
  const next = unsettled.shift() as Batch;
  if (next === batch) batch = null;
  reject(next, next.error);
  if (unsettled.length) resolvedPromise().then(rejectNext);
}
