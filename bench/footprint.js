// Footprint: bytes of the bundle, and JsVars on a real Espruino interpreter, against the
// modules Espruino users would pick instead (Espruino's MQTT module and tinyMQTT).
// Peers are read from ESPRUINO_MODULES (a folder holding MQTT.js and tinyMQTT.js from
// EspruinoDocs/modules, fetched outside this project; default <interpreters' folder>/modules)
// and minified here like ours. JsVars are measured on the interpreter built for Linux that
// ESPRUINO names (default espruino-esp32 in ESPRUINO_DIR or ../shared/espruino), and the
// connected client with the module loaded from Storage on every interpreter in that folder.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { startAedes, startMosquitto } = require("../test/helpers/brokers.js");
const { connectedSizeProgram, parseConnectedSize } = require("../test/espruino/connected-size.js");
const { espruinoDir, modulesDir, interpreters, peerSource, oursSource, runEspruino, resultLine, trouble } = require("./espruino.js");

const TARGET_BYTES = 16384;
// MQTT 5 (dist/mqtt_as5.js, issue 12): its bundle, and a connected client's whole library
// within 1.3 times the 3.1.1 one's.
const TARGET_BYTES_5 = 28672;
const TARGET_RATIO_5 = 1.3;
// From Storage on espruino-esp32: what the client holds, and all the library costs in RAM.
const TARGET_STORAGE = { "espruino-esp32": { client: 1300, whole: 2000 } }; // connected, subscribed, module from Storage
const ours = oursSource();
const ours5 = fs.readFileSync(path.join(__dirname, "..", "dist", "mqtt_as5.js"), "utf8");

function espruinoBinary() {
  if (process.env.ESPRUINO) return path.resolve(process.env.ESPRUINO); // run in temporary folders
  const esp32 = interpreters().find((i) => i.name === "espruino-esp32");
  return esp32 ? esp32.binary : null;
}

async function peers() {
  const found = [];
  for (const name of ["MQTT", "tinyMQTT"]) {
    const source = await peerSource(name, modulesDir());
    if (source) found.push({ name, source });
  }
  return found;
}

/** The JSON of the program's `VARS {...}` line; throws with the output when there is none. */
async function vars(binary, code, setup) {
  const run = await runEspruino(binary, code, { setup, timeoutMs: 20000 });
  const result = resultLine(run.output, "VARS");
  if (!result) throw new Error(`no VARS line from the interpreter (${trouble(run) || `exit ${run.code}`}):\n${run.output.slice(-2000)}`);
  return result;
}

/** Programs that write `source` to Storage as `name` in parts of 4,000 characters, one run
 *  each, as the espruino CLI uploads: the MQTT 5 bundle as one string literal does not fit
 *  beside the parser in the ESP32-C3's heap. */
function storePrograms(name, source) {
  const parts = [];
  for (let at = 0; at < source.length; at += 4000) {
    const args = [JSON.stringify(name), JSON.stringify(source.slice(at, at + 4000)), at].concat(at ? [] : [source.length]);
    parts.push(`require("Storage").write(${args.join(",")});quit();`);
  }
  return parts;
}

/** JsVars in use after loading `source` as module `name` into RAM, and after loading it from Storage. */
async function jsVars(binary, name, source, construct) {
  const base = (await vars(binary, `print("VARS "+JSON.stringify({usage:process.memory().usage}));quit();`)).usage;
  const ram = await vars(
    binary,
    `Modules.addCached(${JSON.stringify(name)},${JSON.stringify(source)});var m=require(${JSON.stringify(name)});` +
      `var c=${construct};print("VARS "+JSON.stringify({usage:process.memory().usage,client:E.getSizeOf(c)}));quit();`
  );
  const flash = await vars(
    binary,
    `var m=require(${JSON.stringify(name)});var c=${construct};print("VARS "+JSON.stringify({usage:process.memory().usage}));quit();`,
    storePrograms(name, source)
  );
  return { ram: ram.usage - base, flash: flash.usage - base, client: ram.client };
}

