// The low-power mode (setting `sleep` > 0): each wake joins WiFi, resumes the MQTT session,
// sends what the store kept, reads the command topic, publishes a heartbeat, waits until the
// broker has everything, and deep-sleeps. A hard deadline (setting `awake`) sends the board
// back to sleep whatever fails. On the ESP32 a deep sleep is a reset: what must outlast it
// is in Storage (the session store, and the small state file below).
import { MQTTClient } from "../src/index";
import { Store } from "../src/store/store";
import { App, describe, Platform, start } from "./app";
import { Settings } from "./settings";
import { backoff, keepWifi, WifiLike, WifiLink } from "./wifi";

/** What the cycle needs beyond the awake application's platform. */
export interface SleepPlatform extends Platform {
  storage: Platform["storage"] & { write(name: string, data: string): boolean };
  wifi: WifiLike & { disconnect?(): void };
  /** ESP32.deepSleep: does not return on a board (it resets on waking). */
  deepSleep(us: number): void;
  /** The session store (flashStore on a board); without one, what a wake cannot send is lost. */
  store?: Store;
  /** Called with the awake application when a retained "stay" keeps the board up. */
  onStay?(app: App): void;
}

/** Wakes counted, consecutive failed wakes, and seconds of a long sleep still to go. */
export interface SleepState {
  wake: number;
  failures: number;
  left: number;
}

export const STATE_FILE = "mqtt_as.sleep";
/** ESP32.deepSleep takes a 32-bit signed count of microseconds: at most about 35 minutes. */
export const MAX_SLEEP_S = 2147;
/** After failed wakes the sleep doubles, up to this many times `sleep`. */
const MAX_BACKOFF = 8;

export function readState(storage: SleepPlatform["storage"]): SleepState {
  const s = storage.readJSON(STATE_FILE, true) as SleepState | undefined;
  return s && typeof s === "object" ? { wake: s.wake | 0, failures: s.failures | 0, left: s.left | 0 } : { wake: 0, failures: 0, left: 0 };
}

/** Writes the state only when it changed: each write costs flash. */
function writeState(storage: SleepPlatform["storage"], state: SleepState): void {
  const text = JSON.stringify(state);
  if (storage.read(STATE_FILE) !== text) storage.write(STATE_FILE, text);
}

/** Seconds to sleep after a wake that left `failures` consecutive failed wakes. */
export function sleepSeconds(sleep: number, failures: number): number {
  return backoff(failures, sleep, sleep * MAX_BACKOFF);
}

/** The heartbeat of a wake: its number, and the failed wakes just before it. */
function wakeMessage(state: SleepState, failures: number): string {
  return JSON.stringify({ wake: state.wake, failures: failures });
}

// Payloads are short ASCII commands: bytes to a string without TextDecoder (absent on Espruino).
function command(msg: Uint8Array): string {
  let s = "";
  for (let i = 0; i < msg.length && i < 16; i++) s += String.fromCharCode(msg[i]);
  return s.replace(/^\s+|\s+$/g, "").toLowerCase();
}

