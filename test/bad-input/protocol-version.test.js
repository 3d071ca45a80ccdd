// A protocolVersion a bundle cannot honour, in the built bundles: connect() rejects
// BAD_ARGUMENT before any socket is opened. The 3.1.1 bundle, given 5, names the MQTT 5
// bundle (it used to connect with 3.1.1 and drop every MQTT 5 setting in silence).
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const v3 = require("../../dist/node/mqtt_as.js");
const v5 = require("../../dist/node/mqtt_as5.js");

function recordingTransport() {
  const calls = [];
  return { calls, transport: (opts) => (calls.push(opts), { on() {}, write: () => true, end() {}, destroy() {} }) };
}

const refused = [
  ["dist/node/mqtt_as.js", v3, 5, /protocolVersion 5: .*4 only; MQTT 5 is mqtt_as\/mqtt5$/],
  ["dist/node/mqtt_as.js", v3, 3, /protocolVersion 3: 4 only/],
  ["dist/node/mqtt_as5.js", v5, 6, /protocolVersion 6: 4 or 5/],
  ["dist/node/mqtt_as5.js", v5, "5", /protocolVersion 5: 4 or 5/],
];
for (const [name, bundle, protocolVersion, message] of refused) {
  test(`${name}: protocolVersion ${JSON.stringify(protocolVersion)} → connect() rejects BAD_ARGUMENT naming what it takes, nothing opened`, async () => {
    const { calls, transport } = recordingTransport();
    const client = new bundle.MQTTClient({ server: "127.0.0.1", protocolVersion, transport });
    await assert.rejects(client.connect(), (e) => e instanceof Error && e.code === "BAD_ARGUMENT" && message.test(e.message));
    assert.equal(calls.length, 0);
  });
}

// The control: what each bundle takes opens the socket.
for (const [name, bundle, protocolVersion] of [["dist/node/mqtt_as.js", v3, 4], ["dist/node/mqtt_as5.js", v5, 4], ["dist/node/mqtt_as5.js", v5, 5], ["dist/node/mqtt_as.js", v3, undefined]]) {
  test(`${name}: protocolVersion ${protocolVersion} connects`, async () => {
    const { calls, transport } = recordingTransport();
    const client = new bundle.MQTTClient({ server: "127.0.0.1", protocolVersion, transport });
    const connecting = client.connect();
    connecting.catch(() => {});
    assert.equal(calls.length, 1);
    await client.disconnect();
    await assert.rejects(connecting, (e) => e.code === "CLOSED");
  });
}
