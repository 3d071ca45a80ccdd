"use strict";
// The publisher the durable-session tests kill: a client with a file store, kept connected
// (persistent session) through the port it is given, publishing messages start..end-1 in
// order (odd ones at QoS 1, even ones at QoS 2). It prints "ok N" once publish() of N
// resolved, and "flushed" once nothing stored is left. Run: node publisher.js DIR PORT TOPIC START END
const { MQTTClient } = require("../../dist/node/mqtt_as.js");
const { keepConnected } = require("../../dist/keep-connected.js");
const { fileStore } = require("../../dist/file-store.js");

const [dir, port, topic, start, end] = process.argv.slice(2);
const client = new MQTTClient({
  server: "127.0.0.1",
  port: Number(port),
  clientId: "durable-" + topic.replace(/\W/g, "-"),
  keepalive: 2,
  responseTime: 1,
  store: fileStore(dir, { maxBytes: 1 << 20 }),
});
keepConnected(client, { clean: false, minDelay: 50, maxDelay: 300 });

async function main() {
  for (let n = Number(start); n < Number(end); n++) {
    await client.publish(topic, String(n), false, n % 2 ? 1 : 2);
    process.stdout.write(`ok ${n}\n`);
  }
  await client.flushed();
  process.stdout.write("flushed\n");
  await client.disconnect();
  process.exit(0);
}
main().catch((error) => {
  process.stdout.write(`error ${error.code} ${error.message}\n`);
  process.exit(1);
});
