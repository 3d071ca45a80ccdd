"use strict";
// The built bundle on a real Espruino interpreter (built for Linux), found only through the
// environment variable ESPRUINO; skipped, visibly, when it is unset (CI has none).
// Each run writes a program to a fresh temporary directory (Storage keeps espruino.flash in
// the working directory) and reads the lines it prints: "LOAD {...}" and "RESULT {...}".
// MQTT_AS_BUNDLE=path runs these tests on another build of the bundle.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { checkScenarioResult, DEFAULT_SIZE, SMALL_SIZE } = require("./scenario-expect.js");
const { startAedes, startMosquitto } = require("../helpers/brokers.js");
const { connectedSizeProgram, parseConnectedSize } = require("./connected-size.js");

const ROOT = path.join(__dirname, "..", "..");
const BUNDLE = process.env.MQTT_AS_BUNDLE || path.join(ROOT, "dist", "mqtt_as.js");
const { ESPRUINO, NO_ESPRUINO, bundleSource, runEspruino, printedObject, checkRun } = require("../helpers/espruino.js");
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The program for one run. With `source`, the module is loaded from RAM (Modules.addCached);
 * without, require() finds it in Storage. The memory is measured on a later tick, once the
 * program's own text has been parsed and freed, the same way in both cases.
 */
function program(source, host, port, size) {
  const scenario = fs.readFileSync(path.join(__dirname, "scenario.js"), "utf8");
  return [
    source === null ? "" : "Modules.addCached(\"mqtt_as\", " + JSON.stringify(source) + ");",
    "var SCENARIO_SIZE = " + JSON.stringify(size) + ";",
    "var MQTT_HOST = " + JSON.stringify(host) + ";",
    "var MQTT_PORT = " + port + ";",
    "function report(result) { print(\"RESULT \" + JSON.stringify(result)); }",
    "function runScenario() {",
    scenario,
    "}",
    "setTimeout(function () {",
    "  var before = process.memory().usage;",
    "  require(\"mqtt_as\");",
    "  print(\"LOAD \" + JSON.stringify({ before: before, after: process.memory().usage, total: process.memory().total }));",
    "  runScenario();",
    "}, 10);",
    "",
  ].join("\n");
}

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), "espruino-mqtt-"));
}

async function withBroker(which, t, fn) {
  const broker = which === "aedes" ? await startAedes() : await startMosquitto();
  if (!broker) {
    t.skip("mosquitto is not installed");
    return;
  }
  try {
    await fn(broker);
  } finally {
    await broker.close();
  }
}

/**
 * Runs fn(source, broker, dir, heap) where ESPRUINO names an interpreter; skipped, saying so,
 * where not. The module is written to Storage (espruino.flash in `dir`) first, where users
 * keep it and where `require("mqtt_as")` finds it; `heap` is the interpreter's JsVars.
 */
