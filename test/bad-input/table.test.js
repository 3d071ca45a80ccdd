// Every bad argument to every public function, and every malformed packet a broker could
// send, each with the code it must get. After each, the client is still usable (bad
// arguments) or cleanly down (bad packets), and nothing pending was silently dropped.
// The file fails when a timer or socket is left open (see the last test).
"use strict";
const { test, after } = require("node:test");
const assert = require("node:assert/strict");
const net = require("node:net");
const { MQTTClient } = require("../../dist/node/mqtt_as.js");
const { keepConnected } = require("../../dist/keep-connected.js");
const { startAedes } = require("../helpers/brokers.js");

const TIMEOUT = { timeout: 15000 };

// ---- bad arguments, against a real broker (Aedes) ----

const tooBig = new Uint8Array(9000); // over the default maxPacketSize of 8192

/** [name, call(client) => promise, expected code]; the client is connected when called. */
const BAD_ARGUMENTS = [
  ["publish to a topic with +", (c) => c.publish("a/+/b", "x"), "BAD_ARGUMENT"],
  ["publish to a topic with #", (c) => c.publish("a/#", "x"), "BAD_ARGUMENT"],
  ["publish to an empty topic", (c) => c.publish("", "x"), "BAD_ARGUMENT"],
  ["publish to a number topic", (c) => c.publish(5, "x"), "BAD_ARGUMENT"],
  ["publish to a null topic", (c) => c.publish(null, "x"), "BAD_ARGUMENT"],
  ["publish a topic with U+0000", (c) => c.publish("a\u0000b", "x"), "BAD_ARGUMENT"],
  ["publish a topic with an unpaired surrogate", (c) => c.publish("a\ud800", "x"), "BAD_ARGUMENT"],
  ["publish a topic over 65535 bytes", (c) => c.publish("t".repeat(65536), "x"), "BAD_ARGUMENT"],
  ["publish with QoS 3", (c) => c.publish("a", "x", false, 3), "BAD_ARGUMENT"],
  ["publish with QoS -1", (c) => c.publish("a", "x", false, -1), "BAD_ARGUMENT"],
  ["publish with QoS '1'", (c) => c.publish("a", "x", false, "1"), "BAD_ARGUMENT"],
  ["publish with QoS 1.5", (c) => c.publish("a", "x", false, 1.5), "BAD_ARGUMENT"],
  ["publish a number payload", (c) => c.publish("a", 42), "BAD_ARGUMENT"],
  ["publish an object payload", (c) => c.publish("a", {}), "BAD_ARGUMENT"],
  ["publish a null payload", (c) => c.publish("a", null), "BAD_ARGUMENT"],
  ["publish an array payload", (c) => c.publish("a", [1, 2]), "BAD_ARGUMENT"],
  ["publish over maxPacketSize", (c) => c.publish("a", tooBig, false, 1), "TOO_LARGE"],
  ["subscribe to a/#/b", (c) => c.subscribe("a/#/b", 0), "BAD_ARGUMENT"],
  ["subscribe to a+", (c) => c.subscribe("a+", 0), "BAD_ARGUMENT"],
  ["subscribe to #x", (c) => c.subscribe("#x", 0), "BAD_ARGUMENT"],
  ["subscribe to an empty filter", (c) => c.subscribe("", 0), "BAD_ARGUMENT"],
  ["subscribe to a number", (c) => c.subscribe(7, 0), "BAD_ARGUMENT"],
  ["subscribe with QoS 3", (c) => c.subscribe("a", 3), "BAD_ARGUMENT"],
  ["subscribe with QoS 'x'", (c) => c.subscribe("a", "x"), "BAD_ARGUMENT"],
  ["unsubscribe an empty filter", (c) => c.unsubscribe(""), "BAD_ARGUMENT"],
  ["unsubscribe a/#/b", (c) => c.unsubscribe("a/#/b"), "BAD_ARGUMENT"],
  ["unsubscribe null", (c) => c.unsubscribe(null), "BAD_ARGUMENT"],
  ["connect while connected", (c) => c.connect(), "BAD_ARGUMENT"],
];

