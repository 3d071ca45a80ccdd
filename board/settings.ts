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
// Whole numbers: the default, the least and the greatest value (sleep and awake: the low-power
// mode's seconds, 0 keeping the board awake).
const NUMBERS: { [name: string]: number[] } = { port: [0, 0, 65535], heartbeat: [60, 1, 86400], keepalive: [60, 0, 65535], sleep: [0, 0, 31536000], awake: [30, 1, 86400] };

/** Why `topic` is not a topic filter (with `publish`: not a topic name), or "" when it is one
 *  [MQTT-4.7.1-1, 2, 3]: "#" alone in the last level, "+" alone in a level, none to publish. */
function topicProblem(topic: string, publish: boolean): string {
  const levels = topic.split("/");
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (level.indexOf("#") < 0 && level.indexOf("+") < 0) continue;
    if (publish) return "has a wildcard (+ or #): it is published to";
    if (level.length > 1) return "has a wildcard (+ or #) that is not a whole level";
    if (level === "#" && i < levels.length - 1) return 'has "#" before its last level';
  }
  return "";
}

/**
 * The settings in Storage's `file`, checked: every problem is reported at once (a board's
 * user fixes them in one round trip), each field named, in one BAD_ARGUMENT.
 */
export function readSettings(storage: StorageLike, file?: string): Settings {
  const name = file || SETTINGS_FILE;
  const text = storage.read(name);
  if (text === undefined || text === null || text === "") {
    throw badSettings('no settings: Storage file "' + name + '" is missing (write it with npm run settings)');
  }
  // Storage's own readJSON (Espruino's parser; with noExceptions, undefined for bad JSON).
  const raw = storage.readJSON(name, true) as { [key: string]: unknown };
  if (raw === undefined) throw badSettings('Storage file "' + name + '" is not valid JSON');
  if (!raw || typeof raw !== "object" || raw instanceof Array) throw badSettings('Storage file "' + name + '" must hold a JSON object');
  const out: { [key: string]: unknown } = {};
  const problems: string[] = [];
  // Declared once, up front: the minifier merges loop variables, and Espruino does not hoist
  // a `var` that it would otherwise place after their first use.
  let key: string;
  let value: unknown;
  let range: number[];
  let problem: string;
  for (let i = 0; i < REQUIRED.length; i++) {
    key = REQUIRED[i];
    value = raw[key];
    if (value === undefined || value === null) problems.push('missing field "' + key + '"');
    else if (typeof value !== "string") problems.push('field "' + key + '" must be a string');
    // Only the WiFi password may be empty (an open network).
    else if (value === "" && key !== "password") problems.push('field "' + key + '" is empty');
    else if (key.indexOf("Topic") > 0 && (problem = topicProblem(value, key === "statusTopic"))) {
      problems.push('field "' + key + '" ' + JSON.stringify(value) + " " + problem);
    } else out[key] = value;
  }
  for (let i = 0; i < OPTIONAL_STRINGS.length; i++) {
    key = OPTIONAL_STRINGS[i];
    value = raw[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") problems.push('field "' + key + '" must be a string');
    else out[key] = value;
  }
  for (key in NUMBERS) {
    range = NUMBERS[key];
    value = raw[key];
    if (value === undefined || value === null) out[key] = range[0];
    else if (typeof value !== "number" || !(value >= range[1] && value <= range[2]) || Math.floor(value) !== value) {
      problems.push('field "' + key + '" must be a whole number from ' + range[1] + " to " + range[2] + ", not " + JSON.stringify(value));
    } else out[key] = value;
  }
  for (key in raw) {
    if (REQUIRED.indexOf(key) < 0 && OPTIONAL_STRINGS.indexOf(key) < 0 && !(key in NUMBERS)) problems.push('unknown field "' + key + '"');
  }
  if (problems.length === 1) throw badSettings(problems[0] + " in " + name);
  if (problems.length) throw badSettings(problems.length + " problems in " + name + ": " + problems.join("; "));
  return out as unknown as Settings;
}
