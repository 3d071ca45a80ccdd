#!/usr/bin/env node
// End-to-end throughput through one Mosquitto: our client (dist/node/mqtt_as.js, the bundle that
// goes to the board) against MQTT.js, and the ceiling of raw sockets writing pre-encoded
// packets. One publishing client, one subscribing client, 64-byte payloads; messages/s from
// the first publish to the last message received. Each measurement runs RUNS times,
// interleaved, and the median is printed in the form other tools read:
//   client qos0 64B x50000: ours N msg/s, mqtt.js N msg/s, ratio R
//   client qos1 64B x50000: ours N msg/s, mqtt.js N msg/s, ratio R
//   client ceiling raw socket qos0 64B x50000: N msg/s
//   client qos0 64B x50000 to the ceiling: ours N msg/s, raw N msg/s, ratio R
//   client heap qos1 64B x10000 in flight: ours N B/msg, mqtt.js N B/msg, ratio R
// (The raw ceiling runs beside ours at QoS 0, interleaved: the ratio is the median of each
// run's pair. The heap is V8's heap and the
// array buffers outside it, after a garbage collection, per QoS 1 publish that awaits its
// PUBACK from a broker that never sends one.)
// Environment: BENCH_N (messages, default 50000), BENCH_RUNS (default 3), BENCH_VERBOSE=1
// prints every run to stderr.
"use strict";
const net = require("node:net");
const path = require("node:path");
const { performance } = require("node:perf_hooks");
const { startMosquitto } = require("../test/helpers/brokers.js");

const N = Number(process.env.BENCH_N) || 50000;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS) || 3);
const VERBOSE = !!process.env.BENCH_VERBOSE;
const SIZE = 64;
const WINDOW = 64; // QoS 1 publishes awaiting PUBACK, for both libraries
const RUN_TIMEOUT_MS = 120000;
const RAW_BATCH = Number(process.env.BENCH_RAW_BATCH) || 1000; // packets a write, for the ceiling

const PAYLOAD = new Uint8Array(SIZE);
for (let i = 0; i < SIZE; i++) PAYLOAD[i] = (i * 7 + 1) & 255;

let runId = 0;
const nextTopic = (who, qos) => `bench/${who}/q${qos}/${process.pid}/${++runId}`;

/** Resolves when `count()` reaches N; rejects (with how many arrived) after RUN_TIMEOUT_MS. */
function arrival(label) {
  let received = 0;
  let done;
  let fail;
  const promise = new Promise((resolve, reject) => {
    done = resolve;
    fail = reject;
  });
  const timer = setTimeout(() => fail(new Error(`${label}: only ${received} of ${N} messages arrived`)), RUN_TIMEOUT_MS);
  return {
    promise: promise.finally(() => clearTimeout(timer)),
    add(n) {
      received += n;
      if (received >= N) done(performance.now());
    },
  };
}

// ---- ours ----

async function runOurs(broker, qos) {
  // BENCH_OURS may name another build of the client (build/index.js, unminified, to profile).
  const { MQTTClient } = require(process.env.BENCH_OURS || path.join(__dirname, "..", "dist", "node", "mqtt_as.js"));
  const topic = nextTopic("ours", qos);
  const common = { server: broker.host, port: broker.port, keepalive: 60, responseTime: 30 };
  const sub = new MQTTClient(Object.assign({}, common, { clientId: `bench-ours-sub-${runId}` }));
  const pub = new MQTTClient(
    // maxInflight bounds the QoS 1 window; queueLen lets the rest wait instead of rejecting.
    Object.assign({}, common, { clientId: `bench-ours-pub-${runId}`, maxInflight: WINDOW, queueLen: N })
  );
  const got = arrival("ours");
  sub.on("msg", () => got.add(1));
  await sub.connect(true);
  await sub.subscribe(topic, qos);
  await pub.connect(true);

  const start = performance.now();
  const publishes = new Array(N);
  for (let i = 0; i < N; i++) publishes[i] = pub.publish(topic, PAYLOAD, false, qos);
  const end = await got.promise;
  await Promise.all(publishes); // none may have failed
  await pub.disconnect();
  await sub.disconnect();
  return N / ((end - start) / 1000);
}

// ---- MQTT.js ----

