// The example application: WiFi, then MQTT under keepConnected(); a heartbeat with the
// result of brokerUp(); an LED switched by messages on the command topic. Every platform
// object comes in through `Platform`, so that the same code runs on Node with fakes.
import { MQTTClient } from "../src/index";
import { keepConnected } from "../src/keep-connected";
import { readSettings, Settings, StorageLike } from "./settings";
import { keepWifi, Timers, WifiLike, WifiLink } from "./wifi";

export interface Platform {
  storage: StorageLike;
  wifi: WifiLike;
  setLed(on: boolean): void;
  uptime(): number; // seconds since start
  log(text: string): void;
  timers?: Timers & { setInterval(fn: () => void, ms: number): unknown; clearInterval(id: unknown): void };
  /** Makes the MQTT client; default `new MQTTClient(cfg)`. Tests pass a transport here. */
  makeClient?: (cfg: { [key: string]: unknown }) => MQTTClient;
}

export interface App {
  settings: Settings;
  client: MQTTClient;
  led(): boolean;
  heartbeat(): Promise<void>;
  /** Stops WiFi and MQTT supervision and the heartbeat, and disconnects from the broker. */
  stop(): Promise<void>;
}

/** The LED state after `command` ("on", "off", "toggle"), or null for anything else. */
export function applyCommand(current: boolean, command: string): boolean | null {
  const c = command.replace(/^\s+|\s+$/g, "").toLowerCase();
  if (c === "on") return true;
  if (c === "off") return false;
  if (c === "toggle") return !current;
  return null;
}

/** The heartbeat payload: seconds of uptime, the brokerUp() result and the LED. */
export function heartbeatMessage(uptime: number, brokerUp: boolean, led: boolean): string {
  return JSON.stringify({ uptime: Math.floor(uptime), brokerUp: brokerUp, led: led });
}

/**
 * An error in words, for the console (all a board's user gets to see): its message (its
 * code where it has none), then its cause's message (ECONNREFUSED, a TLS refusal) where the
 * message does not include that already.
 */
export function describe(error: unknown): string {
  if (!error || typeof error !== "object") return String(error);
  const e = error as { message?: string; code?: string; cause?: unknown };
  let text = e.message || e.code || String(error);
  const cause = e.cause as { message?: string } | undefined;
  const because = cause === undefined || cause === null ? "" : cause.message || String(cause);
  if (because && text.indexOf(because) < 0) text += " (" + because + ")";
  return text;
}

// Payloads are short ASCII commands: bytes to a string without TextDecoder (absent on Espruino).
function text(bytes: Uint8Array | string): string {
  if (typeof bytes === "string") return bytes;
  let s = "";
  for (let i = 0; i < bytes.length && i < 64; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

export function start(platform: Platform): App {
  const settings = readSettings(platform.storage);
  const log = platform.log;
  const t = platform.timers || {
    setTimeout: function (fn: () => void, ms: number) {
      return setTimeout(fn, ms);
    },
    clearTimeout: function (id: unknown) {
      clearTimeout(id);
    },
    setInterval: function (fn: () => void, ms: number) {
      return setInterval(fn, ms);
    },
    clearInterval: function (id: unknown) {
      clearInterval(id);
    },
  };
  const cfg: { [key: string]: unknown } = {
    server: settings.server,
    port: settings.port,
    clientId: settings.clientId,
    keepalive: settings.keepalive,
    // The broker tells the status topic that the board is gone when it stops answering.
    will: { topic: settings.statusTopic, msg: '{"online":false}', retain: true, qos: 1 },
  };
  if (settings.user !== undefined) cfg.user = settings.user;
  if (settings.mqttPassword !== undefined) cfg.password = settings.mqttPassword;
  const client = platform.makeClient ? platform.makeClient(cfg) : new MQTTClient(cfg);
  let led = false;
  let supervisor: { stop(): void } | null = null;
  platform.setLed(led);

  client.on("msg", function (topic: string, msg: Uint8Array) {
    if (topic !== settings.commandTopic) return;
    const next = applyCommand(led, text(msg));
    if (next === null) {
      log("MQTT: unknown command " + JSON.stringify(text(msg)));
      return;
    }
    led = next;
    platform.setLed(led);
    heartbeat(); // report the new state at once
  });
  // Why connecting fails, said once for each new reason (keepConnected retries in silence,
  // and Espruino's own "ERROR: Connect failed" says neither the cause nor what comes next).
  let failure = "";
  client.on("up", function () {
    failure = "";
    log("MQTT: connected to " + settings.server);
  });
  function onFailure(error: unknown, retryInMs: number | null): void {
    const why = describe(error);
    if (why === failure) return;
    failure = why;
    log(
      "MQTT: cannot connect to " + settings.server + ":" + (settings.port || 1883) + ": " + why +
        (retryInMs === null ? "; not retrying: check the settings" : "; retrying, at most a minute apart")
    );
  }
  client.on("down", function (err?: unknown) {
    log(err ? "MQTT: connection lost: " + describe(err) : "MQTT: disconnected");
  });

  function heartbeat(): Promise<void> {
    if (!client.up.isSet()) return Promise.resolve();
    return client
      .brokerUp()
      .then(function (ok) {
        return client.publish(settings.statusTopic, heartbeatMessage(platform.uptime(), ok, led), false, 0);
      })
      .then(undefined, function (err: unknown) {
        log("MQTT: heartbeat not sent: " + describe(err));
      });
  }

  function mqttOn(): void {
    if (supervisor) return;
    // No prototype: on an {} the topic "__proto__" would set the prototype, not a key.
    const subscriptions: { [topic: string]: 0 | 1 | 2 } = Object.create(null);
    subscriptions[settings.commandTopic] = 1;
    // A persistent session: commands sent while the board was away arrive when it returns.
    supervisor = keepConnected(client, { subscriptions: subscriptions, clean: false, minDelay: 2000, maxDelay: 60000, onFailure: onFailure });
  }

  function mqttOff(): void {
    // No retries while there is no network; keepalive notices the dead socket.
    if (supervisor) supervisor.stop();
    supervisor = null;
  }

  const interval = t.setInterval(heartbeat, settings.heartbeat * 1000);
  const link: WifiLink = keepWifi(platform.wifi, settings.ssid, settings.password, {
    onUp: mqttOn,
    onDown: mqttOff,
    log: log,
    timers: t,
  });

  return {
    settings: settings,
    client: client,
    led: function () {
      return led;
    },
    heartbeat: heartbeat,
    stop: function () {
      t.clearInterval(interval);
      link.stop();
      mqttOff();
      return client.disconnect();
    },
  };
}