export function wake(p: SleepPlatform, settings: Settings): void {
  const log = p.log;
  const storage = p.storage;
  const state = readState(storage);
  // A sleep longer than deepSleep can take goes on in steps, without WiFi.
  if (state.left > 0) return sleepFor(state.left);
  const failures = state.failures;
  state.wake++;
  // Counted as failed until it succeeds: a reset mid-wake (a brownout) still backs off.
  state.failures = failures + 1;
  writeState(storage, state);

  let done = false; // the wake is over: asleep soon, or in maintenance
  let asleep = false;
  let connecting = false;
  let stay = false;
  let seconds = 0; // the sleep that finish() chose
  let link: WifiLink | null = null;
  // Counted from the start of the application, and armed until the board sleeps: a
  // DISCONNECT that takes long does not keep it up either.
  const deadline = setTimeout(function () {
    log("sleep: awake for " + settings.awake + " s, the deadline");
    if (done) sleepFor(seconds);
    else finish(false);
  }, Math.max(0, settings.awake - p.uptime()) * 1000);
  const cfg: { [key: string]: unknown } = { server: settings.server, port: settings.port, clientId: settings.clientId, keepalive: settings.keepalive };
  if (settings.user !== undefined) cfg.user = settings.user;
  if (settings.mqttPassword !== undefined) cfg.password = settings.mqttPassword;
  if (p.store) cfg.store = p.store;
  const client = p.makeClient ? p.makeClient(cfg) : new MQTTClient(cfg);
  let heartbeatStored = false;

  // Through the store: sent now if the broker is there, at a later wake if not.
  function heartbeat(): Promise<void> {
    if (heartbeatStored) return Promise.resolve();
    heartbeatStored = true;
    return client.publish(settings.statusTopic, wakeMessage(state, failures), false, 1).then(undefined, function (err: unknown) {
      log("sleep: heartbeat not kept: " + describe(err));
    });
  }

  client.on("msg", function (topic: string, msg: Uint8Array) {
    if (topic === settings.commandTopic && command(msg) === "stay") stay = true;
  });
  client.on("down", function (err?: unknown) {
    if (err) {
      log("sleep: MQTT: " + describe(err));
      finish(false);
    }
  });

  function online(): void {
    // Once a wake: WiFi that comes back mid-wake finds the connection gone, and the wake over.
    if (connecting) return;
    connecting = true;
    client
      .connect(false) // the session goes on: what was in flight is resent [MQTT-4.4.0-1]
      .then(function () {
        // Subscribing again makes the broker resend the retained command [MQTT-3.8.4-3].
        return client.subscribe(settings.commandTopic, 1);
      })
      .then(heartbeat)
      .then(function () {
        // The broker answers in order: its PUBACK comes after the retained command.
        return client.flushed();
      })
      .then(
        function () {
          if (stay) maintenance();
          else finish(true);
        },
        function (err: unknown) {
          log("sleep: MQTT: " + describe(err));
          finish(false);
        }
      );
  }

  /** Ends the wake: the state, MQTT and WiFi off, then deep sleep. Once. */
  function finish(ok: boolean): void {
    if (done) return;
    done = true;
    if (link) link.stop();
    // A wake that failed keeps its heartbeat in the store for the next one.
    heartbeat();
    state.failures = ok ? 0 : failures + 1;
    seconds = sleepSeconds(settings.sleep, state.failures);
    const sleep = function (): void {
      sleepFor(seconds);
    };
    // Unacknowledged work stays in the store. After a good wake the DISCONNECT goes out
    // before the radio stops (else the broker sees a lost connection); after a failed one
    // there is nothing to wait for.
    const closed = client.disconnect();
    if (ok) closed.then(sleep, sleep);
    else sleep();
  }

  /** A retained "stay": the awake application runs until "sleep" or an empty retained message. */
  function maintenance(): void {
    done = true;
    clearTimeout(deadline);
    state.failures = 0;
    writeState(storage, state);
    log('sleep: "stay" on ' + settings.commandTopic + ": staying awake until \"sleep\"");
    if (link) link.stop();
    client.disconnect().then(function () {
      const app = start(p);
      app.client.on("msg", function (topic: string, msg: Uint8Array) {
        if (topic !== settings.commandTopic) return;
        const c = command(msg);
        if (c === "sleep" || c === "") {
          app.stop().then(function () {
            sleepFor(settings.sleep);
          });
        }
      });
      if (p.onStay) p.onStay(app);
    });
  }

  /** Sleeps `seconds`, or MAX_SLEEP_S now and the rest at the next wakes. */
  function sleepFor(total: number): void {
    if (asleep) return;
    asleep = true;
    const now = Math.min(total, MAX_SLEEP_S);
    state.left = total - now;
    writeState(storage, state);
    if (p.wifi.disconnect) p.wifi.disconnect();
    log("sleep: " + now + " s");
    p.deepSleep(now * 1000000);
  }

  link = keepWifi(p.wifi, settings.ssid, settings.password, { onUp: online, log: log });
}
