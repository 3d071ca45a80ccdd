// Footprint: bytes of the bundle, and JsVars on a real Espruino interpreter, against the
// modules Espruino users would pick instead (Espruino's MQTT module and tinyMQTT).
// Peers are read from ESPRUINO_MODULES (a folder holding MQTT.js and tinyMQTT.js from
// EspruinoDocs/modules, fetched outside this project) and minified here like ours;
// JsVars are measured where ESPRUINO names an interpreter built for Linux.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFile, execFileSync } = require("node:child_process");
const { startAedes } = require("../test/helpers/brokers.js");
const { connectedSizeProgram, parseConnectedSize } = require("../test/espruino/connected-size.js");
const { minify } = require("terser");

const TARGET_BYTES = 12288;
const TARGET_CONNECTED_JSVARS = 1300;
const ours = fs.readFileSync(path.join(__dirname, "..", "dist", "mqtt_as.js"), "utf8");

async function peers() {
  const dir = process.env.ESPRUINO_MODULES;
  if (!dir) return [];
  const found = [];
  for (const name of ["MQTT", "tinyMQTT"]) {
    const file = path.join(dir, `${name}.js`);
    if (!fs.existsSync(file)) continue;
    const min = await minify(fs.readFileSync(file, "utf8"), { ecma: 5, compress: true, mangle: true });
    found.push({ name, source: min.code });
  }
  return found;
}

/** JsVars in use after loading `source` as module `name` into RAM, and after loading it from Storage. */
function jsVars(name, source, construct) {
  const espruino = process.env.ESPRUINO;
  if (!espruino) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "footprint-"));
  const run = (code) => {
    const file = path.join(dir, "run.js");
    fs.writeFileSync(file, code);
    const out = execFileSync(espruino, [file], { cwd: dir, input: "", encoding: "utf8", timeout: 20000 });
    const line = out.split("\n").find((l) => l.startsWith("VARS "));
    if (!line) throw new Error(`no VARS line from the interpreter:\n${out}`);
    return JSON.parse(line.slice(5));
  };
  try {
    const base = run(`print("VARS "+JSON.stringify({usage:process.memory().usage}));quit();`).usage;
    const ram = run(
      `Modules.addCached(${JSON.stringify(name)},${JSON.stringify(source)});var m=require(${JSON.stringify(name)});` +
        `var c=${construct};print("VARS "+JSON.stringify({usage:process.memory().usage,client:E.getSizeOf(c)}));quit();`
    );
    run(`require("Storage").write(${JSON.stringify(name)},${JSON.stringify(source)});print("VARS {}");quit();`);
    const flash = run(
      `var m=require(${JSON.stringify(name)});var c=${construct};` +
        `print("VARS "+JSON.stringify({usage:process.memory().usage}));quit();`
    );
    return { ram: ram.usage - base, flash: flash.usage - base, client: ram.client };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** E.getSizeOf(client) of our client connected to Aedes (in this process) and subscribed. */
async function connectedSize(source) {
  const espruino = process.env.ESPRUINO;
  if (!espruino) return null;
  const broker = await startAedes();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "footprint-"));
  try {
    const file = path.join(dir, "connected.js");
    fs.writeFileSync(file, connectedSizeProgram(source, broker.host, broker.port));
    // Not execFileSync: the broker runs in this process and must keep answering meanwhile.
    const out = await new Promise((resolve, reject) =>
      execFile(espruino, [file], { cwd: dir, encoding: "utf8", timeout: 20000 }, (error, stdout) =>
        error && !stdout ? reject(error) : resolve(stdout)
      ).stdin.end()
    );
    return parseConnectedSize(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await broker.close();
  }
}

async function main() {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`footprint bundle: ours ${ours.length} B (${kb(ours.length)}), target ${TARGET_BYTES} B, within target: ${ours.length <= TARGET_BYTES}`);
  const others = await peers();
  if (!others.length) console.log("footprint peers: not measured (set ESPRUINO_MODULES to a folder with EspruinoDocs' MQTT.js and tinyMQTT.js)");
  for (const peer of others) {
    console.log(`footprint bytes vs ${peer.name}: ours ${ours.length} B, ${peer.name} ${peer.source.length} B, ratio ${(ours.length / peer.source.length).toFixed(2)}`);
  }
  const construct = {
    mqtt_as: 'new m.MQTTClient({server:"127.0.0.1"})',
    MQTT: 'm.create("127.0.0.1",{})',
    tinyMQTT: 'm.create("127.0.0.1",{})',
  };
  const mine = jsVars("mqtt_as", ours, construct.mqtt_as);
  if (!mine) return console.log("footprint jsvars: not measured (set ESPRUINO to an Espruino interpreter built for Linux)");
  console.log(`footprint jsvars mqtt_as: module in RAM ${mine.ram}, from Storage ${mine.flash} (saves ${mine.ram - mine.flash}), E.getSizeOf(new client) ${mine.client}`);
  const connected = await connectedSize(ours);
  console.log(`footprint jsvars connected client: E.getSizeOf(client) ${connected}, target ${TARGET_CONNECTED_JSVARS}, within target: ${connected <= TARGET_CONNECTED_JSVARS}`);
  for (const peer of others) {
    const theirs = jsVars(peer.name, peer.source, construct[peer.name]);
    console.log(`footprint jsvars ${peer.name}: module in RAM ${theirs.ram}, from Storage ${theirs.flash}, E.getSizeOf(new client) ${theirs.client}; ours/theirs in RAM ${(mine.ram / theirs.ram).toFixed(2)}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
