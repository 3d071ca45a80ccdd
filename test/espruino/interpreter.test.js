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
const { spawn, spawnSync } = require("node:child_process");
const { checkScenarioResult } = require("./scenario-expect.js");
const { startAedes, startMosquitto } = require("../helpers/brokers.js");
const { connectedSizeProgram, parseConnectedSize } = require("./connected-size.js");

const ROOT = path.join(__dirname, "..", "..");
const BUNDLE = process.env.MQTT_AS_BUNDLE || path.join(ROOT, "dist", "mqtt_as.js");
const { ESPRUINO, NO_ESPRUINO } = require("../helpers/espruino.js");
const RUN_TIMEOUT_MS = 30000;

function bundleSource() {
  if (!fs.existsSync(BUNDLE)) {
    const r = spawnSync("npx", ["rollup", "-c", "--silent"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, "dist/mqtt_as.js is missing and `npx rollup -c` failed:\n" + r.stdout + r.stderr);
  }
  return fs.readFileSync(BUNDLE, "utf8");
}

/**
 * The program for one run. With `source`, the module is loaded from RAM (Modules.addCached);
 * without, require() finds it in Storage. The memory is measured on a later tick, once the
 * program's own text has been parsed and freed, the same way in both cases.
 */
function program(source, host, port) {
  const scenario = fs.readFileSync(path.join(__dirname, "scenario.js"), "utf8");
  return [
    source === null ? "" : "Modules.addCached(\"mqtt_as\", " + JSON.stringify(source) + ");",
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

/** Runs `code` in `dir`; resolves with { output, code, timedOut }. */
function runEspruino(dir, code, name) {
  const file = path.join(dir, name || "program.js");
  fs.writeFileSync(file, code);
  return new Promise((resolve) => {
    const child = spawn(ESPRUINO, [file], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d.toString("latin1")));
    child.stderr.on("data", (d) => (output += d.toString("latin1")));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, RUN_TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ output, code, timedOut });
    });
  });
}

function line(output, prefix) {
  const match = new RegExp(prefix + " (\\{.*\\})\\s*$", "m").exec(output);
  return match ? JSON.parse(match[1]) : null;
}

/** What every run must show: no Uncaught error, no failed assertion, an exit of its own. */
function checkRun(run) {
  const tail = "\n--- interpreter output (last 3000 chars) ---\n" + run.output.slice(-3000);
  assert.ok(!/Uncaught/.test(run.output), "Uncaught error on the interpreter" + tail);
  assert.ok(!/ASSERT\(/.test(run.output), "the interpreter failed an internal assertion" + tail);
  assert.ok(!run.timedOut, "the interpreter did not exit by itself (timers or sockets left, or a hang)" + tail);
  return tail;
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

/** Runs fn(source, broker, dir) where ESPRUINO names an interpreter; skipped, saying so, where not. */
async function onInterpreter(t, which, fn) {
  if (!ESPRUINO) {
    t.skip(NO_ESPRUINO);
    return;
  }
  const source = bundleSource();
  await withBroker(which, t, async (broker) => {
    const dir = tempDir();
    try {
      await fn(source, broker, dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

for (const which of ["mosquitto", "aedes"]) {
  test(`interpreter: the bundle runs the scenario against ${which}`, async (t) => {
    await onInterpreter(t, which, async (source, broker, dir) => {
      const run = await runEspruino(dir, program(source, broker.host, broker.port));
      const tail = checkRun(run);
      const result = line(run.output, "RESULT");
      assert.ok(result, "no RESULT line" + tail);
      checkScenarioResult(result, "number");
      const load = line(run.output, "LOAD");
      assert.ok(load, "no LOAD line" + tail);
      t.diagnostic(`E.getSizeOf(client) at the end of the scenario (its callbacks and data included): ${result.sizeOf} JsVars`);
      // addCached has evaluated the module already, so `before` includes it too.
      t.diagnostic(`process.memory().usage after load (module from RAM): ${load.after} of ${load.total} JsVars`);
    });
  });
}

test("interpreter: the module loaded from Storage works and costs less RAM than from Modules.addCached", async (t) => {
  await onInterpreter(t, "aedes", async (source, broker, dir) => {
    // From RAM, for comparison, measured by the same program.
    const ram = await runEspruino(dir, program(source, broker.host, broker.port), "ram.js");
    const ramTail = checkRun(ram);
    checkScenarioResult(line(ram.output, "RESULT") || assert.fail("no RESULT line" + ramTail), "number");
    const ramLoad = line(ram.output, "LOAD");

    // Write the module to Storage (espruino.flash in this directory) ...
    const write = await runEspruino(
      dir,
      "var ok = require(\"Storage\").write(\"mqtt_as\", " + JSON.stringify(source) + ");\n" +
        "print(\"WROTE \" + JSON.stringify({ ok: ok, length: require(\"Storage\").read(\"mqtt_as\").length }));\n",
      "write.js"
    );
    const writeTail = checkRun(write);
    assert.deepEqual(line(write.output, "WROTE"), { ok: true, length: source.length }, "Storage.write" + writeTail);

    // ... then, in a fresh interpreter, require() it from there and run the scenario.
    const flash = await runEspruino(dir, program(null, broker.host, broker.port), "flash.js");
    const flashTail = checkRun(flash);
    const result = line(flash.output, "RESULT");
    assert.ok(result, "no RESULT line" + flashTail);
    checkScenarioResult(result, "number");
    const flashLoad = line(flash.output, "LOAD");

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

test("interpreter: JsVars reachable from a connected client (E.getSizeOf), module in RAM", async (t) => {
  await onInterpreter(t, "aedes", async (source, broker, dir) => {
    const run = await runEspruino(dir, connectedSizeProgram(source, broker.host, broker.port), "size.js");
    const tail = checkRun(run);
    let size;
    assert.doesNotThrow(() => (size = parseConnectedSize(run.output)), "the measure" + tail);
    assert.ok(Number.isInteger(size) && size > 0, `E.getSizeOf(client) is ${size}` + tail);
    // Printed, not asserted against the target: bench/footprint.js compares it (DESIGN.md, Testing).
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
      `Modules.addCached("mqtt_as",${JSON.stringify(source)});var m=require("mqtt_as");` +
      `var big=new m.MQTTClient(${options("c1", 4000)}),small=new m.MQTTClient(${options("c2", 1)});` +
      `Promise.all([big.connect(),small.connect()]).then(function(){print("HELD "+JSON.stringify({` +
      `big:E.getSizeOf(big),small:E.getSizeOf(small),msg:E.getSizeOf(new Uint8Array(4000))}));` +
      `return Promise.all([big.disconnect(),small.disconnect()]);},function(e){print("HELD "+JSON.stringify({error:String(e.code)}));});\n`;
    const run = await runEspruino(dir, code, "held.js");
    const tail = checkRun(run);
    const sizes = line(run.output, "HELD");
    assert.ok(sizes && !sizes.error, "both clients connect" + tail);
    t.diagnostic(`E.getSizeOf: ${sizes.big} JsVars (4,000-byte will), ${sizes.small} (1-byte will); the message alone: ${sizes.msg}`);
    assert.ok(sizes.big - sizes.small < 1.5 * sizes.msg, `the will message is held more than once: ${sizes.big} vs ${sizes.small}`);
  });
});
