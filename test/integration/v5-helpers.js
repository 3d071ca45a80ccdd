// Shared by the MQTT 5 integration suites (v5*.test.js): clients of the v5 bundle, a collector
// that keeps each message's properties, a relay that decodes what crosses it, a tiny fake v5
// broker for what no real broker here can be made to do, and the dynamic-security config.
// MQTT_AS5_BUNDLE=path runs the suites on another build of the v5 bundle.
"use strict";
const fs = require("node:fs");
const net = require("node:net");
const path = require("node:path");
const mqttPacket = require("mqtt-packet");
const { collect, messageRecord, uniqueId } = require("./helpers.js");

const BUNDLE = process.env.MQTT_AS5_BUNDLE ? path.resolve(process.env.MQTT_AS5_BUNDLE) : "../../dist/node/mqtt_as5.js";
const { MQTTClient } = require(BUNDLE);

const V5 = { protocolVersion: 5 };

/** Waits `ms`: only to let time pass (an expiry, a window for a packet), never an assertion. */
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A v5 client of the bundle for this test's broker (or cfg.server/port), cleaned up with it. */
function client5(ctx, cfg) {
  const client = new MQTTClient(
    Object.assign(
      {
        server: ctx.broker.host,
        port: ctx.broker.port,
        clientId: uniqueId("v5"),
        keepalive: 10,
        responseTime: 1,
        protocolVersion: 5,
      },
      cfg || {}
    )
  );
  ctx.clients.push(client);
  return client;
}

/** A connected v5 client; `subscriptions` is { topic: qos }. */
async function connected5(ctx, cfg, subscriptions) {
  const client = client5(ctx, cfg);
  await client.connect(true);
  for (const topic of Object.keys(subscriptions || {})) await client.subscribe(topic, subscriptions[topic]);
  return client;
}

/**
 * collect() (helpers.js) that also keeps each message's v5 `properties` and how many arguments
 * the "msg" callback got (`args`, to check how many).
 */
function collect5(client) {
  return collect(client, (args) => Object.assign({ args: args.length }, messageRecord(args), { properties: args[5] }));
}

/** Records `client`'s "down" errors from now on in `downs`; `down` resolves at the next one. */
function recordDowns(client) {
  const downs = [];
  client.on("down", (e) => downs.push(e));
  return { downs, down: client.down.wait() };
}

/** A decoder of a byte stream into v5 packets, each handed to onPacket. */
function decoder(onPacket, onError) {
  const parser = mqttPacket.parser(V5);
  parser.on("packet", onPacket);
  parser.on("error", onError || (() => {}));
  return (bytes) => parser.parse(bytes);
}

const encode = (packet) => mqttPacket.generate(packet, V5);

/**
 * A relay between a client and a broker that decodes both directions (mqtt-packet, v5):
 * `toBroker` and `toClient` list the packets in the order they crossed. `hold()` keeps the
 * broker's bytes back until `release()`, so that acknowledgements can be made to wait.
 * `onForward(direction, packet)` observers see each packet as it is passed on.
 */
