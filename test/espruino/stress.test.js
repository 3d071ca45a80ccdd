"use strict";
// Bursts and hostile brokers on a real Espruino interpreter (ESPRUINO, skipped where unset):
// each run must end in coded errors or a coded down, never OUT OF MEMORY, an interpreter ASSERT
// or a hang, with the heap back where it began. The broker is a socket that answers CONNECT
// with CONNACK and then only what the test scripts: a SUBACK never comes.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const { spawn, spawnSync } = require("node:child_process");
const path = require("node:path");
const { ESPRUINO, NO_ESPRUINO, bundleSource, runEspruino, printedObject, checkRun } = require("../helpers/espruino.js");

const ROOT = path.join(__dirname, "..", "..");
const HEAP_SLACK = 100; // JsVars the heap may stay below where it began

/** A broker that answers CONNECT with CONNACK (MQTT 5's when the CONNECT is v5) and SUBSCRIBE
 *  with `onSubscribe(socket)`, if given; nothing else. */
async function silentBroker(onSubscribe) {
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    socket.on("data", (data) => {
      if (data[0] === 0x10) {
        const level = data[data.indexOf("MQTT") + 4];
        socket.write(Buffer.from(level === 5 ? [0x20, 3, 0, 0, 0] : [0x20, 2, 0, 0]));
      } else if (data[0] === 0x82 && onSubscribe) onSubscribe(socket);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Runs `program(port)` on the interpreter with `bundle` in Storage as `name`, against the
 *  broker that `startBroker()` makes (silentBroker's unless given), for at most `timeoutMs`
 *  (default 30 s); returns its RESULT and the output's tail. */
async function runWith(t, bundle, name, program, startBroker, timeoutMs) {
  if (!ESPRUINO) return t.skip(NO_ESPRUINO);
  const broker = await (startBroker || silentBroker)();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "espruino-stress-"));
  try {
    const source = bundleSource(path.join(ROOT, "dist", bundle));
    // In parts, as the espruino CLI uploads: the MQTT 5 bundle as one string literal does not
    // fit the ESP32-C3's heap while the program parses (interpreter-v5.test.js).
    for (let offset = 0; offset < source.length; offset += 4000) {
      const part = JSON.stringify(source.slice(offset, offset + 4000));
      const args = offset === 0 ? `${part}, 0, ${source.length}` : `${part}, ${offset}`;
      checkRun(await runEspruino(dir, `require("Storage").write(${JSON.stringify(name)}, ${args});\n`, "write.js"));
    }
    const run = await runEspruino(dir, program(broker.port), "stress.js", timeoutMs);
    const tail = checkRun(run);
    assert.ok(!/OUT OF MEMORY/.test(run.output), "out of memory" + tail);
    const result = printedObject(run.output, "RESULT");
    assert.ok(result, "no RESULT" + tail);
    return { result, tail };
  } finally {
    await broker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Each pending subscribe held its packet, record and promise, without a bound: the ESP32-C3
// ran out of memory at the 98th (45th with a then() each), the ESP32 at the 265th.
test("interpreter: 1,000 subscribe() calls in one loop, never answered: the first TIMEOUT, the last QUEUE_FULL, one after them sent again; the heap back after", async (t) => {
  const out = await runWith(t, "mqtt_as.js", "mqtt_as", (port) =>
    `var m=require("mqtt_as");` +
    `var c=new m.MQTTClient({server:"127.0.0.1",port:${port},clientId:"burst",keepalive:0,responseTime:1});` +
    `function code(e){return e.code;}` +
    `c.connect().then(function(){setTimeout(function(){var before=process.memory().free,first,last;` +
    `for(var i=0;i<1000;i++){var p=c.subscribe("burst/"+i,1);if(!i)first=p;last=p;}` +
    // Once the first has settled, the next subscribe is sent again (and times out).
    `Promise.all([first.then(null,code),last.then(null,code)]).then(function(codes){return c.subscribe("again",1).then(null,code).then(function(again){codes.push(again);return codes;});})` +
    `.then(function(codes){c.disconnect().then(function(){setTimeout(function(){` +
    `print("RESULT "+JSON.stringify({codes:codes,lost:before-process.memory().free}));},10);});});},10);});\n`
  );
  if (!out) return;
  t.diagnostic(JSON.stringify(out.result));
  assert.deepEqual(out.result.codes, ["TIMEOUT", "QUEUE_FULL", "TIMEOUT"], out.tail);
  assert.ok(out.result.lost <= HEAP_SLACK, `${out.result.lost} JsVars not given back` + out.tail);
});

// A then() each costs about 14 JsVars of the program's own (docs/measurements.md, "What promises cost on Espruino"):
// 1,000 of them do not fit the ESP32-C3's heap whatever the library does, 100 do.
test("interpreter: 100 subscribe() calls in one loop with a then() each, never answered: all settle TIMEOUT or QUEUE_FULL", async (t) => {
  const out = await runWith(t, "mqtt_as.js", "mqtt_as", (port) =>
    `var m=require("mqtt_as");` +
    `var c=new m.MQTTClient({server:"127.0.0.1",port:${port},clientId:"burst",keepalive:0,responseTime:1});` +
    `var codes={},n=0;function fail(e){n++;codes[e.code]=(codes[e.code]||0)+1;}function done(){n++;codes.ok=(codes.ok||0)+1;}` +
    `c.connect().then(function(){setTimeout(function(){` +
    `for(var i=0;i<100;i++)c.subscribe("burst/"+i,1).then(done,fail);` +
    `var iv=setInterval(function(){if(n<100)return;clearInterval(iv);c.disconnect().then(function(){print("RESULT "+JSON.stringify(codes));});},100);},10);});\n`
  );
  if (!out) return;
  t.diagnostic(JSON.stringify(out.result));
  const { TIMEOUT, QUEUE_FULL } = out.result;
  assert.deepEqual(Object.keys(out.result).sort(), ["QUEUE_FULL", "TIMEOUT"], out.tail);
  assert.equal(TIMEOUT + QUEUE_FULL, 100, out.tail);
});

/** A QoS 0 MQTT 5 PUBLISH of `payload` to `topic` setting topic alias `alias`. */
function aliasPublish(topic, alias, payload) {
  const body = Buffer.concat([Buffer.from([topic.length >> 8, topic.length & 255]), Buffer.from(topic), Buffer.from([3, 0x23, alias >> 8, alias & 255]), Buffer.from(payload)]);
  const length = body.length < 128 ? [body.length] : [(body.length & 127) | 128, body.length >> 7];
  return Buffer.concat([Buffer.from([0x30, ...length]), body]);
}

// A broker may set as many aliases as our topicAliasMaximum allows: 200 of 120 bytes ran the
// ESP32-C3 out of memory (with an ASSERT); what they hold is bounded, past it a down TOO_LARGE.
test("interpreter: a broker setting 500 topic aliases of 120 bytes (topicAliasMaximum 1000) ends the connection TOO_LARGE; the heap back after", async (t) => {
  const flood = Buffer.concat(Array.from({ length: 500 }, (_, i) => aliasPublish(`alias/${i}/`.padEnd(120, "x"), i + 1, "m")));
  const out = await runWith(
    t,
    "mqtt_as5.js",
    "mqtt_as5",
    (port) =>
      `var m=require("mqtt_as5");` +
      `var c=new m.MQTTClient({server:"127.0.0.1",port:${port},clientId:"aliases",keepalive:0,protocolVersion:5,properties:{topicAliasMaximum:1000}});` +
      `var got=0,before;c.on("msg",function(){got++;});` +
      `c.on("down",function(e){setTimeout(function(){print("RESULT "+JSON.stringify({code:e&&e.code,got:got,lost:before-process.memory().free}));},10);});` +
      // The SUBSCRIBE tells the broker to begin; it is never answered, and rejects CLOSED.
      `c.connect().then(function(){before=process.memory().free;c.subscribe("go",0).then(null,function(){});});\n`,
    () => silentBroker((socket) => socket.write(flood))
  );
  if (!out) return;
  t.diagnostic(JSON.stringify(out.result));
  assert.equal(out.result.code, "TOO_LARGE", out.tail);
  assert.equal(out.result.got, 34, "34 topics of 120 bytes fit in 4096" + out.tail);
  assert.ok(out.result.lost <= HEAP_SLACK, `${out.result.lost} JsVars not given back` + out.tail);
});

const FLOOD_MS = 120000;

/** test/helpers/unread-flood-broker.py, flooding for FLOOD_MS. */
async function unreadFloodBroker() {
  const child = spawn("python3", [path.join(__dirname, "..", "helpers", "unread-flood-broker.py"), String(FLOOD_MS / 1000)]);
  child.on("error", () => {});
  const port = await new Promise((resolve) => {
    child.stdout.once("data", (line) => resolve(Number(String(line).trim())));
    child.once("exit", () => resolve(0));
  });
  return { port, close: () => child.kill() };
}

// Each QoS 1 message is acknowledged with a PUBACK, which waited in the link without a bound
// while the broker read nothing, until the interpreter ran out of memory (and failed an
// ASSERT); keepalive never fired, since data kept arriving. Past the link's bound (three
// quarters of the free heap: 15 to 20 s into the flood on the ESP32-C3, 50 to 75 s on the
// ESP32, which holds more) the connection ends, CLOSED.
test("interpreter: a broker flooding QoS 1 (up to 2 minutes) that never reads: the connection ends CLOSED; the heap back after", async (t) => {
  if (spawnSync("python3", ["--version"]).error) return t.skip("python3 is not installed (the flooding broker sets socket options that Node cannot)");
  const out = await runWith(
    t,
    "mqtt_as.js",
    "mqtt_as",
    (port) =>
      // What the program itself holds is made before the heap is measured.
      `var m=require("mqtt_as"),c,got=0,t0=getTime(),quiet,before,code;` +
      `function report(){print("RESULT "+JSON.stringify({code:code,got:got,s:Math.round(getTime()-t0),lost:before-process.memory().free}));}` +
      `function later(){setTimeout(report,10);}` +
      // Once: disconnect() reports a down too.
      `function done(c0){if(!c)return;code=c0;clearTimeout(quiet);var d=c;c=null;d.disconnect().then(later);}` +
      `before=process.memory().free;` +
      `c=new m.MQTTClient({server:"127.0.0.1",port:${port},clientId:"flood",keepalive:0});` +
      `c.on("msg",function(){got++;});` +
      `c.on("down",function(e){done(e&&e.code);});` +
      `quiet=setTimeout(function(){done("none");},${FLOOD_MS + 5000});` +
      `c.connect().then(function(){c.subscribe("flood",1);});\n`,
    unreadFloodBroker,
    FLOOD_MS + 30000
  );
  if (!out) return;
  t.diagnostic(JSON.stringify(out.result));
  assert.equal(out.result.code, "CLOSED", out.tail);
  assert.ok(out.result.lost <= HEAP_SLACK, `${out.result.lost} JsVars not given back` + out.tail);
});
