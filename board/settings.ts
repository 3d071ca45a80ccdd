// The board's settings: one JSON file in Storage, written by `npm run settings`.
// A missing or mistyped field stops the start with an Error (code BAD_ARGUMENT) whose message
// names the field, because on a board the console message is all the user gets to see.

export const SETTINGS_FILE = "mqtt_as.json";

export interface Settings {
  ssid: string; // WiFi network
  password: string; // WiFi password ("" for an open network)
  server: string; // MQTT broker host name or address
  port: number; // 0: 1883 (or 8883 with ssl)
  clientId: string;
  user?: string;
  mqttPassword?: string;
  commandTopic: string; // "on", "off" or "toggle" set the LED
  statusTopic: string; // heartbeat JSON is published here
  heartbeat: number; // seconds between heartbeats
  keepalive: number; // MQTT keepalive, seconds
  sleep: number; // seconds of deep sleep between wakes; 0: always awake
  awake: number; // seconds a wake may last at most (with sleep > 0)
}

/** What the board needs from require("Storage"). */
export interface StorageLike {
  read(name: string): string | undefined;
  /** Espruino's parser; with noExceptions, undefined for text that is not JSON. */
  readJSON(name: string, noExceptions: boolean): unknown;
}

export interface BoardError extends Error {
  code: string;
}

export function badSettings(message: string): BoardError {
  const error = new Error(message) as BoardError;
  error.code = "BAD_ARGUMENT";
  return error;
}

// Required strings, in the order they are checked and reported.
const REQUIRED = ["ssid", "password", "server", "clientId", "commandTopic", "statusTopic"];
const OPTIONAL_STRINGS = ["user", "mqttPassword"];
const NUMBERS: { [name: string]: number } = { port: 0, heartbeat: 60, keepalive: 60, sleep: 0, awake: 30 };

export function readSettings(storage: StorageLike, file?: string): Settings {
  const name = file || SETTINGS_FILE;
  const text = storage.read(name);
  if (text === undefined || text === null || text === "") {
    throw badSettings('no settings: Storage file "' + name + '" is missing (write it with npm run settings)');
  }
  // Storage's own readJSON (Espruino's parser; with noExceptions, undefined for bad JSON).
  const raw = storage.readJSON(name, true) as { [key: string]: unknown };
  if (raw === undefined) throw badSettings('Storage file "' + name + '" is not valid JSON');
  if (!raw || typeof raw !== "object") throw badSettings('Storage file "' + name + '" must hold a JSON object');
  const out: { [key: string]: unknown } = {};
  // Declared once, up front: the minifier merges loop variables, and Espruino does not hoist
  // a `var` that it would otherwise place after their first use.
  let key: string;
  let value: unknown;
  for (let i = 0; i < REQUIRED.length; i++) {
    key = REQUIRED[i];
    value = raw[key];
    if (value === undefined || value === null) throw badSettings('missing field "' + key + '" in ' + name);
    if (typeof value !== "string") throw badSettings('field "' + key + '" in ' + name + " must be a string");
    // Only the WiFi password may be empty (an open network).
    if (value === "" && key !== "password") throw badSettings('field "' + key + '" in ' + name + " is empty");
    out[key] = value;
  }
  for (let i = 0; i < OPTIONAL_STRINGS.length; i++) {
    key = OPTIONAL_STRINGS[i];
    value = raw[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") throw badSettings('field "' + key + '" in ' + name + " must be a string");
    out[key] = value;
  }
  for (key in NUMBERS) {
    value = raw[key];
    if (value === undefined || value === null) {
      out[key] = NUMBERS[key];
      continue;
    }
    if (typeof value !== "number" || !(value >= 0) || Math.floor(value) !== value) {
      throw badSettings('field "' + key + '" in ' + name + " must be a whole number >= 0");
    }
    out[key] = value;
  }
  if ((out.heartbeat as number) < 1) throw badSettings('field "heartbeat" in ' + name + " must be at least 1 second");
  if ((out.awake as number) < 1) throw badSettings('field "awake" in ' + name + " must be at least 1 second");
  return out as unknown as Settings;
}
