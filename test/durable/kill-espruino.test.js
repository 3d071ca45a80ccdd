"use strict";
// Nothing lost across kills, on the interpreter: a program with the flash store (the modules
// mqtt_as, keep-connected and flash-store in Storage, as on a board) publishes while its
// broker path goes down and up, is killed with SIGKILL at random moments (nothing runs after
// it), and is started again on the same espruino.flash. Every message whose publish()
// resolved must reach a subscriber: QoS 1 at least once, QoS 2 exactly once, each QoS in
// order of first arrival. And 60 publishes stored while offline leave the heap where it was.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { ESPRUINO, NO_ESPRUINO, bundleSource, runEspruino, checkRun, printedObject } = require("../helpers/espruino.js");
const { startMosquitto, mosquittoPath } = require("../helpers/brokers.js");
const { startProxy } = require("../helpers/proxy.js");
const { MQTTClient } = require("../../dist/node/mqtt_as.js");
const { sleep, random, checkArrivals, settle, spawnLines } = require("./helpers.js");

const ROOT = path.join(__dirname, "..", "..");
const ROUNDS = 10;
const PER_ROUND = 100;



/** Writes the three modules to the Storage of a new folder, as a board keeps them. */
async function boardFolder() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "durable-espruino-"));
  const modules = { mqtt_as: "dist/mqtt_as.js", "keep-connected": "dist/keep-connected.js", "flash-store": "dist/flash-store.js" };
  let code = "var s = require(\"Storage\"), ok = true;\n";
  for (const [name, file] of Object.entries(modules)) {
    code += `ok = s.write(${JSON.stringify(name)}, ${JSON.stringify(bundleSource(path.join(ROOT, file)))}) && ok;\n`;
  }
  code += "print(\"WROTE \" + JSON.stringify({ ok: ok }));\n";
  const run = await runEspruino(dir, code, "write.js");
  const tail = checkRun(run);
  assert.deepEqual(printedObject(run.output, "WROTE"), { ok: true }, "modules written to Storage" + tail);
  return dir;
}

/** The publisher: numbers start..end-1 (odd at QoS 1, even at QoS 2), "ok N" as each resolves
 *  ("full N" if the store refused N: it then stops adding), "flushed" once nothing stored is
 *  left, then it quits. */
function publisher(port, topic, start, end) {
  return `
var mqtt = require("mqtt_as");
var client = new mqtt.MQTTClient({ server: "127.0.0.1", port: ${port}, clientId: "durable-esp", keepalive: 2, responseTime: 1,
  store: require("flash-store").flashStore("dq", { maxBytes: 49152 }) });
require("keep-connected").keepConnected(client, { clean: false, minDelay: 50, maxDelay: 300 });
var n = ${start};
function step() {
  if (n >= ${end}) {
    client.flushed().then(function () { print("flushed"); return client.disconnect(); }).then(function () { quit(); });
    return;
  }
  var m = n;
  client.publish(${JSON.stringify(topic)}, String(m), false, m % 2 ? 1 : 2).then(function () {
    print("ok " + m);
    n++;
    step();
  }, function (e) {
    // A full store refuses with a code, as it should: the program stops adding and flushes.
    if (e.code === "QUEUE_FULL") { print("full " + m); n = ${end}; step(); }
    else { print("error " + e.code + " " + e.message); quit(); }
  });
}
step();
`;
}

/** Starts `code` on the interpreter in `dir`; calls onLine for each line it prints. */
function start(dir, code, onLine) {
  const file = path.join(dir, "publisher.js");
  fs.writeFileSync(file, code);
  return spawnLines(ESPRUINO, [file], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] }, onLine);
}

const skip = !ESPRUINO ? NO_ESPRUINO : !mosquittoPath() && "Mosquitto is not installed";

