// The main job (`npm start`): a tour of the client on Node against a real broker.
// Starts an Aedes broker in-process, or uses MQTT_URL (mqtt://host:port) when given.
"use strict";
const { MQTTClient } = require("./dist/node/mqtt_as.js");

/** An error in words: its message (its code where it has none), and its cause's message
 *  (ECONNREFUSED, a TLS refusal) where the message does not include it already. */
function describe(error) {
  if (!error || typeof error !== "object") return String(error);
  let text = error.message || error.code || String(error);
  const because = error.cause && (error.cause.message || String(error.cause));
  if (because && !text.includes(because)) text += ` (${because})`;
  return text;
}

async function broker() {
  if (process.env.MQTT_URL) {
    const url = new URL(process.env.MQTT_URL);
    return { host: url.hostname, port: Number(url.port) || 1883, close: async () => {} };
  }
  const net = require("node:net");
  const { Aedes } = require("aedes");
  const aedes = await Aedes.createBroker();
  const server = net.createServer(aedes.handle);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  console.log(`Aedes broker listening on 127.0.0.1:${server.address().port}`);
  return {
    host: "127.0.0.1",
    port: server.address().port,
    close: () => new Promise((resolve) => server.close(() => aedes.close(resolve))),
  };
}

async function main() {
  const { host, port, close } = await broker();
  const client = new MQTTClient({ server: host, port, keepalive: 30, responseTime: 5 });
  client.on("up", () => console.log("up"));
  client.on("down", (error) => console.log(error ? `connection lost: ${describe(error)}` : "disconnected"));

  const sessionPresent = await client.connect();
  console.log(`connected to ${host}:${port}, session present: ${sessionPresent}`);

  const received = [];
  client.on("msg", (topic, msg, retained, qos, dup) => {
    const text = new TextDecoder().decode(msg);
    received.push(text);
    console.log(`received ${topic} "${text}" qos=${qos} retained=${retained} dup=${dup}`);
  });
  console.log("granted QoS", await client.subscribe("demo/#", 2));

  for (const qos of [0, 1, 2]) {
    await client.publish(`demo/qos${qos}`, `hello at QoS ${qos}`, false, qos);
    console.log(`published at QoS ${qos}`);
  }
  const deadline = Date.now() + 5000;
  while (received.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

  console.log("brokerUp:", await client.brokerUp());
  await client.disconnect();
  await close();
  if (received.length < 3) {
    console.error(`only ${received.length} of 3 messages arrived`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(`demo failed: ${describe(error)}`);
  process.exitCode = 1;
});