async function startDecodingRelay(targetHost, targetPort) {
  const toBroker = [];
  const toClient = [];
  const observers = [];
  const sockets = new Set();
  const pairs = new Set();
  let holding = false;
  const held = [];
  const notify = (direction, packet) => {
    for (const fn of observers) fn(direction, packet);
  };
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ host: targetHost, port: targetPort });
    sockets.add(inbound);
    sockets.add(outbound);
    const pair = { inbound, outbound };
    pairs.add(pair);
    // The broker's bytes are decoded when they are passed to the client, not when they arrive:
    // what the client has seen is what counts.
    const fromBroker = decoder((p) => {
      toClient.push(p);
      notify("toClient", p);
    });
    const fromClient = decoder((p) => {
      toBroker.push(p);
      notify("toBroker", p);
    });
    const forward = (d) => {
      if (inbound.destroyed) return;
      fromBroker(d);
      inbound.write(d);
    };
    inbound.on("data", (d) => {
      fromClient(d);
      outbound.write(d);
    });
    outbound.on("data", (d) => (holding ? held.push(() => forward(d)) : forward(d)));
    const end = () => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
      pairs.delete(pair);
    };
    for (const s of [inbound, outbound]) {
      s.on("close", end);
      s.on("error", end);
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: "127.0.0.1",
    port: server.address().port,
    toBroker,
    toClient,
    onForward(fn) {
      observers.push(fn);
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const fn of held.splice(0)) fn();
    },
    /** Cuts every relayed connection, as a network failure would; held bytes are lost. */
    dropAll() {
      for (const { inbound, outbound } of pairs) {
        inbound.destroy();
        outbound.destroy();
      }
      held.length = 0;
      holding = false;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A decoding relay (startDecodingRelay) to this test's broker, closed with the test. */
async function decodingRelayFor(ctx) {
  const relay = await startDecodingRelay(ctx.broker.host, ctx.broker.port);
  ctx.onCleanup(() => relay.close());
  return relay;
}

/**
 * Counts on the wire through `relay` the client's unacknowledged QoS 1 and 2 PUBLISHes: sent, and
 * no PUBACK, PUBCOMP or failing PUBREC passed back yet (the quota comes back only then
 * [MQTT-4.9.0-2, 3]); from zero at each CONNECT, as the quota (4.9). `most` is the highest count.
 */
function countUnacknowledged(relay) {
  const open = new Set();
  const count = { most: 0 };
  relay.onForward((direction, p) => {
    if (direction === "toBroker" && p.cmd === "connect") open.clear();
    else if (direction === "toBroker" && p.cmd === "publish" && p.qos > 0) {
      open.add(p.messageId);
      count.most = Math.max(count.most, open.size);
    } else if (direction === "toClient" && (p.cmd === "puback" || p.cmd === "pubcomp" || (p.cmd === "pubrec" && p.reasonCode >= 0x80))) {
      open.delete(p.messageId);
    }
  });
  return count;
}

/**
 * A fake MQTT 5 broker on a real loopback socket, for what Mosquitto 2.0.11 cannot be made to
 * do (send topic aliases, a DISCONNECT 0x8E, AUTH, a server keepalive under 10 s). It answers
 * CONNECT with a CONNACK carrying `connack` properties, PINGREQ with PINGRESP, SUBSCRIBE with
 * the requested QoS, QoS 1/2 publishes with their acknowledgements; `onConnect(conn, packet)`
 * runs after the CONNACK; `answer[cmd](conn, packet)`, where given, replaces the answer to
 * that packet type. Each connection: { packets (decoded, from the client), send(packet),
 * next(cmd) (the first packet of that type, received or to come), destroy() }.
 */
async function startFakeBroker({ connack = {}, onConnect, answer = {} } = {}) {
  const connections = [];
  const sockets = new Set();
  let waiting = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    const conn = {
      socket,
      packets: [],
      waiters: [],
      send(packet) {
        if (!socket.destroyed) socket.write(encode(packet));
      },
      next(cmd) {
        const found = conn.packets.find((p) => p.cmd === cmd);
        if (found) return Promise.resolve(found);
        return new Promise((resolve) => conn.waiters.push({ cmd, resolve }));
      },
      closed: new Promise((resolve) => socket.on("close", resolve)),
      destroy() {
        socket.destroy();
      },
    };
    connections.push(conn);
    for (const w of waiting) w(conn);
    waiting = [];
    const feed = decoder(
      (p) => {
        conn.packets.push(p);
        for (let i = conn.waiters.length - 1; i >= 0; i--) {
          if (conn.waiters[i].cmd === p.cmd) {
            conn.waiters[i].resolve(p);
            conn.waiters.splice(i, 1);
          }
        }
        if (answer[p.cmd]) answer[p.cmd](conn, p);
        else if (p.cmd === "connect") {
          conn.send({ cmd: "connack", sessionPresent: false, reasonCode: 0, properties: connack });
          if (onConnect) onConnect(conn, p);
        } else if (p.cmd === "pingreq") conn.send({ cmd: "pingresp" });
        else if (p.cmd === "subscribe") {
          conn.send({ cmd: "suback", messageId: p.messageId, granted: p.subscriptions.map((s) => s.qos) });
        } else if (p.cmd === "unsubscribe") {
          conn.send({ cmd: "unsuback", messageId: p.messageId, granted: p.unsubscriptions.map(() => 0) });
        } else if (p.cmd === "publish" && p.qos === 1) conn.send({ cmd: "puback", messageId: p.messageId });
        else if (p.cmd === "publish" && p.qos === 2) conn.send({ cmd: "pubrec", messageId: p.messageId });
        else if (p.cmd === "pubrel") conn.send({ cmd: "pubcomp", messageId: p.messageId });
      },
      () => socket.destroy()
    );
    socket.on("data", feed);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: "127.0.0.1",
    port: server.address().port,
    connections,
    /** The next connection to arrive (or the latest, if one is there and not yet taken). */
    nextConnection() {
      return new Promise((resolve) => waiting.push(resolve));
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A context for tests on a fake broker: ctx.broker, ctx.clients, cleanup like brokerTest's. */
async function withFakeBroker(options, body) {
  const broker = await startFakeBroker(options);
  const ctx = { broker, clients: [], prefix: `fake/${uniqueId("t")}` };
  ctx.topic = (name) => `${ctx.prefix}/${name}`;
  try {
    await body(ctx);
  } finally {
    for (const client of ctx.clients) await client.disconnect();
    await broker.close();
  }
}

const DYNSEC_PLUGINS = [
  "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so",
  "/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so",
  "/usr/lib/mosquitto_dynamic_security.so",
  "/usr/local/lib/mosquitto_dynamic_security.so",
];

/**
 * Mosquitto config lines for the dynamic-security plugin with `config` (its JSON file, written
 * into `dir`), or { skip } where the plugin is not installed. Mosquitto's acl_file never
 * refuses a SUBSCRIBE (it filters at delivery; checked on 2.0.11: SUBACK grants QoS 1 on a
 * denied topic), the plugin does, so refusals are tested with it.
 */
function dynsec(dir, config) {
  const plugin = DYNSEC_PLUGINS.find((p) => fs.existsSync(p));
  if (!plugin) return { skip: "mosquitto's dynamic-security plugin is not installed" };
  fs.chmodSync(dir, 0o777); // the plugin, running as the mosquitto user, saves its file
  const file = path.join(dir, "dynsec.json");
  fs.writeFileSync(file, JSON.stringify(config), { mode: 0o666 });
  return ["allow_anonymous true", `plugin ${plugin}`, `plugin_opt_config_file ${file}`];
}

/** A dynsec client record with `password` hashed as the plugin stores it (PBKDF2-SHA512). */
function dynsecClient(username, password, roles) {
  const crypto = require("node:crypto");
  const salt = crypto.randomBytes(12);
  const iterations = 101;
  const hash = crypto.pbkdf2Sync(password, salt, iterations, 64, "sha512");
  return {
    username,
    password: hash.toString("base64"),
    salt: salt.toString("base64"),
    iterations,
    roles: roles || [],
  };
}

module.exports = {
  MQTTClient,
  client5,
  connected5,
  collect5,
  recordDowns,
  delay,
  startDecodingRelay,
  decodingRelayFor,
  countUnacknowledged,
  startFakeBroker,
  withFakeBroker,
  dynsec,
  dynsecClient,
  encode,
};