/** [name, config, clean, expected code]: connect() with a bad configuration. */
const BAD_CONFIGS = [
  ["no server", { server: undefined }, true, "BAD_ARGUMENT"],
  ["a number as server", { server: 42 }, true, "BAD_ARGUMENT"],
  ["empty client id without a clean session", { clientId: "" }, false, "BAD_ARGUMENT"],
  ["a will topic with #", { will: { topic: "w/#", msg: "x" } }, true, "BAD_ARGUMENT"],
  ["a will with QoS 3", { will: { topic: "w", msg: "x", qos: 3 } }, true, "BAD_ARGUMENT"],
  ["a will with a number message", { will: { topic: "w", msg: 5 } }, true, "BAD_ARGUMENT"],
  ["keepalive over 65535", { keepalive: 70000 }, true, "BAD_ARGUMENT"],
  ["negative keepalive", { keepalive: -1 }, true, "BAD_ARGUMENT"],
  ["a client id with U+0000", { clientId: "a\u0000" }, true, "BAD_ARGUMENT"],
  // Values of the wrong type: refused, not sent as a malformed CONNECT (found in review).
  ["a null password", { user: "u", password: null }, true, "BAD_ARGUMENT"],
  ["a Uint8Array password", { user: "u", password: new Uint8Array([1]) }, true, "BAD_ARGUMENT"],
  ["an array as user", { user: ["x"] }, true, "BAD_ARGUMENT"],
  ["a Uint8Array as user", { user: new Uint8Array([0x78]) }, true, "BAD_ARGUMENT"],
  ["a will with an array message", { will: { topic: "w", msg: [1, 2, 3] } }, true, "BAD_ARGUMENT"],
];

let aedes;
let seq = 0;

async function broker() {
  if (!aedes) aedes = await startAedes();
  return aedes;
}

after(async () => {
  if (aedes) await aedes.close();
});

/** A publish at QoS 1 that comes back through a subscription: the client works. */
async function assertUsable(client) {
  const topic = `usable/${++seq}`;
  await client.subscribe(topic, 1);
  const arrived = new Promise((resolve) => {
    const off = client.on("msg", (t, msg) => {
      if (t === topic) {
        off();
        resolve(Buffer.from(msg).toString());
      }
    });
  });
  await client.publish(topic, "still works", false, 1);
  assert.equal(await arrived, "still works");
}

for (const [name, call, code] of BAD_ARGUMENTS) {
  test(`bad argument: ${name} → ${code}`, TIMEOUT, async () => {
    const { port } = await broker();
    const client = new MQTTClient({ server: "127.0.0.1", port, responseTime: 2 });
    await client.connect();
    try {
      await assert.rejects(call(client), (error) => error instanceof Error && error.code === code);
      assert.equal(client.up.isSet(), true, "still connected");
      await assertUsable(client);
    } finally {
      await client.disconnect();
    }
  });
}

for (const [name, cfg, clean, code] of BAD_CONFIGS) {
  test(`bad config: ${name} → ${code}`, TIMEOUT, async () => {
    const { port } = await broker();
    const client = new MQTTClient(Object.assign({ server: "127.0.0.1", port, responseTime: 2 }, cfg));
    await assert.rejects(client.connect(clean), (error) => error.code === code);
    assert.equal(client.up.isSet(), false);
    assert.equal(client.isConnected, false);
    await client.disconnect();
  });
}

test("keepConnected with a bad configuration keeps trying and stops cleanly", TIMEOUT, async () => {
  const client = new MQTTClient({ server: undefined });
  const supervisor = keepConnected(client, { minDelay: 10, maxDelay: 20 });
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(supervisor.up.isSet(), false);
  supervisor.stop();
});

// ---- malformed packets, from a scripted broker on a loopback socket ----

