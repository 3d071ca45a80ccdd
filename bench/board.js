#!/usr/bin/env node
// The board benchmark: our bundle (dist/mqtt_as.js) beside Espruino's own MQTT module
// (minified like footprint.js minifies it), on the Espruino interpreters built for Linux in
// ESPRUINO_DIR (default ../shared/espruino), against one Mosquitto started here (Aedes in
// this process when Mosquitto is missing). Every scenario runs in a fresh interpreter
// process, ours then the module's, each loaded from Storage as the README tells users to
// (its code then stays in flash), 64-byte ASCII payloads:
//   burst-N   N un-awaited QoS 0 publishes in one tick; a Node subscriber counts what the
//             broker got; then one QoS 1 publish to a subscribed topic must come back. Ours
//             are counted by their promises without a then() each, which would cost the
//             program about 20 JsVars a publish: consecutive publishes that return the same
//             promise (QoS 0 waiting for a drain, or one refusal) share one then()
//   qos1-100  100 un-awaited QoS 1 publishes, each with its own then(ok, fail)
//   echo-*    self-echo: paced (batches of 20, each waiting for its echoes) and unpaced
//             (one burst), msg/s from the first publish to the last echo
// Lines read `board <interpreter> <scenario>: ours ..., MQTT ..., ratio x.xx; target ...`.
// It only reports: it exits 0 when ours misses a target (the tests assert correctness).
// BENCH_JSON=file also writes every result as JSON.
"use strict";
const fs = require("node:fs");
const mqtt = require("mqtt");
const { startMosquitto, startAedes } = require("../test/helpers/brokers.js");
const { espruinoDir, modulesDir, interpreters, peerSource, oursSource, runEspruino, resultLine, trouble } = require("./espruino.js");

const PAYLOAD = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"; // 64 ASCII bytes
const RUN_TIMEOUT_MS = 40000; // the programs' own deadlines are shorter: this only catches hangs
const VERBOSE = !!process.env.BENCH_VERBOSE; // the tail of every interpreter's output, on stderr
const ONLY = process.env.BENCH_BOARD_ONLY; // runs only "<interpreter> <scenario>" lines containing it
const LOAD_RAM = process.env.BENCH_LOAD === "ram"; // both libraries into RAM instead of Storage

// What each interpreter runs; c3 numbers are smaller because its heap is a quarter of esp32's.
const PLAN = {
  "espruino-esp32": { bursts: [1000, 5000], paced: 300, unpaced: 300 },
  "espruino-esp32c3": { bursts: [300, 1000], paced: 100, unpaced: 50 },
};
const QOS1_COUNT = 100;
const ECHO_BATCH = 20;

// ---- the programs (ES5, for the interpreter) ----

/**
 * How each library is set up and called on the interpreter. `publish` is an expression put
 * straight into the hot loops, so that neither library pays for a wrapper there.
 */
const LIBS = {
  ours: {
    setup: (source, broker, id) =>
      `var m=require("mqtt_as");` +
      `var c=new m.MQTTClient({server:${JSON.stringify(broker.host)},port:${broker.port},clientId:"${id}",keepalive:0});` +
      `function connect(done){c.connect().then(function(){done();},function(e){finish({error:"connect "+e.code});});}` +
      `function subscribe(t,q,done){c.subscribe(t,q).then(function(){done();},function(e){finish({error:"subscribe "+e.code});});}` +
      `c.on("msg",onMsg);`,
    // The promise is not kept: only its outcome is counted.
    publish: (topic, qos) => `c.publish(${topic},PAYLOAD,false,${qos}).then(ok,fail)`,
    // The same, with one then() for a run of publishes that returned the same promise.
    count: (topic) => `countOutcome(c.publish(${topic},PAYLOAD,false,0))`,
  },
  MQTT: {
    setup: (source, broker, id) =>
      `var mq=require("MQTT").create(${JSON.stringify(broker.host)},{port:${broker.port},client_id:"${id}",keep_alive:0});` +
      `var Q0={qos:0},Q1={qos:1};` + // the options objects built once, as a careful user would
      `function connect(done){mq.on("connected",done);mq.on("error",function(e){finish({error:"module "+e});});mq.connect();}` +
      `function subscribe(t,q,done){mq.on("subscribed",function s(){mq.removeListener("subscribed",s);done();});mq.subscribe(t,{qos:q});}` +
      `mq.on("message",onMsg);mq.on("puback",ok);`,
    // It has no outcome to count; its PUBACKs are counted through the "puback" event.
    publish: (topic, qos) => `mq.publish(${topic},PAYLOAD,Q${qos})`,
  },
};

