// A clientId that is not a string, in the built bundle (dist/node/mqtt_as.js, minified and
// mangled as it goes to the board): connect() rejects BAD_ARGUMENT, as for a wrong user or
// password, before any socket is opened; the constructor does not throw. An absent id gets
// a random one. (A random id standing in for a number from JSON settings broke persistent
// sessions without a word.)
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { MQTTClient } = require("../../dist/node/mqtt_as.js");

function recordingTransport() {
  const calls = [];
  return { calls, transport: (opts) => (calls.push(opts), { on() {}, write: () => true, end() {}, destroy() {} }) };
}

for (const [name, id] of [["a number", 42], ["null", null], ["an array", ["x"]], ["bytes", new Uint8Array([0x78])]]) {
  test(`bundle: a clientId that is ${name} → connect() rejects BAD_ARGUMENT, nothing opened`, async () => {
    const { calls, transport } = recordingTransport();
    const client = new MQTTClient({ server: "127.0.0.1", clientId: id, transport });
    for (const clean of [true, false]) {
      await assert.rejects(client.connect(clean), (e) => e instanceof Error && e.code === "BAD_ARGUMENT" && /clientId/.test(e.message));
    }
    assert.equal(calls.length, 0);
    assert.equal(client.isConnected, false);
    await client.disconnect();
  });
}

test("bundle: an absent or undefined clientId gets a random id", async () => {
  for (const cfg of [{}, { clientId: undefined }]) {
    const { calls, transport } = recordingTransport();
    const client = new MQTTClient(Object.assign({ server: "127.0.0.1", transport }, cfg));
    const connecting = client.connect();
    connecting.catch(() => {});
    assert.equal(calls.length, 1, "a random id does not stop the connect");
    await client.disconnect();
    await assert.rejects(connecting, (e) => e.code === "CLOSED");
  }
});
