#!/usr/bin/env node
// The client with a session store, against itself without one, in one run:
// - draining a backlog: 500 QoS 1 messages of 64 B stored while offline, sent once the broker
//   (Mosquitto on loopback) is there, until flushed(); beside the same 500 published by a
//   connected client without a store (in batches of maxInflight), in msg/s;
// - on the interpreters, with the modules loaded from Storage: the client's JsVars
//   (E.getSizeOf) connected without a store, and with a flash store holding 500 messages.
// Prints ratios (with a store / without); skips what it lacks (Mosquitto, the interpreters).
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startMosquitto } = require("../test/helpers/brokers.js");
const { ROOT, interpreters, runEspruino, resultLine, trouble } = require("./espruino.js");

const COUNT = 500;
const PAYLOAD = "x".repeat(64);

async function nodeDrain(broker) {
  const { MQTTClient } = require("../dist/node/mqtt_as.js");
  const { fileStore } = require("../dist/file-store.js");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "durable-bench-"));
  try {
    const stored = new MQTTClient({ server: broker.host, port: broker.port, clientId: "bench-stored", store: fileStore(dir, { maxBytes: 1 << 20 }) });
    for (let i = 0; i < COUNT; i++) await stored.publish("bench/durable", PAYLOAD, false, 1);
    let t0 = process.hrtime.bigint();
    await stored.connect(false);
    await stored.flushed();
    const withStore = COUNT / (Number(process.hrtime.bigint() - t0) / 1e9);
    await stored.disconnect();

    const plain = new MQTTClient({ server: broker.host, port: broker.port, clientId: "bench-plain" });
    await plain.connect(false);
    t0 = process.hrtime.bigint();
    // In batches of maxInflight (4), as on the interpreter.
    for (let i = 0; i < COUNT; i += 4) await Promise.all([0, 1, 2, 3].map(() => plain.publish("bench/durable", PAYLOAD, false, 1)));
    const without = COUNT / (Number(process.hrtime.bigint() - t0) / 1e9);
    await plain.disconnect();
    console.log(`durable node: drain ${COUNT} stored QoS 1 ${withStore.toFixed(0)} msg/s; without a store ${without.toFixed(0)} msg/s; ratio ${(withStore / without).toFixed(2)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The program for the interpreter: `store` true stores COUNT messages offline first. */
function boardProgram(broker, store) {
  return `
var mqtt = require("mqtt_as");
var payload = ${JSON.stringify(PAYLOAD)};
var client = new mqtt.MQTTClient({ server: ${JSON.stringify(broker.host)}, port: ${broker.port}, clientId: "bench-${store ? "s" : "p"}"
  ${store ? ', store: require("flash-store").flashStore("bench", { maxBytes: 65536 })' : ""} });
var n = 0, stored = 0, t0;
function report(extra) { print("RESULT " + JSON.stringify(extra)); quit(); }
function fail(e) { report({ error: e.code + " " + e.message }); }
function storeNext() {
  if (n === ${store ? COUNT : 0}) return start();
  n++;
  client.publish("bench/durable", payload, false, 1).then(storeNext, fail);
}
// Without a store, in batches of maxInflight (4): 500 publishes waiting at once in RAM do not
// fit the heap, which is what a store is for.
// Each batch starts from the last one's callback: a chain of returned promises would hold
// every batch until the end.
function batches() {
  var sent = 0;
  return new Promise(function (resolve) {
    function batch() {
      if (sent === ${COUNT}) return resolve();
      var all = [];
      for (var i = 0; i < 4; i++, sent++) all.push(client.publish("bench/durable", payload, false, 1));
      Promise.all(all).then(batch, fail);
    }
    batch();
  });
}
function start() {
  var size = E.getSizeOf(client);
  client.connect(false).then(function () {
    var connected = E.getSizeOf(client);
    t0 = Date.now();
    return ${store ? "client.flushed()" : "batches()"};
  }).then(function () {
    var ms = Date.now() - t0;
    report({ stored: ${store ? COUNT : 0}, jsvarsOffline: size, jsvarsConnected: E.getSizeOf(client), rate: ${COUNT} / (ms / 1000) });
  }, fail);
}
storeNext();
`;
}

async function boardDrain(broker, interpreter) {
  const modules = { mqtt_as: "dist/mqtt_as.js", "flash-store": "dist/flash-store.js" };
  let setup = 'var s = require("Storage");\n';
  for (const [name, file] of Object.entries(modules)) setup += `s.write(${JSON.stringify(name)}, ${JSON.stringify(fs.readFileSync(path.join(ROOT, file), "utf8"))});\n`;
  setup += "quit();\n";
  const results = {};
  for (const store of [true, false]) {
    const run = await runEspruino(interpreter.binary, boardProgram(broker, store), { setup: [setup], timeoutMs: 120000 });
    const result = resultLine(run.output);
    if (!result || result.error) {
      console.log(`durable ${interpreter.name}: ${store ? "with" : "without"} a store failed: ${(result && result.error) || trouble(run)}`);
      return;
    }
    results[store] = result;
  }
  const s = results[true];
  const p = results[false];
  console.log(
    `durable ${interpreter.name} (from Storage): client JsVars without a store ${p.jsvarsOffline}, with a store and ${s.stored} stored ${s.jsvarsOffline}; ` +
      `drain ${COUNT} stored QoS 1 ${s.rate.toFixed(0)} msg/s, without a store ${p.rate.toFixed(0)} msg/s; ratio ${(s.rate / p.rate).toFixed(2)}`
  );
}

async function main() {
  const broker = await startMosquitto();
  if (!broker) {
    console.log("bench/durable.js: Mosquitto is not installed: skipped");
    return;
  }
  try {
    await nodeDrain(broker);
    for (const interpreter of interpreters()) await boardDrain(broker, interpreter);
  } finally {
    await broker.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
