"use strict";
// The CONNECT the built bundles write: the MQTT 5 bundle at protocolVersion 4 writes, byte for
// byte, what the 3.1.1 bundle writes, and refuses what it refuses.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { EventEmitter } = require("node:events");
const v3 = require("../../dist/node/mqtt_as.js");
const v5 = require("../../dist/node/mqtt_as5.js");

/** The CONNECT that a client of `bundle` made with `cfg` writes, or the code connect() rejects with. */
async function connectBytes(bundle, cfg, clean) {
  let written;
  const transport = () => {
    const socket = new EventEmitter();
    socket.write = (bytes) => {
      written = written || Buffer.from(bytes);
      return true;
    };
    socket.end = () => socket.emit("close");
    setImmediate(() => socket.emit("connect"));
    return socket;
  };
  const client = new bundle.MQTTClient(Object.assign({ server: "127.0.0.1", clientId: "c1", transport }, cfg));
  let refused;
  const connecting = client.connect(clean).catch((error) => (refused = error.code));
  for (let i = 0; i < 10 && !written && !refused; i++) await new Promise((resolve) => setImmediate(resolve));
  await client.disconnect();
  await connecting;
  return written ? written.toString("hex") : refused;
}

const CONFIGS = [
  [{}, true],
  [{}, false],
  [{ keepalive: 0 }, true],
  [{ keepalive: 65535, clientId: "" }, true],
  [{ will: { topic: "w/t", msg: "gone", retain: true, qos: 1 } }, true],
  [{ will: { topic: "w", msg: new Uint8Array([0, 1, 255]), qos: 2 } }, false],
  [{ user: "u" }, true],
  [{ user: "ü", password: "pé" }, true],
  [{ will: { topic: "w", msg: "x" }, user: "u", password: "" }, true],
  [{ maxPacketSize: 1000 }, true],
  [{ properties: { sessionExpiryInterval: 10 }, will: { topic: "w", msg: "x", properties: { willDelayInterval: 5 } } }, true], // no properties in 3.1.1
  // refused
  [{ password: "p" }, true], // no user name [MQTT-3.1.2-22]
  [{ will: { topic: "w/#", msg: "x" } }, true],
  [{ will: { topic: "w", msg: 5 } }, true],
  [{ will: { topic: "w", msg: "x", qos: 3 } }, true],
  [{ keepalive: 65536 }, true],
  [{ user: 5 }, true],
];

test("the MQTT 5 bundle at protocolVersion 4 writes the 3.1.1 bundle's CONNECT, and refuses what it refuses", async () => {
  for (const [cfg, clean] of CONFIGS) {
    const name = JSON.stringify(cfg) + " clean " + clean;
    const expected = await connectBytes(v3, cfg, clean);
    assert.equal(await connectBytes(v5, cfg, clean), expected, name);
    assert.equal(await connectBytes(v5, Object.assign({ protocolVersion: 4 }, cfg), clean), expected, name);
  }
  assert.equal(await connectBytes(v3, { password: "p" }, true), "BAD_ARGUMENT");
  // The first bytes of the variable header: protocol name "MQTT", then the level.
  assert.match(await connectBytes(v3, {}, true), /^10..00044d51545404/);
  assert.match(await connectBytes(v5, { protocolVersion: 5 }, true), /^10..00044d51545405/);
});
