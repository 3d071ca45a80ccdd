"use strict";
// The configuration a client is made with: resolveConfig() under new MQTTClient(cfg).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { MQTTClient } = require("../../build/client/client.js");
const { connectUp, rejectsWith, useFakeClock } = require("./helpers.js");
const { FakeBroker } = require("./fake-broker.js");

useFakeClock();

function clientWith(cfg) {
  const broker = new FakeBroker();
  const client = new MQTTClient(Object.assign({ server: "broker.test", keepalive: 0, transport: broker.transport }, cfg));
  return { client, broker };
}

const NOT_STRINGS = [
  ["a number", 42],
  ["zero", 0],
  ["null", null],
  ["true", true],
  ["an array", ["a"]],
  ["bytes", new Uint8Array([0x61])],
  ["an object", { id: "a" }],
];

for (const [name, id] of NOT_STRINGS) {
  test(`a clientId that is ${name}: connect() rejects BAD_ARGUMENT, nothing is sent, no random id stands in`, async () => {
    let made;
    assert.doesNotThrow(() => (made = clientWith({ clientId: id })), "the constructor does not throw, as for a bad user");
    const { client, broker } = made;
    for (const clean of [true, false]) {
      const error = await rejectsWith(client.connect(clean), "BAD_ARGUMENT");
      assert.match(error.message, /clientId must be a string/);
    }
    assert.equal(broker.transportCalls, 0, "no socket opened");
    assert.equal(client.up.isSet(), false);
    await client.disconnect();
  });
}

test("an absent or undefined clientId gets a random id, a new one for each client", async () => {
  const ids = [];
  for (const cfg of [{}, { clientId: undefined }, {}]) {
    const { client, broker } = clientWith(cfg);
    const { connect } = await connectUp(client, broker);
    ids.push(connect.clientId);
    await client.disconnect();
  }
  for (const id of ids) assert.match(id, /^mqtt_as_[0-9a-f]+$/);
  assert.equal(new Set(ids).size, 3, ids.join(", "));
});
