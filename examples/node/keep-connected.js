// The supervisor: keepConnected() connects, reconnects after every loss with backoff,
// subscribes again when the broker kept no session, and reports each failed attempt to
// onFailure. This program publishes one message to itself once up, then disconnects, which
// ends the supervision; if the broker cannot be reached it gives up after three attempts.
// Run it with `node examples/node/keep-connected.js`; the broker is MQTT_URL (default
// mqtt://localhost:1883).
"use strict";
const { MQTTClient } = require("mqtt_as");
const { keepConnected } = require("mqtt_as/keep-connected");

const broker = new URL(process.env.MQTT_URL || "mqtt://localhost:1883");
const MAX_FAILURES = 3;

const client = new MQTTClient({
  server: broker.hostname,
  port: Number(broker.port) || 1883,
  clientId: `mqtt_as-example-${process.pid}`, // a fixed id: the persistent session is its
});
const topic = `mqtt_as-example/${process.pid}/commands`;

client.on("up", () => console.log("connected"));
client.on("down", (error) => console.log(error ? `connection lost: ${error.code} ${error.message}` : "disconnected"));
client.on("msg", (topic, msg) => {
  console.log(`received ${topic}: ${new TextDecoder().decode(msg)}`);
  client.disconnect(); // ends the supervision too: nothing reconnects, the program exits
});

let failures = 0;
const supervisor = keepConnected(client, {
  subscriptions: { [topic]: 1 }, // made again after a reconnect when the broker kept no session
  clean: false, // a persistent session: QoS 1 and 2 publishes wait through a loss
  minDelay: 500, // ms before the first retry; the wait doubles, with jitter, up to maxDelay
  maxDelay: 4000,
  onFailure(error, retryInMs) {
    if (retryInMs === null) {
      // A BAD_ARGUMENT: a wrong setting does not heal by itself, so the supervision has ended.
      console.log(`cannot connect: ${error.code} ${error.message}; check the settings`);
      process.exitCode = 1;
      return;
    }
    console.log(`cannot connect: ${error.code} ${error.message}; next try in ${retryInMs} ms`);
    if (++failures === MAX_FAILURES) {
      console.log(`giving up after ${MAX_FAILURES} attempts`);
      process.exitCode = 1;
      client.disconnect().catch(() => {}); // while waiting to retry: ends the supervision
    }
  },
});

// supervisor.up is set once connected and subscribed, and again after every reconnect.
supervisor.up.wait().then(() => {
  console.log(`up and subscribed to ${topic}`);
  return client.publish(topic, "hello from keep-connected", false, 1);
}).catch((error) => {
  console.error(`failed: ${error.code} ${error.message}`);
  process.exitCode = 1;
  client.disconnect().catch(() => {});
});