/**
 * What every program shares: counters, the RESULT line, and waitQuiet(), which calls back
 * once `done()` holds or `progress()` has not moved for quietMs, or after capMs at most.
 * The program's deadline ends it even when everything else failed.
 */
function prelude(deadlineMs) {
  return `var PAYLOAD=${JSON.stringify(PAYLOAD)};var okN=0,refusedN=0,refused={},issued=0,echoes=0,echoTopic=null,rtTopic=null,rtGot=0,t0=0,tLast=0;
function ok(){okN++;}
function fail(e){var k=e&&e.code!==undefined?String(e.code):"no code: "+e;refused[k]=(refused[k]||0)+1;refusedN++;}
var lastPromise=null,lastRun=null;
function countOutcome(p){if(p!==lastPromise){lastPromise=p;var run=lastRun={n:0};
p.then(function(){okN+=run.n;},function(e){var k=e&&e.code!==undefined?String(e.code):"no code: "+e;refused[k]=(refused[k]||0)+run.n;refusedN+=run.n;});}
lastRun.n++;}
function onMsg(t){if(t===echoTopic){echoes++;tLast=getTime();if(onEcho)onEcho();}else if(t===rtTopic)rtGot++;}
var onEcho=null,finished=false;
function finish(o){if(finished)return;finished=true;o.issued=issued;o.ok=okN;o.refused=refused;o.refusedN=refusedN;
o.flags=E.getErrorFlags();o.free=process.memory().free;print("RESULT "+JSON.stringify(o));quit();}
setTimeout(function(){finish({error:"deadline"});},${deadlineMs});
function waitQuiet(progress,done,quietMs,capMs,then){var last=-1,since=getTime(),start=since;
var iv=setInterval(function(){var p=progress(),now=getTime();if(p!==last){last=p;since=now;}
if(done()||(now-since)*1000>=quietMs||(now-start)*1000>=capMs){clearInterval(iv);then(done());}},50);}
`;
}

/** A QoS 1 publish to the subscribed topic rtTopic must come back within 5 s. */
function roundTrip(lib) {
  const outcome =
    lib === "ours"
      ? `c.publish(rtTopic,PAYLOAD,false,1).then(function(){rt.acked=true;},function(e){rt.code=String(e.code);});`
      : `mq.publish(rtTopic,PAYLOAD,Q1);`;
  return `function roundTrip(o){var rt=o.rt={};var before=rtGot;${outcome}
waitQuiet(function(){return 0;},function(){return rtGot>before;},5000,5000,function(back){rt.back=back;finish(o);});}`;
}

/**
 * The watch (waitQuiet) starts before the burst, which runs in a tick of its own: running out
 * of memory interrupts only that tick, and `issued` then says how far it got. The module has
 * no outcome per publish: its burst is over when its socket reports 'drain'.
 */
