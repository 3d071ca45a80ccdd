#!/usr/bin/env node
// Instructions per call on espruino-esp32, counted by valgrind (callgrind): a busy machine
// changes the time of a call by tens of percent between runs, but not what it executes, so
// this is how two versions of the bundle are compared (`node bench/instructions.js old.js
// new.js`; default dist/mqtt_as.js). Each figure is (I(N calls) - I(no call)) / N in otherwise
// identical programs, on a socket that takes every write and is fed what a broker would send:
//   q0str / q0u8   a QoS 0 publish of a 64-byte string / Uint8Array to one topic
//   q1             a QoS 1 publish (never acknowledged: within the window it is sent at once)
//   recv0 / recv1  a received 64-byte PUBLISH at QoS 0 / 1, in 536-byte chunks
//   recvtopics     the same at QoS 0, on ten topics in turn
// with the module loaded from Storage and into RAM. Skipped without valgrind or the interpreter
// (ESPRUINO, or espruino-esp32 in ESPRUINO_DIR or ../shared/espruino). It only reports.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn, spawnSync } = require("node:child_process");
const { interpreters } = require("./espruino.js");

const N = Number(process.env.N) || 100;
const MODES = ["q0str", "q0u8", "q1", "recv0", "recv1", "recvtopics"];

function program(mode, n) {
  return `var sock={h:{},on:function(e,f){(this.h[e]=this.h[e]||[]).push(f);},
emit:function(e,d){var l=this.h[e]||[];for(var i=0;i<l.length;i++)l[i].call(this,d);},
write:function(d){return false;},end:function(){}};
var T="bench/t1",S="0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_",P=E.toUint8Array(S),got=0;
var m=require("mqtt_as");
require("net").connect=function(o,cb){sock.h.connect=[cb];return sock;};
var c=new m.MQTTClient({server:"x",clientId:"q",keepalive:0});
c.on("msg",function(){got++;});
var mode="${mode}",n=${n};
function chunks(qos,vary){var all="";
for(var i=0;i<n;i++){var t=vary?T+(i%10):T;all+=String.fromCharCode(0x30|qos<<1,2+t.length+(qos?2:0)+64)+String.fromCharCode(0,t.length)+t+(qos?String.fromCharCode(i>>8|1,i&255):"")+S;}
var ch=[];for(var k=0;k<all.length;k+=536)ch.push(all.substr(k,536));return ch;}
c.connect().then(function(){setTimeout(function(){
var ch=mode.substr(0,4)=="recv"?chunks(mode=="recv1"?1:0,mode=="recvtopics"):[];
for(var i=0;i<n;i++){
 if(mode=="q1")c.publish(T,P,false,1).catch(function(){});
 else if(mode=="q0u8")c.publish(T,P,false,0);
 else if(mode=="q0str")c.publish(T,S,false,0);
 if(i%8==7)sock.emit("drain");}
for(var k=0;k<ch.length;k++)sock.emit("data",ch[k]);
setTimeout(function(){print("DONE "+got);quit();},50);
},10);});
setTimeout(function(){sock.emit("connect");setTimeout(function(){sock.emit("data",String.fromCharCode(0x20,2,0,0));},1);},1);`;
}

/** Runs `code` in `dir`, the interpreter's standard input a pipe that stays open (at its end
 *  the Linux build reads endless console input). */
function run(dir, argv, code) {
  fs.writeFileSync(path.join(dir, "program.js"), code);
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1).concat([path.join(dir, "program.js")]), { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", () => resolve(out));
  });
}

async function instructions(binary, source, load, code) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-instructions-"));
  try {
    if (load === "Storage") {
      for (let at = 0; at < source.length; at += 4000) {
        await run(dir, [binary], `require("Storage").write("mqtt_as",${JSON.stringify(source.slice(at, at + 4000))},${at}${at ? "" : "," + source.length});quit();`);
      }
    } else code = `Modules.addCached("mqtt_as",function(){${source}\n});` + code;
    const out = await run(dir, ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", binary], code);
    const counted = /Collected : (\d+)/.exec(out);
    if (!counted || !/DONE/.test(out)) throw new Error(`no count from the interpreter:\n${out.slice(-1500)}`);
    return Number(counted[1]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const esp32 = process.env.ESPRUINO ? { binary: path.resolve(process.env.ESPRUINO) } : interpreters().find((i) => i.name === "espruino-esp32");
  if (!esp32) return console.log("instructions: no espruino-esp32 interpreter, skipped");
  if (spawnSync("valgrind", ["--version"]).status !== 0) return console.log("instructions: no valgrind, skipped");
  const files = process.argv.slice(2);
  if (!files.length) files.push(path.join(__dirname, "..", "dist", "mqtt_as.js"));
  for (const load of ["Storage", "RAM"]) {
    for (const mode of MODES) {
      const counts = [];
      for (const file of files) {
        const source = fs.readFileSync(file, "utf8");
        const none = await instructions(esp32.binary, source, load, program(mode, 0));
        const some = await instructions(esp32.binary, source, load, program(mode, N));
        counts.push(`${path.basename(file)} ${Math.round((some - none) / N).toLocaleString("en")}`);
      }
      console.log(`instructions espruino-esp32 ${load} ${mode}: ${counts.join(", ")} a call`);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