/** E.getSizeOf(client) of our client connected and subscribed, the module loaded into RAM (the issue's measure). */
async function connectedSize(binary, broker, source) {
  // The program disconnects but does not quit(): it is ended once it has printed its line.
  const run = await runEspruino(binary, connectedSizeProgram(source, broker.host, broker.port), { timeoutMs: 20000, endWhen: /SIZE \{.*\}/ });
  return parseConnectedSize(run.output);
}

/**
 * A client connected and subscribed (QoS 1), its module loaded from Storage as on a board
 * whose code is saved to flash: E.getSizeOf(client), "whole" = JsVars in use then minus
 * before require() (module objects, client, socket, pending promises), and the JsVars free.
 * The program's own functions are defined at the top level, before the baseline.
 */
function storageProgram(lib, broker) {
  const host = JSON.stringify(broker.host);
  const start =
    lib !== "MQTT"
      ? `var m=require("${lib}");c=new m.MQTTClient({server:${host},port:${broker.port},clientId:"footprint"${lib === "mqtt_as5" ? ",protocolVersion:5" : ""}});` +
        `c.connect().then(function(){return c.subscribe("footprint/t",1);}).then(report,function(e){failed(e.code);});`
      : `c=require("MQTT").create(${host},{port:${broker.port},client_id:"footprint"});` +
        `c.on("connected",function(){c.on("subscribed",report);c.subscribe("footprint/t",{qos:1});});c.on("error",failed);c.connect();`;
  return (
    `var before,c;function report(){var mem=process.memory();` +
    `print("VARS "+JSON.stringify({client:E.getSizeOf(c),whole:mem.usage-before,free:mem.free}));quit();}` +
    `function failed(e){print("VARS "+JSON.stringify({error:String(e)}));quit();}` +
    `setTimeout(function(){failed("timeout");},10000);` +
    // A later tick: the program's text has been parsed and freed by then.
    `setTimeout(function(){before=process.memory().usage;${start}},10);`
  );
}

async function fromStorage(binary, broker, lib, source) {
  const result = await vars(binary, storageProgram(lib, broker), storePrograms(lib, source));
  if (result.error) throw new Error(`${lib} did not connect on the interpreter: ${result.error}`);
  return result;
}

/**
 * What refused publishes hold, module from Storage: a client that is not connected refuses
 * NOT_CONNECTED; JsVars in use after the first refusal of a loop and after 99 more (the
 * promises kept, less the array that keeps them), and the error's own size.
 */
const REFUSAL_PROGRAM =
  `var m=require("mqtt_as");var c=new m.MQTTClient({server:"127.0.0.1",clientId:"refused"});var keep=[];` +
  `setTimeout(function(){var u0=process.memory().usage;keep.push(c.publish("t","0123456789",false,0));var u1=process.memory().usage;` +
  `for(var i=0;i<99;i++)keep.push(c.publish("t","0123456789",false,0));var u2=process.memory().usage-E.getSizeOf(keep);` +
  `keep[0].then(null,function(e){print("VARS "+JSON.stringify({first:u1-u0,next99:u2-u1,error:E.getSizeOf(e),code:e.code}));quit();});},10);`;

function storageLine(name, mine, theirs) {
  const target = TARGET_STORAGE[name];
  const within = (value, limit) => (limit ? ` (target ${limit}: ${value <= limit ? "met" : "NOT met"})` : "");
  let line =
    `footprint storage ${name} connected+subscribed: ours E.getSizeOf(client) ${mine.client}${within(mine.client, target && target.client)}, ` +
    `whole library ${mine.whole}${within(mine.whole, target && target.whole)}, free ${mine.free}`;
  if (theirs) {
    line += `; MQTT E.getSizeOf(client) ${theirs.client}, whole library ${theirs.whole}, free ${theirs.free}; ratio whole ${(mine.whole / theirs.whole).toFixed(2)}`;
  }
  return line;
}

