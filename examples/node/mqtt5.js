// MQTT 5: the CONNACK's properties, a publish with properties (a content type, a response
// topic, correlation data and user properties) received with them, a subscription
// identifier, and a reason code from a broker that refuses a publish. Run it with
// `node examples/node/mqtt5.js`; the broker is MQTT_URL (default mqtt://localhost:1883) and
// must speak MQTT 5 (Mosquitto does).
"use strict";
const { MQTTClient } = require("mqtt_as/mqtt5");

const broker = new URL(process.env.MQTT_URL || "mqtt://localhost:1883");

async function main() {
  const client = new MQTTClient({
    server: broker.hostname,
    port: Number(broker.port) || 1883,
    protocolVersion: 5, // without it, this bundle speaks MQTT 3.1.1
    properties: { sessionExpiryInterval: 60 }, // the broker keeps the session a minute after a loss
  });

  let gotMessage;
  const messageArrived = new Promise((resolve) => (gotMessage = resolve));
  // Under MQTT 5 a "msg" callback gets a sixth argument: the message's properties.
  client.on("msg", (topic, msg, retained, qos, dup, properties) => {
    console.log(`received ${topic}: ${new TextDecoder().decode(msg)}`);
    console.log(`  contentType ${properties.contentType}, responseTopic ${properties.responseTopic}`);
    console.log(`  correlationData ${new TextDecoder().decode(properties.correlationData)}`);
    console.log(`  subscriptionIdentifier ${JSON.stringify(properties.subscriptionIdentifier)}`);
    // Received user properties are always [name, value] pairs, in order, repeats kept.
    console.log(`  userProperties ${JSON.stringify(properties.userProperties)}`);
    gotMessage();
  });

  await client.connect();
  console.log(`connected; the broker's CONNACK properties: ${JSON.stringify(client.connack)}`);

  const topic = `mqtt_as-example/${process.pid}/temperature`;
  const granted = await client.subscribe(topic, 1, { noLocal: false, subscriptionIdentifier: 7 });
  console.log(`subscribed to ${topic}, granted QoS ${granted}`);

  await client.publish(topic, '{"t":21.5}', false, 1, {
    contentType: "application/json",
    responseTopic: `mqtt_as-example/${process.pid}/replies`,
    correlationData: new TextEncoder().encode("request-1"),
    messageExpiryInterval: 60, // seconds the broker may keep it for a subscriber that is away
    // MQTT.js's form; [["unit", "C"], ["source", "probe-1"], ...] is taken too.
    userProperties: { unit: "C", source: ["probe-1", "probe-2"] },
  });
  await messageArrived;

  // A reason code of 0x80 or above rejects with `reasonCode`. Topics that begin with "$" are
  // the broker's own: Mosquitto refuses a client's publish there (0x87, not authorized).
  try {
    await client.publish("$SYS/mqtt_as-example", "not ours to write", false, 1);
    console.log("the broker accepted a publish to $SYS/mqtt_as-example");
  } catch (error) {
    if (error.code !== "REFUSED") throw error;
    console.log(`publish refused: ${error.code}, reason code 0x${error.reasonCode.toString(16)}`);
  }

  await client.disconnect(); // reason code 0: a normal disconnection, the will is not sent
  console.log("disconnected");
}

main().catch((error) => {
  console.error(`failed: ${error.code} ${error.message}` + (error.reasonCode ? ` (reason code ${error.reasonCode})` : ""));
  process.exitCode = 1;
});
