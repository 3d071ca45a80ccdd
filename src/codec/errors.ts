// Every failure the library reports is a plain Error with one of these codes (docs/architecture.md).
// Plain objects, not subclasses: Espruino's Error.call(this) returns a new Error.
import { onEspruino } from "./platform";

export type ErrorCode =
  | "CONNACK_REFUSED"
  | "TIMEOUT"
  | "CLOSED"
  | "NOT_CONNECTED"
  | "PROTOCOL"
  | "BAD_ARGUMENT"
  | "TOO_LARGE"
  | "QUEUE_FULL"
  | "SUBACK_FAILURE"
  | "REFUSED" // MQTT 5: a PUBACK, PUBREC, PUBCOMP or UNSUBACK with a reason code of 0x80 or above
  | "CORRUPT"; // a session store found data that is not its own or not whole, and skipped it

export interface MqttError extends Error {
  code: ErrorCode;
  returnCode?: number;
  reasonCode?: number; // MQTT 5
  cause?: unknown;
}

/** `message` says more than the code; without one, the message is the code. */
export function mqttError(code: ErrorCode, message?: string): MqttError {
  const error = new Error(message || code) as MqttError;
  error.code = code;
  // Espruino's stack is a copy of the source lines of every caller: about 100 JsVars for a
  // publish refused in a burst, held as long as its promise.
  if (onEspruino) delete error.stack;
  return error;
}

export function protocolError(message: string): Error {
  return mqttError("PROTOCOL", message);
}

export function badArgument(message: string): Error {
  return mqttError("BAD_ARGUMENT", message);
}

/** Throws PROTOCOL unless `ok` is truthy: the client's decoders and parser join their
 *  conditions into calls of this, so the bundle holds one throw and one short message. */
export function check(ok: unknown): void {
  "ram";
  if (!ok) throw protocolError("bad packet");
}

/** Throws unless the low nibble of the fixed header is `flags` [MQTT-2.2.2-1,2]. */
export function checkFlags(header: number, flags: number): void {
  check((header & 15) === flags);
}