async function onInterpreter(t, which, fn) {
  if (!ESPRUINO) {
    t.skip(NO_ESPRUINO);
    return;
  }
  const source = bundleSource(BUNDLE);
  await withBroker(which, t, async (broker) => {
    const dir = tempDir();
    try {
      const write = await runEspruino(
        dir,
        "var ok = require(\"Storage\").write(\"mqtt_as\", " + JSON.stringify(source) + ");\n" +
          "print(\"WROTE \" + JSON.stringify({ ok: ok, length: require(\"Storage\").read(\"mqtt_as\").length, heap: process.memory().total }));\n",
        "write.js"
      );
      const writeTail = checkRun(write);
      const wrote = printedObject(write.output, "WROTE");
      assert.deepEqual(wrote && { ok: wrote.ok, length: wrote.length }, { ok: true, length: source.length }, "Storage.write" + writeTail);
      await fn(source, broker, dir, wrote.heap);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

// Loading the module into RAM takes its text twice over while it is parsed (as the program's
// string and as functions): on the ESP32-C3's 4,095 JsVars that does not fit, and users of
// that board load it from Storage (README). Tests of loading into RAM need a larger heap.
const RAM_LOAD_HEAP = 8000;

/** The scenario's sizes for a heap of `heap` JsVars: on the ESP32-C3's, a 1,000-byte message
 *  and a burst of 6 (maxInflight 2, queueLen 3) fit beside the scenario's own code. */
const scenarioSize = (heap) => (heap < RAM_LOAD_HEAP ? SMALL_SIZE : DEFAULT_SIZE);
const NO_RAM_LOAD = "loading the module into RAM does not fit a heap of 4,095 JsVars beside its own source: load it from Storage";

for (const which of ["mosquitto", "aedes"]) {
  test(`interpreter: the bundle runs the scenario against ${which}`, async (t) => {
    await onInterpreter(t, which, async (source, broker, dir, heap) => {
      const size = scenarioSize(heap);
      const run = await runEspruino(dir, program(null, broker.host, broker.port, size));
      const tail = checkRun(run);
      const result = printedObject(run.output, "RESULT");
      assert.ok(result, "no RESULT line" + tail);
      checkScenarioResult(result, "number", size);
      t.diagnostic(`sizes: ${JSON.stringify(size)}`);
      const load = printedObject(run.output, "LOAD");
      assert.ok(load, "no LOAD line" + tail);
      t.diagnostic(`E.getSizeOf(client) at the end of the scenario (its callbacks and data included): ${result.sizeOf} JsVars`);
      t.diagnostic(`process.memory().usage after load (module from Storage): ${load.after} of ${load.total} JsVars`);
    });
  });
}

test("interpreter: the module loaded from Storage works and costs less RAM than from Modules.addCached", async (t) => {
  await onInterpreter(t, "aedes", async (source, broker, dir, heap) => {
    if (heap < RAM_LOAD_HEAP) return t.skip(NO_RAM_LOAD);
    // From RAM, for comparison, measured by the same program (addCached comes before Storage).
    const ram = await runEspruino(dir, program(source, broker.host, broker.port, DEFAULT_SIZE), "ram.js");
    const ramTail = checkRun(ram);
    checkScenarioResult(printedObject(ram.output, "RESULT") || assert.fail("no RESULT line" + ramTail), "number");
    const ramLoad = printedObject(ram.output, "LOAD");

    // Then, in a fresh interpreter, require() it from Storage and run the scenario.
    const flash = await runEspruino(dir, program(null, broker.host, broker.port, DEFAULT_SIZE), "flash.js");
    const flashTail = checkRun(flash);
    const result = printedObject(flash.output, "RESULT");
    assert.ok(result, "no RESULT line" + flashTail);
    checkScenarioResult(result, "number");
    const flashLoad = printedObject(flash.output, "LOAD");

    // The two programs differ only in the addCached line, so the Storage run's usage before
    // require() is the baseline of both.
    const baseline = flashLoad.before;
    t.diagnostic(
      `process.memory().usage after load: ${ramLoad.after} from RAM (module +${ramLoad.after - baseline}) vs ` +
        `${flashLoad.after} from Storage (module +${flashLoad.after - baseline}); baseline ${baseline}; ` +
        `Storage saves ${ramLoad.after - flashLoad.after} JsVars`
    );
    t.diagnostic(`E.getSizeOf(client) while connected: ${result.sizeOf} JsVars (module from Storage)`);
    assert.ok(flashLoad.after < ramLoad.after, "loading from Storage must use fewer JsVars than from RAM");
  });
});

test("interpreter: JsVars reachable from a connected client (E.getSizeOf), module from Storage", async (t) => {
  await onInterpreter(t, "aedes", async (source, broker, dir) => {
    const run = await runEspruino(dir, connectedSizeProgram(null, broker.host, broker.port), "size.js");
    const tail = checkRun(run);
    let size;
    assert.doesNotThrow(() => (size = parseConnectedSize(run.output)), "the measure" + tail);
    assert.ok(Number.isInteger(size) && size > 0, `E.getSizeOf(client) is ${size}` + tail);
    // Printed, not asserted against the target: bench/footprint.js compares it.
    t.diagnostic(`E.getSizeOf(client) of a connected, subscribed client: ${size} JsVars (target 1300)`);
  });
});

// On Espruino a closure keeps its whole enclosing scope, not only the names it uses. The
// link's callbacks live as long as the connection: made inside connect() (terser inlines a
// function called once), they kept connect()'s locals, among them the CONNECT packet, a
// copy of the will message.
test("interpreter: a connected client holds its will message once, not its CONNECT packet too", async (t) => {
  await onInterpreter(t, "aedes", async (source, broker, dir) => {
    const options = (id, size) =>
      `{server:${JSON.stringify(broker.host)},port:${broker.port},clientId:"${id}",` +
      `will:{topic:"w",msg:new Uint8Array(${size})}}`;
    const code =
      `var m=require("mqtt_as");` +
      `var big=new m.MQTTClient(${options("c1", 4000)}),small=new m.MQTTClient(${options("c2", 1)});` +
      `Promise.all([big.connect(),small.connect()]).then(function(){print("HELD "+JSON.stringify({` +
      `big:E.getSizeOf(big),small:E.getSizeOf(small),msg:E.getSizeOf(new Uint8Array(4000))}));` +
      `return Promise.all([big.disconnect(),small.disconnect()]);},function(e){print("HELD "+JSON.stringify({error:String(e.code)}));});\n`;
    const run = await runEspruino(dir, code, "held.js");
    const tail = checkRun(run);
    const sizes = printedObject(run.output, "HELD");
    assert.ok(sizes && !sizes.error, "both clients connect" + tail);
    t.diagnostic(`E.getSizeOf: ${sizes.big} JsVars (4,000-byte will), ${sizes.small} (1-byte will); the message alone: ${sizes.msg}`);
    assert.ok(sizes.big - sizes.small < 1.5 * sizes.msg, `the will message is held more than once: ${sizes.big} vs ${sizes.small}`);
  });
});

// Never deaf: running out of memory inside the socket's data handler stops it past every catch,
// and Espruino then removes the handler ("Error processing Serial data handler - removing
// it"). With keepalive 0 nothing else would notice: the client must end the connection with a
// coded down by itself, and connect again afterwards. Memory runs out here in a "msg"
// callback, on purpose.
test("interpreter: out of memory inside the data handler ends the connection with a coded down; reconnecting works", async (t) => {
  await onInterpreter(t, "mosquitto", async (source, broker, dir) => {
    const mqtt = require("mqtt");
    const code =
      `var m=require("mqtt_as");` +
      `var c=new m.MQTTClient({server:${JSON.stringify(broker.host)},port:${broker.port},clientId:"deaf",keepalive:0,responseTime:1});` +
      `var downs=[],got=[];` +
      `c.on("down",function(e){downs.push(e?e.code:null);` +
      `c.connect().then(function(){return c.subscribe("deaf/t",0);}).then(function(){print("READY 2");});});` +
      `c.on("msg",function(t,msg){var s=E.toString(msg);got.push(s);` +
      `if(s==="exhaust"){var hog=[];for(;;)hog.push(new Array(50).join("x")+hog.length);}` +
      `if(s==="after"){print("RESULT "+JSON.stringify({downs:downs,got:got}));c.disconnect().then(function(){quit();});}});` +
      `c.connect().then(function(){return c.subscribe("deaf/t",0);}).then(function(){print("READY 1");});\n`;
    const file = path.join(dir, "deaf.js");
    fs.writeFileSync(file, code);
    const publisher = await mqtt.connectAsync({ host: broker.host, port: broker.port, reconnectPeriod: 0 });
    const child = spawn(ESPRUINO, [file], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    const seen = (text) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${text}" in:\n${output.slice(-2000)}`)), 15000);
        const look = () => {
          if (!output.includes(text)) return;
          clearTimeout(timer);
          child.stdout.off("data", look);
          resolve();
        };
        child.stdout.on("data", look);
        look();
      });
    child.stdout.on("data", (d) => (output += d.toString("latin1")));
    child.stderr.on("data", (d) => (output += d.toString("latin1")));
    const exited = new Promise((resolve) => child.on("close", resolve));
    try {
      await seen("READY 1");
      await publisher.publishAsync("deaf/t", "exhaust");
      await seen("READY 2");
      await publisher.publishAsync("deaf/t", "after");
      await seen("RESULT");
      await Promise.race([exited, delay(5000)]);
    } finally {
      child.kill("SIGKILL");
      await publisher.endAsync();
    }
    const tail = "\n--- interpreter output (last 3000 chars) ---\n" + output.slice(-3000);
    assert.match(output, /OUT OF MEMORY/, "memory ran out, as the test intends" + tail);
    assert.ok(!/ASSERT\(/.test(output), "the interpreter failed an internal assertion" + tail);
    const result = printedObject(output, "RESULT");
    assert.deepEqual(result, { downs: ["CLOSED"], got: ["exhaust", "after"] }, tail);
  });
});

// A loop of QoS 1 publishes with a then() each, the plainest program: those past maxInflight
// wait for a slot, as many as the heap holds; what it cannot hold is refused QUEUE_FULL at
// once, and every publish settles without running out of memory, on the ESP32-C3's heap too
// (a then() costs about 14 JsVars when made and 11 more when its promise settles; the
// refusals' promises are rejected share after share, src/client/refusals.ts).
test("interpreter: 100 QoS 1 publishes in one loop, a then() each: all sent on the ESP32, as many as fit on the C3, all settle", async (t) => {
  await onInterpreter(t, "mosquitto", async (source, broker, dir, heap) => {
    const code =
      `var m=require("mqtt_as");` +
      `var c=new m.MQTTClient({server:${JSON.stringify(broker.host)},port:${broker.port},clientId:"loop1",keepalive:0});` +
      `var ok=0,codes={};function done(){ok++;}function fail(e){codes[e.code]=(codes[e.code]||0)+1;}` +
      `c.connect().then(function(){setTimeout(function(){` +
      `for(var i=0;i<100;i++)c.publish("loop/t","0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_",false,1).then(done,fail);` +
      `var iv=setInterval(function(){var n=ok;for(var k in codes)n+=codes[k];if(n<100)return;clearInterval(iv);` +
      `print("SETTLED "+JSON.stringify({ok:ok,codes:codes,flags:E.getErrorFlags()}));c.disconnect().then(function(){quit();});},50);},0);});\n`;
    const run = await runEspruino(dir, code, "loop.js");
    const tail = checkRun(run);
    const settled = printedObject(run.output, "SETTLED");
    assert.ok(settled, "every publish settles" + tail);
    assert.ok(!/OUT OF MEMORY/.test(run.output), "out of memory" + tail);
    if (heap >= RAM_LOAD_HEAP) assert.deepEqual(settled, { ok: 100, codes: {}, flags: [] }, "all 100 sent" + tail);
    else {
      assert.deepEqual(Object.keys(settled.codes), settled.ok < 100 ? ["QUEUE_FULL"] : [], tail);
      assert.ok(settled.ok > 14, "more than maxInflight + queueLen (the old bound): " + settled.ok + tail);
      assert.deepEqual(settled.flags, [], tail);
    }
  });
});

// A publish far over maxPacketSize names the limit (issue 21): it used to be copied first, and
// on Espruino that copy failed for want of memory ("not enough memory"), hiding the cause.
test("interpreter: a 100 KB publish is refused TOO_LARGE naming maxPacketSize, not memory", async (t) => {
  await onInterpreter(t, "aedes", async (source, broker, dir, heap) => {
    const size = heap < RAM_LOAD_HEAP ? 20480 : 102400; // what the ESP32-C3's heap can hold at all
    const code =
      `var m=require("mqtt_as");var c=new m.MQTTClient({server:"127.0.0.1"});` +
      `var s=E.toString(new Uint8Array(${size}).fill(120));` + // ${size} "x"s in one flat block
      `c.publish("t/big",s,false,1).then(function(){print("SENT");},function(e){print("REFUSED "+JSON.stringify({code:e.code,message:e.message}));});\n`;
    const run = await runEspruino(dir, code, "big.js");
    const tail = checkRun(run);
    const refused = printedObject(run.output, "REFUSED");
    // Numbers ungrouped on Espruino, where the code's bytes count (on Node: "8,192").
    assert.deepEqual(refused, { code: "TOO_LARGE", message: `packet of ${size + 13} bytes over maxPacketSize 8192` }, tail);
  });
});
