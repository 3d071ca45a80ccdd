// Connection management outside the client, as mqtt_as.compat leaves it: connect, and
// after every loss reconnect with exponential backoff and jitter.
import { QoS } from "../codec/types";
import { MQTTClient } from "./client";
import { Event } from "./event";

export interface KeepConnectedOptions {
  subscriptions?: { [topic: string]: QoS };
  clean?: boolean; // false: a persistent session, so unacknowledged publishes survive a loss
  minDelay?: number; // ms before the first retry
  maxDelay?: number; // ms, the longest wait between attempts
}

export interface Supervisor {
  /** Set once connected and subscribed; cleared on every loss. */
  up: Event;
  stop(): void;
}

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
  // Subscriptions the broker's session lacks, as far as we know: all of them when it kept no
  // session, and any whose SUBACK did not come in time, to be made at the next connect.
  let missing: { [topic: string]: boolean } = {};

  function attempt(): void {
    timer = null;
    client
      .connect(options.clean !== false)
      .then(function (sessionPresent) {
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
      })
      .then(ready, function () {
        if (client.up.isSet()) ready();
        else retry();
      });
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

  function retry(): void {
    up.clear();
    cancelSteady();
    if (stopped || timer !== null) return;
    // Full jitter between minDelay and an exponentially growing cap, so that many boards
    // that lost the same broker do not all return at once.
    const cap = Math.min(maxDelay, minDelay * Math.pow(2, failures++));
    timer = setTimeout(attempt, minDelay + Math.random() * (cap - minDelay));
  }

  function cancelSteady(): void {
    if (steady !== null) clearTimeout(steady);
    steady = null;
  }

  const offDown = client.on("down", retry);
  attempt();
  return {
    up: up,
    stop: function () {
      stopped = true;
      offDown();
      cancelSteady();
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
