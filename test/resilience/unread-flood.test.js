// A broker that floods QoS 1 and never reads: each message is answered with a PUBACK, which
// piled up in the client's socket without a bound (keepalive never fires, since data keeps
// arriving). Past the link's bound (4 MB unsent, at the default maxPacketSize) the connection
// ends with CLOSED, and QoS 0 publishes are refused QUEUE_FULL before that.
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const net = require("node:net");
const { MQTTClient } = require("../../dist/node/mqtt_as.js");
const { waitFor } = require("./harness.js");

const BOUND = 4 * 1024 * 1024;
/** QoS 1 PUBLISHes of 7 bytes (topic "f", no payload), ids 1 to 4096, in one buffer. */
const FLOOD = Buffer.concat(Array.from({ length: 4096 }, (_, i) => Buffer.from([0x32, 5, 0, 1, 0x66, (i + 1) >> 8, (i + 1) & 255])));

/** Answers CONNECT and SUBSCRIBE, then stops reading and floods for as long as the client stays. */
async function unreadFloodBroker(t) {
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.on("data", (data) => {
      if (data[0] === 0x10) socket.write(Buffer.from([0x20, 2, 0, 0]));
      else if (data[0] === 0x82) {
        socket.write(Buffer.from([0x90, 3, data[2], data[3], 1]));
        socket.pause();
        const more = () => {
          while (!socket.destroyed) if (!socket.write(FLOOD)) return void socket.once("drain", more);
        };
        more();
      }
    });
  });
  const sockets = new Set();
  server.on("connection", (socket) => sockets.add(socket));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.close();
    for (const socket of sockets) socket.destroy();
  });
  return server.address().port;
}

test("a broker flooding QoS 1 that never reads: the connection ends CLOSED, with at most the bound unsent", { timeout: 90000 }, async (t) => {
  const port = await unreadFloodBroker(t);
  let socket = null;
  const client = new MQTTClient({
    server: "127.0.0.1",
    port,
    keepalive: 0,
    transport: (options) => (socket = net.connect(options)),
  });
  t.after(() => client.disconnect());
  let most = 0;
  let got = 0;
  let refused = null;
  const downs = [];
  client.on("down", (error) => downs.push(error));
  client.on("msg", () => {
    if (++got % 256) return;
    most = Math.max(most, socket.writableLength);
    // Past the bound, a QoS 0 publish is refused rather than end the connection.
    if (socket.writableLength > BOUND && !refused) refused = client.publish("t", "m").then(() => "sent", (e) => e.code);
  });
  await client.connect();
  assert.equal(await client.subscribe("flood", 1), 1);
  // Without the bound nothing ends the connection: the unsent PUBACKs grow past 4 times it.
  await waitFor(() => downs.length || socket.writableLength > 4 * BOUND, 60000, "a down, or 16 MB unsent");
  t.diagnostic(`${got} messages, at most ${most} bytes unsent`);
  assert.deepEqual(downs.map((e) => e && e.code), ["CLOSED"]);
  assert.ok(most <= BOUND + 256 * 4 + 65536, `${most} bytes waited unsent`);
  assert.equal(await refused, "QUEUE_FULL");
});