test("flash store on the interpreter: resolved publishes survive SIGKILL at random moments, the broker path down and up", { skip, timeout: 300000 }, async (t) => {
  const seed = Number(process.env.DURABLE_SEED) || Date.now() % 100000;
  const rand = random(seed);
  const broker = await startMosquitto();
  const proxy = await startProxy({ targetPort: broker.port });
  const dir = await boardFolder();
  const topic = `durable-esp/${process.pid}`;
  t.after(async () => {
    await proxy.close();
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const arrivals = [];
  const subscriber = new MQTTClient({ server: "127.0.0.1", port: broker.port, clientId: `durable-esp-sub-${process.pid}`, keepalive: 10 });
  subscriber.on("msg", (_topic, msg) => arrivals.push(Number(Buffer.from(msg).toString())));
  await subscriber.connect(false);
  await subscriber.subscribe(topic, 2);
  t.after(() => subscriber.disconnect());

  const resolved = new Set();
  const problems = [];
  const onLine = (line) => {
    const m = /^ok (\d+)$/.exec(line);
    if (m) resolved.add(Number(m[1]));
    else if (/^error |Uncaught|ASSERT\(|OUT OF MEMORY/.test(line)) problems.push(line);
  };
  let kills = 0;
  for (let round = 0; round < ROUNDS; round++) {
    proxy.refuse(rand() < 0.35);
    // Numbers of a round of their own: a publish whose "ok" the kill cut off may be stored.
    const run = start(dir, publisher(proxy.port, topic, round * 1000, round * 1000 + PER_ROUND), onLine);
    await sleep(200 + rand() * 1200);
    if (rand() < 0.5) proxy.refuse(rand() < 0.5);
    await sleep(rand() * 500);
    run.child.kill("SIGKILL");
    const { signal, code } = await run.exited;
    if (signal === "SIGKILL") kills++;
    else assert.equal(code, 0, `round ${round} ended by itself: cleanly (seed ${seed})`);
  }
  proxy.refuse(false);
  const last = start(dir, publisher(proxy.port, topic, 0, 0), onLine);
  const timer = setTimeout(() => last.child.kill("SIGKILL"), 60000);
  const ended = await last.exited;
  clearTimeout(timer);
  assert.ok(/flushed/.test(ended.output), `the last run flushes what is stored (seed ${seed}):\n${ended.output.slice(-2000)}`);
  await settle(resolved, arrivals, 10000);

  t.diagnostic(`seed ${seed}: ${resolved.size} publishes resolved, ${arrivals.length} arrivals`);
  assert.deepEqual(problems, [], `no error, no crash (seed ${seed})`);
  assert.ok(kills >= ROUNDS / 2, `killed in ${kills} rounds (seed ${seed})`);
  assert.ok(resolved.size >= ROUNDS, `publishes resolved: ${resolved.size}`);
  checkArrivals(resolved, arrivals, seed);
});

test("flash store on the interpreter: 60 publishes stored while offline leave the heap within 300 JsVars", { skip: !ESPRUINO && NO_ESPRUINO, timeout: 120000 }, async (t) => {
  const dir = await boardFolder();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = await runEspruino(
    dir,
    `
var mqtt = require("mqtt_as");
var client = new mqtt.MQTTClient({ server: "127.0.0.1", port: 1, clientId: "offline", store: require("flash-store").flashStore("off", { maxBytes: 24576 }) });
var n = 0, before;
function step() {
  if (n === 60) {
    var after = process.memory().usage;
    print("HEAP " + JSON.stringify({ before: before, after: after, stored: n, client: E.getSizeOf(client) }));
    quit();
    return;
  }
  client.publish("offline/t", "message " + n + " with some more bytes to make it 64 bytes long....", false, 1 + (n % 2)).then(function () { n++; setTimeout(step, 0); },
    function (e) { print("error " + e.code + " " + e.message); quit(); });
}
setTimeout(function () { before = process.memory().usage; step(); }, 10);
`
  );
  const tail = checkRun(run);
  const heap = printedObject(run.output, "HEAP");
  assert.ok(heap, "printed the heap" + tail);
  assert.equal(heap.stored, 60);
  assert.ok(heap.after - heap.before <= 300, `heap grew by ${heap.after - heap.before} JsVars over 60 stored publishes` + tail);
});