function burstProgram(lib, source, broker, id, topic, n) {
  return (
    prelude(30000) +
    LIBS[lib].setup(source, broker, id) +
    roundTrip(lib) +
    `rtTopic=${JSON.stringify(topic + "/rt")};
connect(function(){subscribe(rtTopic,1,function(){
var loopDone=false,drains=0;if(typeof mq!=="undefined")mq.client.on("drain",function(){drains++;});
setTimeout(function(){var T=${JSON.stringify(topic)};drains=0;var s=getTime();
for(issued=0;issued<${n};issued++)${(LIBS[lib].count || LIBS[lib].publish)("T", 0)};lastPromise=null;loopDone=getTime()-s;},0);
waitQuiet(function(){return okN+refusedN+drains+issued;},function(){return loopDone!==false&&(${lib === "ours" ? `okN+refusedN>=${n}` : "drains>0"});},1500,20000,
function(){roundTrip({loopSeconds:loopDone});});});});
`
  );
}

function qos1Program(lib, source, broker, id, topic) {
  const settled = lib === "ours" ? "okN+refusedN" : "okN"; // the module: PUBACKs
  return (
    prelude(25000) +
    LIBS[lib].setup(source, broker, id) +
    `connect(function(){setTimeout(function(){var T=${JSON.stringify(topic)};
for(issued=0;issued<${QOS1_COUNT};issued++)${LIBS[lib].publish("T", 1)};},0);
waitQuiet(function(){return ${settled};},function(){return ${settled}>=${QOS1_COUNT};},3000,15000,function(){finish({settled:${settled}});});});
`
  );
}

/**
 * Paced: batches of ECHO_BATCH, the next once every publish of the batch has echoed or been
 * refused (a refusal has no echo to wait for; checked on each echo and on each poll, since a
 * refusal is counted on a later tick); unpaced: all at once.
 */
function echoProgram(lib, source, broker, id, topic, total, paced) {
  const batch = paced ? ECHO_BATCH : total;
  return (
    prelude(30000) +
    LIBS[lib].setup(source, broker, id) +
    `echoTopic=${JSON.stringify(topic)};var total=${total};
function send(){var n=Math.min(${batch},total-issued);for(var i=0;i<n;i++){issued++;${LIBS[lib].publish("echoTopic", 0)};}}
connect(function(){subscribe(echoTopic,0,function(){
onEcho=function(){if(t0&&echoes+refusedN>=issued&&issued<total)send();};
setTimeout(function(){t0=getTime();send();},0);
waitQuiet(function(){onEcho();return echoes+refusedN;},function(){return echoes>=total;},3000,25000,function(){
var s=tLast-t0;finish({echoes:echoes,seconds:s,rate:echoes>=total&&s>0?total/s:null});});});});
`
  );
}

// ---- Node's side ----

