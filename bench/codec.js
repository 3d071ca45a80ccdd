"use strict";
// Our codec vs mqtt-packet: generating and parsing QoS 0 PUBLISH packets, 64 B and 1 KB
// payloads. Run `npx tsc -p tsconfig.json` first. Each case is warmed up, then the two
// codecs alternate in short slices until each has run about one second, so that machine
// noise falls on both alike. Prints one line per case: ours, mqtt-packet, ratio.
const mqttPacket = require("mqtt-packet");
const { encodePublish } = require("../build/codec/encode-client.js");
const { PacketParser } = require("../build/codec/parser.js");
const { clientDecoders } = require("../build/codec/decode-client.js");

const TOPIC = "bench/topic";
const BATCH = 100; // packets per parse chunk
const SLICE_MS = 50;
const TOTAL_MS = Number(process.env.BENCH_MS) || 1000;

function payloadOf(size) {
  const p = new Uint8Array(size);
  for (let i = 0; i < size; i++) p[i] = (i * 31) & 255;
  return p;
}

/** Runs `fn` (which does `ops` operations per call) for about `ms`; returns [ops, ns]. */
function runFor(fn, ops, ms) {
  let done = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(ms * 1e6);
  let now = start;
  while (now < until) {
    for (let i = 0; i < 10; i++) fn();
    done += 10 * ops;
    now = process.hrtime.bigint();
  }
  return [done, Number(now - start)];
}

function compare(label, ours, theirs, ops) {
  runFor(ours, ops, 200); // warm up both
  runFor(theirs, ops, 200);
  const total = { ours: [0, 0], theirs: [0, 0] };
  for (let t = 0; t < TOTAL_MS; t += SLICE_MS) {
    const order = (t / SLICE_MS) % 2 === 0 ? ["ours", "theirs"] : ["theirs", "ours"];
    for (const who of order) {
      const [n, ns] = runFor(who === "ours" ? ours : theirs, ops, SLICE_MS);
      total[who][0] += n;
      total[who][1] += ns;
    }
  }
  const rate = (x) => (x[0] / x[1]) * 1e3; // ops per ns * 1e3 = Mops/s
  const a = rate(total.ours);
  const b = rate(total.theirs);
  console.log(`codec ${label}: ours ${a.toFixed(2)} Mops/s, mqtt-packet ${b.toFixed(2)} Mops/s, ratio ${(a / b).toFixed(2)}`);
}

let sink = 0; // keeps results alive so nothing is optimised away

for (const [name, size] of [["64B", 64], ["1KB", 1024]]) {
  const payload = payloadOf(size);
  const payloadBuffer = Buffer.from(payload);
  const ourPacket = { type: 3, dup: false, qos: 0, retain: false, topicName: TOPIC, payload };
  const theirPacket = { cmd: "publish", topic: TOPIC, payload: payloadBuffer, qos: 0, dup: false, retain: false };

  // Same bytes for both parsers: 100 packets in one chunk (a Buffer is a Uint8Array).
  const one = encodePublish(ourPacket);
  if (!one.every((x, i) => x === mqttPacket.generate(theirPacket)[i])) throw new Error("codecs disagree");
  const chunk = Buffer.alloc(one.length * BATCH);
  for (let i = 0; i < BATCH; i++) chunk.set(one, i * one.length);

  let count = 0;
  const ourParser = new PacketParser(clientDecoders, 0, (p) => { count++; sink += p.payload.length; });
  const theirParser = mqttPacket.parser({ protocolVersion: 4 });
  theirParser.on("packet", (p) => { count++; sink += p.payload.length; });
  theirParser.on("error", (e) => { throw e; });

  compare(`parse publish ${name}`, () => ourParser.push(chunk), () => theirParser.parse(chunk), BATCH);
  compare(
    `generate publish ${name}`,
    () => { sink += encodePublish(ourPacket).length; },
    () => { sink += mqttPacket.generate(theirPacket).length; },
    1,
  );
  if (count === 0) throw new Error("nothing parsed");
}
if (sink === 0) console.log("");
