"use strict";
// Nothing lost across kills: a publisher with a file store (test/durable/publisher.js) is
// killed with SIGKILL at random moments while its broker path goes down and up, and started
// again on the same folder. Every message whose publish() resolved must reach a subscriber:
// QoS 1 at least once, QoS 2 exactly once, each QoS in order of first arrival.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startMosquitto, mosquittoPath } = require("../helpers/brokers.js");
const { startProxy } = require("../helpers/proxy.js");
const { MQTTClient } = require("../../dist/node/mqtt_as.js");
const { sleep, random, checkArrivals, settle, spawnLines } = require("./helpers.js");

const ROUNDS = 12;
const PER_ROUND = 200;



/** Starts the publisher on `args`; calls onLine for each line it prints. */
function runPublisher(args, onLine) {
  return spawnLines(process.execPath, [path.join(__dirname, "publisher.js"), ...args.map(String)], { stdio: ["ignore", "pipe", "inherit"] }, onLine);
}

test("file store: messages whose publish() resolved survive SIGKILL at random moments, the broker path down and up", { skip: !mosquittoPath() && "Mosquitto is not installed", timeout: 180000 }, async (t) => {
  const seed = Number(process.env.DURABLE_SEED) || Date.now() % 100000;
  const rand = random(seed);
  const broker = await startMosquitto();
  const proxy = await startProxy({ targetPort: broker.port });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "durable-"));
  const topic = `durable/${process.pid}`;
  t.after(async () => {
    await proxy.close();
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const arrivals = []; // payload numbers in order of arrival
  const subscriber = new MQTTClient({ server: "127.0.0.1", port: broker.port, clientId: `durable-sub-${process.pid}`, keepalive: 10 });
  subscriber.on("msg", (_topic, msg) => arrivals.push(Number(Buffer.from(msg).toString())));
  await subscriber.connect(false);
  await subscriber.subscribe(topic, 2);
  t.after(() => subscriber.disconnect());

  const resolved = new Set();
  const starts = [];
  let next;
  const onLine = (line) => {
    const [word, n] = line.split(" ");
    if (word === "ok") resolved.add(Number(n));
    else if (word === "error") assert.fail(`publisher: ${line}`);
  };
  for (let round = 0; round < ROUNDS; round++) {
    // The broker path is down in about a third of the rounds, and may change during one.
    proxy.refuse(rand() < 0.35);
    // Numbers of a round of their own: a publish whose "ok" the kill cut off may still have
    // been stored, and is then delivered; a new round must not send the same number again.
    next = round * 1000;
    const end = next + PER_ROUND;
    starts.push(next);
    const { child, exited } = runPublisher([dir, proxy.port, topic, next, end], onLine);
    await sleep(20 + rand() * 300);
    if (rand() < 0.5) proxy.refuse(rand() < 0.5);
    await sleep(rand() * 100);
    child.kill("SIGKILL");
    const { code, signal } = await exited;
    assert.ok(signal === "SIGKILL" || code === 0, `round ${round}: killed, or done (seed ${seed})`);
  }
  next = ROUNDS * 1000;
  // The last run, the path up: whatever is stored goes, and it says when nothing is left.
  proxy.refuse(false);
  let flushed = false;
  const last = runPublisher([dir, proxy.port, topic, next, next], (line) => {
    if (line === "flushed") flushed = true;
    onLine(line);
  });
  const { code } = await last.exited;
  assert.equal(code, 0, `the last run ends by itself (seed ${seed})`);
  assert.ok(flushed);
  await settle(resolved, arrivals, 10000);

  t.diagnostic(`seed ${seed}: ${resolved.size} publishes resolved, ${arrivals.length} arrivals`);
  assert.ok(resolved.size >= ROUNDS, `publishes resolved: ${resolved.size}`);
  checkArrivals(resolved, arrivals, seed);
});
