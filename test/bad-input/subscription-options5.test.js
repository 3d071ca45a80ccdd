// MQTT 5: what subscribe() takes as options and unsubscribe() as properties, in the built
// bundle. The packet is encoded, and so checked, before the client looks at the connection:
// on a client never connected, a bad value rejects BAD_ARGUMENT, a good one NOT_CONNECTED.
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { MQTTClient } = require("../../dist/node/mqtt_as5.js");

const client = () => new MQTTClient({ server: "127.0.0.1", protocolVersion: 5, transport: () => ({ on() {}, write: () => true, end() {} }) });
const rejects = (promise, code, name) => assert.rejects(promise, (e) => e instanceof Error && e.code === code, name);

test("v5 subscribe(): every option and property SUBSCRIBE carries is taken; anything else is BAD_ARGUMENT", async () => {
  const c = client();
  for (const options of [
    undefined,
    null,
    {},
    { noLocal: true, retainAsPublished: true, retainHandling: 2, subscriptionIdentifier: 268435455, userProperties: { a: ["1", "2"] } },
    { noLocal: false, retainHandling: 0, userProperties: [["a", "1"]] },
    { noLocal: undefined, subscriptionIdentifier: undefined },
  ]) {
    await rejects(c.subscribe("a/+", 1, options), "NOT_CONNECTED", JSON.stringify(options));
  }
  for (const options of [
    "noLocal",
    5,
    { bogus: 1 },
    { qos: 1 }, // an argument of its own, not an option
    { topic: "b" },
    { contentType: "text" }, // a property of PUBLISH
    { topicAlias: 1 },
    { retainHandling: 3 },
    { subscriptionIdentifier: 0 }, // a Protocol Error (3.8.2.1.2)
    { subscriptionIdentifier: [1, 2] }, // once in a SUBSCRIBE
    { userProperties: [["a"]] },
  ]) {
    await rejects(c.subscribe("a/+", 1, options), "BAD_ARGUMENT", JSON.stringify(options));
  }
  // No Local on a shared subscription [MQTT-3.8.3-4].
  await rejects(c.subscribe("$share/g/a", 0, { noLocal: true }), "BAD_ARGUMENT", "noLocal shared");
  await rejects(c.subscribe("$share/g/a", 0, { noLocal: false }), "NOT_CONNECTED", "shared");
});

test("v5 unsubscribe(): User Properties alone; a subscription option or another property is BAD_ARGUMENT", async () => {
  const c = client();
  for (const properties of [undefined, null, {}, { userProperties: [["a", "1"]] }, { userProperties: undefined }]) {
    await rejects(c.unsubscribe("a/+", properties), "NOT_CONNECTED", JSON.stringify(properties));
  }
  for (const properties of ["x", { bogus: 1 }, { noLocal: true }, { subscriptionIdentifier: 1 }, { contentType: "x" }, { userProperties: "a=1" }]) {
    await rejects(c.unsubscribe("a/+", properties), "BAD_ARGUMENT", JSON.stringify(properties));
  }
});