async function runMqttJs(broker, qos) {
  const mqtt = require("mqtt");
  const topic = nextTopic("mqttjs", qos);
  const common = { host: broker.host, port: broker.port, protocolVersion: 4, clean: true, keepalive: 60, reconnectPeriod: 0 };
  const connect = (clientId) =>
    new Promise((resolve, reject) => {
      const c = mqtt.connect(Object.assign({}, common, { clientId }));
      c.once("connect", () => resolve(c));
      c.once("error", reject);
    });
  const sub = await connect(`bench-mqttjs-sub-${runId}`);
  const got = arrival("mqtt.js");
  sub.on("message", () => got.add(1));
  await sub.subscribeAsync(topic, { qos });
  const pub = await connect(`bench-mqttjs-pub-${runId}`);
  const payload = Buffer.from(PAYLOAD);

  const start = performance.now();
  const published = new Promise((resolve, reject) => {
    if (qos === 0) {
      // Fire all, without callbacks as QoS 0 is usually published: MQTT.js adds a 'drain'
      // listener for each callback it cannot call at once, which makes 50,000 quadratic.
      for (let i = 0; i < N; i++) pub.publish(topic, payload, { qos: 0 });
      resolve();
      return;
    }
    // QoS 1: MQTT.js has no in-flight bound of its own; keep the same window of WINDOW.
    let sent = 0;
    let acked = 0;
    const cb = (error) => {
      if (error) return reject(error);
      acked++;
      if (sent < N) {
        sent++;
        pub.publish(topic, payload, { qos: 1 }, cb);
      } else if (acked === N) resolve();
    };
    for (; sent < Math.min(WINDOW, N); ) {
      sent++;
      pub.publish(topic, payload, { qos: 1 }, cb);
    }
  });
  const end = await got.promise;
  await published;
  await pub.endAsync();
  await sub.endAsync();
  return N / ((end - start) / 1000);
}

// ---- raw sockets: the ceiling ----

function rawConnection(broker, clientId) {
  const mqttPacket = require("mqtt-packet");
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: broker.host, port: broker.port }, () => {
      socket.setNoDelay(true);
      socket.write(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId, keepalive: 0 }));
    });
    socket.once("error", reject);
    socket.once("data", (d) => {
      // CONNACK: 0x20 0x02 flags code
      if (d[0] !== 0x20 || d[3] !== 0) return reject(new Error("raw CONNACK refused"));
      resolve(socket);
    });
  });
}

/** Counts whole MQTT packets of type PUBLISH in a byte stream (fixed header + length). */
function packetCounter(onPublishes) {
  let header = -1; // type byte of the packet being read, -1 between packets
  let length = 0;
  let multiplier = 1;
  let inLength = false;
  let remaining = 0;
  return (chunk) => {
    let published = 0;
    let pos = 0;
    while (pos < chunk.length) {
      if (header < 0) {
        header = chunk[pos++];
        length = 0;
        multiplier = 1;
        inLength = true;
      } else if (inLength) {
        const b = chunk[pos++];
        length += (b & 127) * multiplier;
        multiplier *= 128;
        if (!(b & 128)) {
          inLength = false;
          remaining = length;
          if (remaining === 0) {
            if (header >> 4 === 3) published++;
            header = -1;
          }
        }
      } else {
        const n = Math.min(remaining, chunk.length - pos);
        pos += n;
        remaining -= n;
        if (remaining === 0) {
          if (header >> 4 === 3) published++;
          header = -1;
        }
      }
    }
    if (published) onPublishes(published);
  };
}

async function runRaw(broker) {
  const mqttPacket = require("mqtt-packet");
  const topic = nextTopic("raw", 0);
  const sub = await rawConnection(broker, `bench-raw-sub-${runId}`);
  await new Promise((resolve) => {
    sub.once("data", resolve); // SUBACK
    sub.write(mqttPacket.generate({ cmd: "subscribe", messageId: 1, subscriptions: [{ topic, qos: 0 }] }));
  });
  const got = arrival("raw");
  sub.on("data", packetCounter((n) => got.add(n)));
  const pub = await rawConnection(broker, `bench-raw-pub-${runId}`);
  const one = mqttPacket.generate({ cmd: "publish", topic, payload: Buffer.from(PAYLOAD), qos: 0, retain: false, dup: false });
  // Pre-encoded in batches of BATCH packets: one large write would make the broker read
  // everything before it writes anything, which measures less than it can do.
  const batches = [];
  for (let sent = 0; sent < N; sent += RAW_BATCH) {
    const count = Math.min(RAW_BATCH, N - sent);
    const batch = Buffer.alloc(one.length * count);
    for (let i = 0; i < count; i++) one.copy(batch, i * one.length);
    batches.push(batch);
  }

  const start = performance.now();
  (function writeSome() {
    while (batches.length) if (!pub.write(batches.shift())) return pub.once("drain", writeSome);
  })();
  const end = await got.promise;
  for (const socket of [pub, sub]) {
    socket.end(mqttPacket.generate({ cmd: "disconnect" }));
    socket.destroy();
  }
  return N / ((end - start) / 1000);
}

// ---- memory: QoS 1 publishes in flight ----

