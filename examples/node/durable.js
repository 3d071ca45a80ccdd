// A durable session: QoS 1 publishes made while offline are kept in files (fileStore) and
// delivered once a client made over the same folder connects, even after a restart. Here the
// restart is a second client over the folder, as a program started again would make it.
// Run it with `node examples/node/durable.js`; the broker is MQTT_URL (default
// mqtt://localhost:1883), the folder MQTT_SESSION_DIR (default: one in the system's temp folder).
"use strict";
const os = require("node:os");
const path = require("node:path");
const { MQTTClient } = require("mqtt_as");
const { fileStore } = require("mqtt_as/file-store");

const broker = new URL(process.env.MQTT_URL || "mqtt://localhost:1883");
const server = { server: broker.hostname, port: Number(broker.port) || 1883 };
const sessionDir = process.env.MQTT_SESSION_DIR || path.join(os.tmpdir(), "mqtt_as-durable-example");
const clientId = "mqtt_as-durable-example"; // a fixed client id: the session is its
const topic = `mqtt_as-example/${process.pid}/readings`;
const COUNT = 3;

/** A client whose session lives in sessionDir; at most 1 MB of messages wait there. */
function durableClient() {
  return new MQTTClient({ ...server, clientId, store: fileStore(sessionDir, { maxBytes: 1 << 20 }) });
}

async function main() {
  // 1. Offline: this client never connects. Each QoS 1 publish resolves once the message is
  //    in the store; from then on it will be delivered.
  const offline = durableClient();
  for (let i = 1; i <= COUNT; i++) {
    await offline.publish(topic, `reading ${i}`, false, 1);
    console.log(`stored reading ${i} while offline`);
  }

  // Someone listening, to show what arrives.
  const watcher = new MQTTClient({ ...server });
  let received = 0;
  let allArrived;
  const arrived = new Promise((resolve) => (allArrived = resolve));
  watcher.on("msg", (topic, msg) => {
    console.log(`watcher received ${new TextDecoder().decode(msg)}`);
    if (++received === COUNT) allArrived();
  });
  await watcher.connect();
  await watcher.subscribe(topic, 1);

  // 2. After a restart: a new client over the same folder resumes the session with
  //    connect(false) and sends what was stored, in order.
  const client = durableClient();
  await client.connect(false);
  await client.flushed(); // nothing stored is waiting or unacknowledged any more
  console.log("the broker acknowledged everything stored");
  await arrived;

  await client.disconnect();
  await watcher.disconnect();
}

main().catch((error) => {
  // QUEUE_FULL: the store is full (maxBytes); CORRUPT: it skipped files not its own.
  console.error(`failed: ${error.code} ${error.message}`);
  process.exitCode = 1;
});
