// MQTT 3.1.1: connect, subscribe, publish at each QoS, receive through a "msg" callback,
// disconnect. Run it with `node examples/node/publish-subscribe.js`; the broker is
// MQTT_URL (default mqtt://localhost:1883).
"use strict";
const { MQTTClient } = require("mqtt_as");

const broker = new URL(process.env.MQTT_URL || "mqtt://localhost:1883");

async function main() {
  const client = new MQTTClient({ server: broker.hostname, port: Number(broker.port) || 1883 });

  // Three messages are expected back; `arrived` resolves when the third is here.
  let received = 0;
  let allArrived;
  const arrived = new Promise((resolve) => (allArrived = resolve));
  client.on("msg", (topic, msg, retained, qos) => {
    // msg is a Uint8Array of the payload's bytes.
    console.log(`received ${topic}: ${new TextDecoder().decode(msg)} (QoS ${qos})`);
    if (++received === 3) allArrived();
  });

  const sessionPresent = await client.connect(); // a clean session
  console.log(`connected to ${broker.host}, session present: ${sessionPresent}`);
  const topic = `mqtt_as-example/${process.pid}/hello`; // a topic of its own on a shared broker
  const granted = await client.subscribe(topic, 2);
  console.log(`subscribed to ${topic}, granted QoS ${granted}`);

  await client.publish(topic, "QoS 0: sent once, no acknowledgement", false, 0); // settles when written
  await client.publish(topic, "QoS 1: acknowledged by PUBACK", false, 1); // settles on PUBACK
  await client.publish(topic, "QoS 2: exactly once", false, 2); // settles on PUBCOMP
  await arrived;

  await client.unsubscribe(topic);
  await client.disconnect();
  console.log("disconnected");
}

main().catch((error) => {
  // Every failure is an Error with a string `code` (CLOSED, TIMEOUT, CONNACK_REFUSED...).
  console.error(`failed: ${error.code} ${error.message}`);
  process.exitCode = 1;
});
