#!/usr/bin/env node
// Per-call costs on the Espruino interpreters, without a network: each library gets a socket
// that takes every write and does nothing (Espruino's socket.write returns false, so it
// emits "drain" every 8 publishes), is fed what a broker would send, and is timed with
// getTime():
//   publish  N QoS 0 publishes of a 64-byte ASCII string to one topic, in one loop
//   receive  N such PUBLISHes from the broker, in 536-byte chunks (Espruino's), until the last
//            "msg" callback (the module's "message" events come on later ticks: its time
//            runs to the last of them)
// Ours 3.1.1 (dist/mqtt_as.js) beside Espruino's MQTT module, and ours speaking MQTT 5
// (dist/mqtt_as5.js) without and with two properties (a content type and a user property),
// each module loaded from Storage and into RAM (as the Web IDE uploads modules, as functions).
// Lines read `per-call <interpreter> <load> <library>: publish X us, receive Y us`.
// N is 300 on espruino-esp32 and 50 on espruino-esp32c3, whose heap holds no more of the
// broker's chunks; PER_CALL_ONLY=<interpreter> measures on that one alone. It only reports.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { ROOT, espruinoDir, interpreters, peerSource, runEspruino, resultLine, trouble } = require("./espruino.js");

const COUNT = { "espruino-esp32": 300, "espruino-esp32c3": 50 };
const PAYLOAD = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"; // 64 bytes
const TOPIC = "bench/t1";

const fromCharCodes = (...codes) => `String.fromCharCode(${codes.join(",")})`;
// The two properties, as a program's object and as the bytes a broker sends (3.3.2.3).
const PROPERTIES = `{contentType:"text/plain",userProperties:[["a","1"]]}`;
const PROPERTY_BYTES = `${fromCharCodes(20, 3, 0, 10)}+"text/plain"+${fromCharCodes(0x26, 0, 1)}+"a"+${fromCharCodes(0, 1)}+"1"`;

/** What the programs share: the socket, the broker's PUBLISHes in chunks, the timing. */
function common(N, publishBody) {
  return `var sock={h:{},n:0,on:function(e,f){(this.h[e]=this.h[e]||[]).push(f);},
emit:function(e,d){var l=this.h[e]||[];for(var i=0;i<l.length;i++)l[i].call(this,d);},
write:function(d){this.n+=d.length;return false;},end:function(){},destroy:function(){}};
var P=${JSON.stringify(PAYLOAD)},T=${JSON.stringify(TOPIC)},got=0,tLast=0;
function chunks(){var body=${publishBody};var one=String.fromCharCode(0x30,2+T.length+body.length)+String.fromCharCode(0,T.length)+T+body;
var all="";for(var i=0;i<${N};i++)all+=one;var ch=[];for(var k=0;k<all.length;k+=536)ch.push(all.substr(k,536));return ch;}
function onMessage(){got++;tLast=getTime();}
function run(publish){var ch=chunks();
var t0=getTime();for(var i=0;i<${N};i++){publish();if(i%8==7)sock.emit("drain");}var t1=getTime();
var t2=getTime();for(var k=0;k<ch.length;k++)sock.emit("data",ch[k]);
setTimeout(function(){print("RESULT "+JSON.stringify({publishUs:(t1-t0)*1e6/${N},receiveUs:got===${N}?(tLast-t2)*1e6/${N}:null,got:got}));quit();},500);}
setTimeout(function(){print("RESULT "+JSON.stringify({error:"deadline",got:got}));quit();},15000);
`;
}

/** The libraries measured: module name, bundle, program. */
function libraries(N, moduleSource) {
  const ours = (v5, props) =>
    common(N, v5 ? (props ? `${PROPERTY_BYTES}+P` : `${fromCharCodes(0)}+P`) : "P") +
    `var m=require("${v5 ? "mqtt_as5" : "mqtt_as"}");
require("net").connect=function(o,cb){sock.h.connect=[cb];return sock;}; // the bundles for Espruino take no transport
var c=new m.MQTTClient({server:"x",clientId:"percall",keepalive:0${v5 ? ",protocolVersion:5" : ""}});
c.on("msg",onMessage);${props ? `var PR=${PROPERTIES};` : ""}
c.connect().then(function(){setTimeout(function(){run(function(){c.publish(T,P,false,0${props ? ",PR" : ""});});},10);});
setTimeout(function(){sock.emit("connect");setTimeout(function(){sock.emit("data",${v5 ? fromCharCodes(0x20, 3, 0, 0, 0) : fromCharCodes(0x20, 2, 0, 0)});},1);},1);`;
  const bundle = (name) => fs.readFileSync(path.join(ROOT, "dist", name), "utf8");
  const list = [
    { label: "ours 3.1.1", module: "mqtt_as", source: bundle("mqtt_as.js"), program: ours(false, false) },
    { label: "ours MQTT 5, no properties", module: "mqtt_as5", source: bundle("mqtt_as5.js"), program: ours(true, false) },
    { label: "ours MQTT 5, two properties", module: "mqtt_as5", source: bundle("mqtt_as5.js"), program: ours(true, true) },
  ];
  if (moduleSource) {
    list.push({
      label: "MQTT module",
      module: "MQTT",
      source: moduleSource,
      program:
        common(N, "P") +
        `var mq=require("MQTT").create("x",{client_id:"percall",keep_alive:0});var Q0={qos:0};mq.on("message",onMessage);
mq.on("connected",function(){setTimeout(function(){run(function(){mq.publish(T,P,Q0);});},10);});
mq.connect(sock);setTimeout(function(){sock.emit("data",${fromCharCodes(0x20, 2, 0, 0)});},1);`,
    });
  }
  return list;
}

/** Storage as a board keeps it (written in parts of 4,000 characters, one run each, as the
 *  espruino CLI uploads), or RAM as the Web IDE sends it. */
async function measure(binary, lib, load) {
  if (load === "RAM") return runEspruino(binary, `Modules.addCached(${JSON.stringify(lib.module)},function(){${lib.source}\n});` + lib.program, { timeoutMs: 60000 });
  const setup = [];
  for (let at = 0; at < lib.source.length; at += 4000) {
    const part = JSON.stringify(lib.source.slice(at, at + 4000));
    setup.push(`require("Storage").write(${JSON.stringify(lib.module)},${part},${at}${at ? "" : `,${lib.source.length}`});quit();`);
  }
  return runEspruino(binary, lib.program, { timeoutMs: 60000, setup });
}

async function main() {
  const all = interpreters(espruinoDir());
  if (!all.length) return console.log("per-call: not measured (no interpreters folder: set ESPRUINO_DIR)");
  let moduleSource = null;
  try {
    moduleSource = await peerSource("MQTT");
  } catch {
    console.log("per-call: Espruino's MQTT module not found, measured ours alone");
  }
  const us = (x) => (x == null ? "n/a" : `${Math.round(x)} us`);
  for (const { name, binary } of all.filter((i) => !process.env.PER_CALL_ONLY || i.name === process.env.PER_CALL_ONLY)) {
    const N = COUNT[name] || 50;
    for (const load of ["Storage", "RAM"]) {
      for (const lib of libraries(N, moduleSource)) {
        const run = await measure(binary, lib, load);
        const result = resultLine(run.output) || { error: trouble(run) || "no RESULT line" };
        const what = result.error ? `${result.error} (${result.got || 0}/${N} received)` : `publish ${us(result.publishUs)}, receive ${us(result.receiveUs)}`;
        console.log(`per-call ${name} ${load} ${lib.label}: ${what}`);
      }
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