/** A broker that accepts a connection, answers CONNACK and reads the rest without a word. */
function silentBroker() {
  const server = net.createServer((socket) => {
    socket.once("data", () => socket.write(Buffer.from([0x20, 2, 0, 0])));
    socket.on("data", () => {});
    socket.on("error", () => {});
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function heapNow() {
  const gc = require("node:vm").runInNewContext("gc");
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const HELD = 10000;
const settle = () => new Promise((resolve) => setTimeout(resolve, 200)); // the socket hands it all over

/** Bytes of heap per QoS 1 publish awaiting its PUBACK; the publishes are then dropped. */
async function heapOurs(server) {
  const { MQTTClient } = require(process.env.BENCH_OURS || path.join(__dirname, "..", "dist", "node", "mqtt_as.js"));
  const client = new MQTTClient({ server: "127.0.0.1", port: server.address().port, clientId: "heap-ours", keepalive: 0, responseTime: 600, maxInflight: HELD, queueLen: HELD });
  await client.connect(true);
  await settle();
  const before = heapNow();
  const held = [];
  for (let i = 0; i < HELD; i++) held.push(client.publish("bench/heap", PAYLOAD, false, 1)); // disconnect() rejects them, handled
  await settle();
  const after = heapNow();
  await client.disconnect();
  return (after - before) / HELD;
}

async function heapMqttJs(server) {
  const mqtt = require("mqtt");
  const client = mqtt.connect({ host: "127.0.0.1", port: server.address().port, clientId: "heap-mqttjs", protocolVersion: 4, keepalive: 0, reconnectPeriod: 0 });
  await new Promise((resolve) => client.once("connect", resolve));
  await settle();
  const payload = Buffer.from(PAYLOAD);
  const before = heapNow();
  for (let i = 0; i < HELD; i++) client.publish("bench/heap", payload, { qos: 1 }, () => {});
  await settle();
  const after = heapNow();
  await client.endAsync(true);
  return (after - before) / HELD;
}

async function heapBoth() {
  require("node:v8").setFlagsFromString("--expose-gc");
  const server = await silentBroker();
  try {
    const ours = [];
    const theirs = [];
    for (let run = 0; run < RUNS; run++) {
      ours.push(await heapOurs(server));
      theirs.push(await heapMqttJs(server));
      note(`  heap run ${run + 1}: ours ${Math.round(ours[run])}, mqtt.js ${Math.round(theirs[run])}`);
    }
    const o = median(ours);
    const m = median(theirs);
    console.log(`client heap qos1 ${SIZE}B x${HELD} in flight: ours ${Math.round(o)} B/msg, mqtt.js ${Math.round(m)} B/msg, ratio ${(o / m).toFixed(2)}`);
  } finally {
    server.close();
  }
}

// ---- the run ----

function median(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function note(line) {
  if (VERBOSE) process.stderr.write(line + "\n");
}

async function main() {
  const broker = await startMosquitto();
  if (!broker) {
    console.log("bench/client.js: skipped, mosquitto is not installed");
    return;
  }
  try {
    // One warm-up of each, unmeasured: JIT and the broker's first allocations.
    await runOurs(broker, 0);
    await runMqttJs(broker, 0);
    const raw = [];
    let ours0 = [];
    for (const qos of [0, 1]) {
      const ours = [];
      const theirs = [];
      for (let run = 0; run < RUNS; run++) {
        // Alternate who goes first, so neither always meets a warmer broker.
        if (run % 2 === 0) {
          ours.push(await runOurs(broker, qos));
          theirs.push(await runMqttJs(broker, qos));
        } else {
          theirs.push(await runMqttJs(broker, qos));
          ours.push(await runOurs(broker, qos));
        }
        if (qos === 0) raw.push(await runRaw(broker));
        note(`  qos${qos} run ${run + 1}: ours ${Math.round(ours[run])}, mqtt.js ${Math.round(theirs[run])}` + (qos ? "" : `, raw ${Math.round(raw[run])}`));
      }
      const o = median(ours);
      const m = median(theirs);
      if (qos === 0) ours0 = ours;
      console.log(
        `client qos${qos} ${SIZE}B x${N}: ours ${Math.round(o)} msg/s, mqtt.js ${Math.round(m)} msg/s, ratio ${(o / m).toFixed(2)}`
      );
    }
    const ceiling = median(raw);
    console.log(`client ceiling raw socket qos0 ${SIZE}B x${N}: ${Math.round(ceiling)} msg/s`);
    // The ratio of each run's pair (measured one after the other), then their median: the
    // machine's load moves both of a pair alike more than it moves runs apart.
    const toCeiling = median(raw.map((r, run) => ours0[run] / r));
    console.log(`client qos0 ${SIZE}B x${N} to the ceiling: ours ${Math.round(median(ours0))} msg/s, raw ${Math.round(ceiling)} msg/s, ratio ${toCeiling.toFixed(2)} (median of each run's)`);
  } finally {
    await broker.close();
  }
  await heapBoth();
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  module.exports = { runOurs, runMqttJs, runRaw, heapBoth }; // for profiling one of them
}