async function main() {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`footprint bundle: ours ${ours.length} B (${kb(ours.length)}), target ${TARGET_BYTES} B, within target: ${ours.length <= TARGET_BYTES}`);
  console.log(`footprint bundle MQTT 5: dist/mqtt_as5.js ${ours5.length} B (${kb(ours5.length)}), target ${TARGET_BYTES_5} B, within target: ${ours5.length <= TARGET_BYTES_5}`);
  const others = await peers();
  if (!others.length) console.log("footprint peers: not measured (set ESPRUINO_MODULES to a folder with EspruinoDocs' MQTT.js and tinyMQTT.js)");
  for (const peer of others) {
    console.log(`footprint bytes vs ${peer.name}: ours ${ours.length} B, ${peer.name} ${peer.source.length} B, ratio ${(ours.length / peer.source.length).toFixed(2)}`);
  }
  const binary = espruinoBinary();
  if (!binary) return console.log("footprint jsvars: not measured (set ESPRUINO to an Espruino interpreter built for Linux, or ESPRUINO_DIR)");
  const construct = {
    mqtt_as: 'new m.MQTTClient({server:"127.0.0.1"})',
    MQTT: 'm.create("127.0.0.1",{})',
    tinyMQTT: 'm.create("127.0.0.1",{})',
  };
  const mine = await jsVars(binary, "mqtt_as", ours, construct.mqtt_as);
  console.log(`footprint jsvars mqtt_as: module in RAM ${mine.ram}, from Storage ${mine.flash} (saves ${mine.ram - mine.flash}), E.getSizeOf(new client) ${mine.client}`);
  // One broker for the connected measures; the client's memory does not depend on which.
  let broker = await startMosquitto();
  if (!broker) {
    broker = await startAedes();
    console.log("footprint: Mosquitto is not installed, connected measures against Aedes in this process");
  }
  try {
    const connected = await connectedSize(binary, broker, ours);
    // The target is for the module from Storage (the lines "footprint storage" below); in RAM
    // the client's methods reach their code, which then counts too.
    console.log(`footprint jsvars connected client, module in RAM: E.getSizeOf(client) ${connected}`);
    for (const peer of others) {
      const theirs = await jsVars(binary, peer.name, peer.source, construct[peer.name]);
      console.log(`footprint jsvars ${peer.name}: module in RAM ${theirs.ram}, from Storage ${theirs.flash}, E.getSizeOf(new client) ${theirs.client}; ours/theirs in RAM ${(mine.ram / theirs.ram).toFixed(2)}`);
    }
    const module = others.find((p) => p.name === "MQTT");
    const all = interpreters(espruinoDir());
    if (!all.length) console.log("footprint storage: not measured (no interpreters folder: set ESPRUINO_DIR)");
    for (const { name, binary: each } of all) {
      const theirs = module ? await fromStorage(each, broker, "MQTT", module.source) : null;
      const mine3 = await fromStorage(each, broker, "mqtt_as", ours);
      console.log(storageLine(name, mine3, theirs));
      const refused = await vars(each, REFUSAL_PROGRAM, storePrograms("mqtt_as", ours));
      console.log(
        `footprint storage ${name} refused publishes (${refused.code}, a loop that keeps their promises): the first ${refused.first} JsVars, ` +
          `the next 99 ${refused.next99} together; the error ${refused.error}`
      );
      const mine5 = await fromStorage(each, broker, "mqtt_as5", ours5);
      const ratio = mine5.whole / mine3.whole;
      console.log(
        `footprint storage ${name} connected+subscribed, MQTT 5 (dist/mqtt_as5.js, protocolVersion 5): E.getSizeOf(client) ${mine5.client}, ` +
          `whole library ${mine5.whole}, free ${mine5.free}; ratio whole to 3.1.1 ${ratio.toFixed(2)} (target ${TARGET_RATIO_5}: ${ratio <= TARGET_RATIO_5 ? "met" : "NOT met"})`
      );
    }
  } finally {
    await broker.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