const CONNACK_OK = Buffer.from([0x20, 2, 0, 0]);
const CONNACK_SESSION = Buffer.from([0x20, 2, 1, 0]);

/**
 * A broker that answers CONNECT with `connack`, then, on the first PUBLISH it gets, sends
 * `bytes` instead of an acknowledgement. It counts connections, and bytes of every PUBLISH.
 */
async function scriptedBroker(bytes, connack = CONNACK_OK) {
  const sockets = new Set();
  const state = { connections: 0, publishes: [], closed: 0 };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    state.connections++;
    let connected = false;
    socket.on("data", (data) => {
      if (!connected && data[0] === 0x10) {
        connected = true;
        socket.write(connack);
        return;
      }
      if ((data[0] >> 4) === 3) {
        state.publishes.push(Buffer.from(data));
        socket.write(bytes);
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      sockets.delete(socket);
      state.closed++;
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    state,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const utf8 = (s) => [...Buffer.from(s)];
const publishPacket = (header, topicBytes, rest = []) => {
  const body = [topicBytes.length >> 8, topicBytes.length & 255, ...topicBytes, ...rest];
  return [header, body.length, ...body];
};

/** [name, bytes the broker sends, expected code of `down`]. */
const BAD_PACKETS = [
  ["remaining length of 256 MB (a SUBACK: a PUBLISH over maxPacketSize is skipped under 3.1.1)", [0x90, 0xff, 0xff, 0xff, 0x7f], "TOO_LARGE"],
  ["a fifth remaining-length byte", [0x30, 0xff, 0xff, 0xff, 0xff, 0x01], "PROTOCOL"],
  ["packet type 0", [0x00, 0x00], "PROTOCOL"],
  ["packet type 15", [0xf0, 0x00], "PROTOCOL"],
  ["a CONNECT from the broker", [0x10, 0x00], "PROTOCOL"],
  ["a SUBSCRIBE from the broker", [0x82, 0x05, 0x00, 0x01, 0x00, 0x01, 0x61], "PROTOCOL"],
  ["a PINGREQ from the broker", [0xc0, 0x00], "PROTOCOL"],
  ["a second CONNACK", [0x20, 0x02, 0x00, 0x00], "PROTOCOL"],
  ["a PUBACK with packet id 0", [0x40, 0x02, 0x00, 0x00], "PROTOCOL"],
  ["a PUBACK with flags set", [0x42, 0x02, 0x00, 0x01], "PROTOCOL"],
  ["a PUBACK that is too long", [0x40, 0x03, 0x00, 0x01, 0x00], "PROTOCOL"],
  ["a PUBREL with flags 0000", [0x60, 0x02, 0x00, 0x01], "PROTOCOL"],
  ["a SUBACK with return code 3", [0x90, 0x03, 0x00, 0x01, 0x03], "PROTOCOL"],
  ["a PINGRESP with a body", [0xd0, 0x01, 0x00], "PROTOCOL"],
  ["a PUBLISH with QoS 3", publishPacket(0x36, utf8("t"), [0, 1]), "PROTOCOL"],
  ["a PUBLISH with DUP at QoS 0", publishPacket(0x38, utf8("t")), "PROTOCOL"],
  ["a PUBLISH to a topic with #", publishPacket(0x30, utf8("a/#")), "PROTOCOL"],
  ["a PUBLISH to a topic with +", publishPacket(0x30, utf8("a/+")), "PROTOCOL"],
  ["a PUBLISH to an empty topic", publishPacket(0x30, []), "PROTOCOL"],
  ["a PUBLISH topic with U+0000", publishPacket(0x30, [0x61, 0x00]), "PROTOCOL"],
  ["a PUBLISH topic with overlong UTF-8", publishPacket(0x30, [0xc0, 0xaf]), "PROTOCOL"],
  ["a PUBLISH topic with a UTF-16 surrogate", publishPacket(0x30, [0xed, 0xa0, 0x80]), "PROTOCOL"],
  ["a PUBLISH topic with a truncated sequence", publishPacket(0x30, [0x61, 0xe2, 0x82]), "PROTOCOL"],
  ["a QoS 1 PUBLISH with packet id 0", publishPacket(0x32, utf8("t"), [0, 0]), "PROTOCOL"],
  ["a PUBLISH whose topic runs past the packet", [0x30, 0x03, 0x00, 0x09, 0x61], "PROTOCOL"],
];

for (const [name, bytes, code] of BAD_PACKETS) {
  test(`bad packet: ${name} → down with ${code}, pending publish rejected CLOSED`, TIMEOUT, async () => {
    const fake = await scriptedBroker(Buffer.from(bytes));
    const client = new MQTTClient({ server: "127.0.0.1", port: fake.port, responseTime: 5, keepalive: 0 });
    try {
      const downs = [];
      client.on("down", (error) => downs.push(error));
      await client.connect();
      const pending = client.publish("t", "payload", false, 1);
      await client.down.wait();
      assert.equal(downs.length, 1, "one down per loss");
      assert.equal(downs[0].code, code);
      assert.equal(client.up.isSet(), false);
      await assert.rejects(pending, (error) => error.code === "CLOSED" && error.cause === downs[0]);
      await waitFor(() => fake.state.closed === 1, "the client closed its socket");
    } finally {
      await client.disconnect();
      await fake.close();
    }
  });
}

test("garbage before CONNACK: connect rejects with PROTOCOL, no down", TIMEOUT, async () => {
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", () => socket.write(Buffer.from([0x40, 0x02, 0x00, 0x01])));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = new MQTTClient({ server: "127.0.0.1", port: server.address().port, responseTime: 5 });
  let downs = 0;
  client.on("down", () => downs++);
  await assert.rejects(client.connect(), (error) => error.code === "PROTOCOL");
  assert.equal(downs, 0);
  assert.equal(client.isConnected, false);
  await new Promise((resolve) => server.close(resolve));
});

test("a bad packet under a persistent session keeps the publish and sends it again", TIMEOUT, async () => {
  // First connection: the broker answers the PUBLISH with garbage. Second: with a PUBACK.
  const sockets = new Set();
  const publishes = [];
  let connection = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const n = ++connection;
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    socket.on("data", (data) => {
      if (data[0] === 0x10) return socket.write(n === 1 ? CONNACK_OK : CONNACK_SESSION);
      if ((data[0] >> 4) === 3) {
        // [header, length, 0, 1, "t", id high, id low, payload]
        publishes.push({ connection: n, header: data[0], id: (data[5] << 8) | data[6] });
        socket.write(n === 1 ? Buffer.from([0xf0, 0x00]) : Buffer.from([0x40, 0x02, data[5], data[6]]));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = new MQTTClient({ server: "127.0.0.1", port: server.address().port, clientId: "persist-bad", responseTime: 5, keepalive: 0 });
  try {
    await client.connect(false);
    const pending = client.publish("t", "payload", false, 1);
    await client.down.wait();
    assert.equal(await client.connect(false), true);
    await pending; // settled by the PUBACK of the second connection: not dropped
    assert.equal(publishes.length, 2);
    assert.equal(publishes[0].header & 0x08, 0, "first send without DUP");
    assert.equal(publishes[1].header & 0x08, 0x08, "sent again with DUP [MQTT-3.3.1-1]");
    assert.equal(publishes[1].id, publishes[0].id, "with the same packet id");
  } finally {
    await client.disconnect();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function waitFor(condition, what, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// Runs last (node:test runs a file's top-level tests in order): nothing may be left open.
test("no timer or socket is left open", async () => {
  if (aedes) {
    await aedes.close();
    aedes = null;
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  const open = process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap" || r === "Timeout");
  assert.deepEqual(open, [], `left open: ${open.join(", ")}`);
});
