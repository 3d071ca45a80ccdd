// Connection management outside the client, as mqtt_as.compat leaves it: connect, and
// after every loss reconnect with exponential backoff and jitter, until stop() or the
// user's own disconnect(), which ends it as it ends mqtt_as's reconnecting.
import { MqttError } from "../codec/errors";
import { QoS } from "../codec/types";
import { MQTTClient } from "./client";
import { Event } from "./event";

export interface KeepConnectedOptions {
  subscriptions?: { [topic: string]: QoS };
  clean?: boolean; // false: a persistent session, so unacknowledged publishes survive a loss
  minDelay?: number; // ms before the first retry
  maxDelay?: number; // ms, the longest wait between attempts
  /** Called after each failed connect with its error and the ms until the next attempt; with
   *  null when the supervision ends instead (a BAD_ARGUMENT: a wrong setting does not heal). */
  onFailure?: (error: MqttError, retryInMs: number | null) => void;
  debug?: boolean; // logs each attempt and its outcome to the console
}

export interface Supervisor {
  /** Set once connected and subscribed; cleared on every loss, and when supervision ends. */
  up: Event;
  /** Ends the supervision; the connection stays as it is (disconnect() closes it, and ends
   *  the supervision too). */
  stop(): void;
}

type Disconnect = (reasonCode?: number, properties?: object) => Promise<void>;

export function keepConnected(client: MQTTClient, opts?: KeepConnectedOptions): Supervisor {
  const options = opts || {};
  const subscriptions = options.subscriptions || {};
  const minDelay = options.minDelay || 1000;
  const maxDelay = Math.max(minDelay, options.maxDelay || 60000);
  const up = new Event();
  let failures = 0;
  let timer: unknown = null; // the next attempt
  let steady: unknown = null; // while up: forgives the failures once the connection has held
  let stopped = false;
  let wait = 0; // ms, the last wait retry() chose
  // Subscriptions the broker's session lacks, as far as we know: all of them when it kept no
  // session, and any whose SUBACK did not come in time, to be made at the next connect.
  // No prototype: a topic is a key, and on an {} the key "__proto__" would set the prototype
  // instead (Espruino cannot hold that key at all: its interpreter fails an assertion).
  const missing: { [topic: string]: boolean } = Object.create(null);

  function attempt(): void {
    timer = null;
    if (options.debug) log("connecting");
    client
      .connect(options.clean !== false)
      .then(function (sessionPresent) {
        if (options.debug) log("connected, session present: " + sessionPresent);
        // stop() came while connecting, or the connection is gone already (on Espruino the
        // "down" can run before this reaction): start nothing more.
        if (stopped || !client.up.isSet()) return undefined;
        // A broker that accepts and then drops at once (two boards with one client id)
        // must not be hammered every minDelay: the backoff resets only after maxDelay up.
        cancelSteady();
        steady = setTimeout(function () {
          steady = null;
          failures = 0;
        }, maxDelay);
        // Without a session the broker forgot the subscriptions [MQTT-3.2.2-1].
        if (!sessionPresent) for (const topic in subscriptions) missing[topic] = true;
        return subscribeMissing();
      }, failed)
      .then(ready, function () {
        if (client.up.isSet()) ready();
        else retry();
      });
  }

  /** A connect() failed: say so, and try again later, unless the settings are wrong. */
  function failed(error: MqttError): void {
    if (stopped) return;
    const settings = error.code === "BAD_ARGUMENT";
    if (settings) stop();
    const wait = settings ? null : retry();
    if (options.debug) log("connect failed: " + error.code + " " + error.message + (settings ? "; stopped" : "; next attempt in " + wait + " ms"));
    if (options.onFailure) options.onFailure(error, wait);
  }

  function log(what: string): void {
    console.log("mqtt_as keepConnected: " + what);
  }

  function subscribeMissing(): Promise<unknown> {
    let chain: Promise<unknown> = Promise.resolve();
    for (const topic in missing) chain = chain.then(subscriber(topic));
    return chain;
  }

  function subscriber(topic: string): () => Promise<unknown> {
    return function () {
      return client.subscribe(topic, subscriptions[topic]).then(
        function () {
          delete missing[topic];
        },
        function (error) {
          // A lost connection ends this round. Otherwise the others go on: a late SUBACK
          // leaves the topic for the next connect, a refusal or a bad filter is final.
          if (error.code === "CLOSED" || error.code === "NOT_CONNECTED") throw error;
          if (error.code !== "TIMEOUT") delete missing[topic];
        }
      );
    };
  }

  function ready(): void {
    if (!stopped && client.up.isSet()) up.set();
  }

  /** Schedules the next attempt, once; returns its wait in ms (whole). */
  function retry(): number {
    up.clear();
    cancelSteady();
    if (stopped || timer !== null) return wait;
    // Full jitter between minDelay and an exponentially growing cap, so that many boards
    // that lost the same broker do not all return at once.
    const cap = Math.min(maxDelay, minDelay * Math.pow(2, failures++));
    wait = Math.round(minDelay + Math.random() * (cap - minDelay));
    timer = setTimeout(attempt, wait);
    return wait;
  }

  function cancelSteady(): void {
    if (steady !== null) clearTimeout(steady);
    steady = null;
  }

  function stop(): void {
    stopped = true;
    up.clear();
    offDown();
    cancelSteady();
    if (timer !== null) clearTimeout(timer);
    timer = null;
    // The client's own disconnect() again, unless someone wrapped it after us.
    if (client.disconnect === disconnect) {
      if (ownDisconnect) client.disconnect = userDisconnect;
      else delete (client as unknown as { [key: string]: unknown }).disconnect;
    }
  }

  // A "down" without an error follows disconnect(): the user ended the connection.
  const offDown = client.on("down", function (error?: MqttError) {
    if (!error) return stop();
    const next = retry();
    if (options.debug) log("connection lost: " + error.code + "; next attempt in " + next + " ms");
  });
  // A user's disconnect() ends the supervision, as in mqtt_as (its reconnecting stops once
  // disconnect() has run). "down" tells of it only while connected; disconnect() while
  // connecting, or while waiting to retry, must end it too. So, while supervised, this
  // client's disconnect() is wrapped: it stops the supervisor, then closes the connection.
  const ownDisconnect = client.hasOwnProperty("disconnect");
  const userDisconnect: Disconnect = client.disconnect;
  const disconnect: Disconnect = function () {
    stop();
    // With its arguments: an MQTT 5 reason code of 0x04 asks the broker for the will.
    return userDisconnect.apply(client, arguments as unknown as []);
  };
  client.disconnect = disconnect;
  attempt();
  return {
    up: up,
    stop: stop,
  };
}