/** A subscriber on the broker that counts, per topic, what reached it. */
async function counter(broker) {
  const client = await mqtt.connectAsync({ host: broker.host, port: broker.port, clientId: `board-count-${process.pid}`, reconnectPeriod: 0 });
  const counts = new Map();
  client.on("message", (topic) => counts.set(topic, (counts.get(topic) || 0) + 1));
  await client.subscribeAsync("board/#", { qos: 1 });
  return {
    /** Waits until `topic`'s count has not moved for 500 ms (3 s at most): the broker may still be forwarding. */
    async settle(topic) {
      const start = Date.now();
      let last = -1;
      let since = Date.now();
      while (Date.now() - since < 500 && Date.now() - start < 3000) {
        if (counts.get(topic) !== last) {
          last = counts.get(topic);
          since = Date.now();
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return counts.get(topic) || 0;
    },
    close: () => client.endAsync(),
  };
}

let runs = 0;

/** One program on one interpreter: the RESULT (or what stopped it) and what the broker forwarded. */
async function measure(ctx, lib, make) {
  const id = `bb${process.pid % 1000}x${++runs}`;
  const topic = `board/${id}`;
  const name = JSON.stringify(lib === "ours" ? "mqtt_as" : "MQTT");
  const source = JSON.stringify(ctx.sources[lib]);
  // From Storage, or with BENCH_LOAD=ram into RAM ahead of the program as the Web IDE sends a
  // module it fetches ("Modules uploaded as functions": the code is held once, as the
  // function's text). From flash the code is read again at every call, ten times slower.
  const program = make(lib, ctx.sources[lib], ctx.broker, id, topic);
  const run = LOAD_RAM
    ? await runEspruino(ctx.binary, `Modules.addCached(${name},function(){${ctx.sources[lib]}\n});` + program, { timeoutMs: RUN_TIMEOUT_MS })
    : await runEspruino(ctx.binary, program, { timeoutMs: RUN_TIMEOUT_MS, setup: [`require("Storage").write(${name},${source});quit();`] });
  if (VERBOSE) process.stderr.write(`--- ${ctx.name} ${lib} ${id} (${run.ms} ms, exit ${run.code}) ---\n${run.output.slice(-1500)}\n`);
  const result = resultLine(run.output) || { error: "no RESULT line" };
  const oom = run.oom || (result.flags || []).includes("MEMORY");
  return Object.assign(result, {
    delivered: await ctx.counter.settle(topic),
    oom,
    trouble: [trouble(run), result.error].filter(Boolean).join(", "),
    runMs: run.ms,
  });
}

const yesNo = (b) => (b ? "yes" : "no");
const verdict = (met) => (met ? "met" : "NOT met");
const ratio = (a, b) => (a > 0 && b > 0 ? (a / b).toFixed(2) : "n/a");
const codes = (r) => Object.keys(r.refused || {}).map((k) => `${k} ${r.refused[k]}`).join(" ") || "none";
const issued = (r) => (r.issued === undefined ? "?" : r.issued); // unknown when the program printed no result
const note = (r) => (r.trouble ? `; ${r.trouble}` : "");
// The synchronous loop's time per publish() call, when the loop ran to its end.
const loop = (r) => (r.loopSeconds ? `${Math.round((r.loopSeconds * 1e6) / r.issued)} us a call, ` : "");

function burstLine(name, n, ours, theirs) {
  const rt = ours.rt;
  const rtText = !rt ? "not tried" : rt.back ? "works" : `fails (${rt.code ? `publish ${rt.code}` : rt.acked ? "acked, not received" : "no answer"})`;
  const accounted = ours.delivered + (ours.refusedN || 0);
  const met = n === PLAN[name].bursts[0]
    ? ours.delivered === n && !ours.oom
    : !ours.oom && accounted >= n && ours.issued >= n && !!(rt && rt.back);
  const target = n === PLAN[name].bursts[0]
    ? `all ${n} delivered`
    : `no OOM, every publish delivered or refused with a code, then a QoS 1 round trip works`;
  const text =
    `board ${name} burst-${n}: ours delivered ${ours.delivered}/${n} (issued ${issued(ours)}, ${loop(ours)}refused ${codes(ours)}, ` +
    `OOM ${yesNo(ours.oom)}, QoS 1 round trip ${rtText}${note(ours)}), ` +
    `MQTT delivered ${theirs.delivered}/${n} (issued ${issued(theirs)}, ${loop(theirs)}OOM ${yesNo(theirs.oom)}${note(theirs)}), ` +
    `ratio ${ratio(ours.delivered, theirs.delivered)}; target ${target}: ${verdict(met)}`;
  return { text, met };
}

function qos1Line(name, ours, theirs) {
  const unsettled = QOS1_COUNT - (ours.settled || 0);
  const met = unsettled === 0 && !ours.oom;
  const text =
    `board ${name} qos1-${QOS1_COUNT}: ours settled ${ours.settled || 0}/${QOS1_COUNT} (ok ${ours.ok || 0}, refused ${codes(ours)}, ` +
    `unsettled ${unsettled}, OOM ${yesNo(ours.oom)}, delivered ${ours.delivered}${note(ours)}), ` +
    `MQTT delivered ${theirs.delivered}/${QOS1_COUNT} (PUBACKs ${theirs.ok || 0}, OOM ${yesNo(theirs.oom)}${note(theirs)}), ` +
    `ratio ${ratio(ours.delivered, theirs.delivered)}; target all ${QOS1_COUNT} settle: ${verdict(met)}`;
  return { text, met };
}

function echoLine(name, label, total, ours, theirs) {
  const rate = (r) =>
    (r.rate ? `${Math.round(r.rate)} msg/s` : `incomplete, ${r.echoes || 0}/${total} echoed`) +
    (r.refusedN ? ` (refused ${codes(r)})` : "");
  const x = ours.rate && theirs.rate ? ours.rate / theirs.rate : null;
  const met = !!x && x >= 1;
  const text =
    `board ${name} ${label}-${total}: ours ${rate(ours)}${note(ours)}, MQTT ${rate(theirs)}${note(theirs)}, ` +
    `ratio ${x ? x.toFixed(2) : "n/a"}; target ratio >= 1.0 (aim 1.5): ${verdict(met)}`;
  return { text, met };
}

/** Runs `make` for ours and for the module, one after the other, each in its own process. */
async function pair(ctx, make) {
  const ours = await measure(ctx, "ours", make);
  const theirs = await measure(ctx, "MQTT", make);
  return { ours, MQTT: theirs };
}

async function onInterpreter(ctx, results) {
  const { name } = ctx;
  const plan = PLAN[name];
  const scenario = async (label, make, line) => {
    if (ONLY && !`${name} ${label}`.includes(ONLY)) return;
    const r = await pair(ctx, make);
    const { text, met } = line(r.ours, r.MQTT);
    results.push(Object.assign({ interpreter: name, scenario: label, met, line: text }, r));
    console.log(text);
  };
  for (const n of plan.bursts) {
    await scenario(`burst-${n}`, (lib, src, b, id, t) => burstProgram(lib, src, b, id, t, n), (o, m) => burstLine(name, n, o, m));
  }
  await scenario(`qos1-${QOS1_COUNT}`, qos1Program, (o, m) => qos1Line(name, o, m));
  for (const [label, total, paced] of [["echo-paced", plan.paced, true], ["echo-unpaced", plan.unpaced, false]]) {
    await scenario(
      `${label}-${total}`,
      (lib, src, b, id, t) => echoProgram(lib, src, b, id, t, total, paced),
      (o, m) => echoLine(name, label, total, o, m)
    );
  }
}

async function main() {
  const dir = espruinoDir();
  const found = interpreters(dir);
  if (!found.length) return console.log("board: not run (no Espruino interpreters: set ESPRUINO_DIR or provide ../shared/espruino)");
  const peer = await peerSource("MQTT", modulesDir());
  if (!peer) return console.log(`board: not run (no MQTT.js in ${modulesDir()}: set ESPRUINO_MODULES)`);
  let broker = await startMosquitto();
  if (!broker) {
    broker = await startAedes();
    console.log("board: Mosquitto is not installed, measuring against Aedes in this process (slower, and it shares this CPU)");
  }
  const count = await counter(broker);
  const results = [];
  try {
    const sources = { ours: oursSource(), MQTT: peer };
    console.log(`board: ${broker.name} broker, 64-byte QoS 0 payloads unless said, ours ${sources.ours.length} B, MQTT ${peer.length} B (minified), both loaded ${LOAD_RAM ? "into RAM" : "from Storage"}, each scenario in a fresh interpreter`);
    for (const { name, binary } of found) await onInterpreter({ name, binary, broker, counter: count, sources }, results);
  } finally {
    await count.close();
    await broker.close();
  }
  if (process.env.BENCH_JSON) fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify({ broker: broker.name, results }, null, 2) + "\n");
}

main().catch((error) => {
  // A benchmark reports; it fails only when it could not run at all.
  console.error(error);
  process.exitCode = 1;
});
