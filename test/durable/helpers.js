"use strict";
// What the SIGKILL tests of durable sessions share: a seeded generator, and the check of what
// arrived against what resolved.
const assert = require("node:assert/strict");
const { spawn } = require("node:child_process");

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A seeded generator, so that a failing run can be repeated (DURABLE_SEED=...). */
function random(seed) {
  let x = seed >>> 0 || 1;
  return () => ((x = (x * 1103515245 + 12345) >>> 0) / 0x100000000);
}

/**
 * Every number whose publish() resolved arrived; odd numbers went at QoS 1 (at least once),
 * even ones at QoS 2 (exactly once); each QoS in order of first arrival.
 */
function checkArrivals(resolved, arrivals, seed) {
  assert.deepEqual([...resolved].filter((n) => !arrivals.includes(n)), [], `every resolved publish arrived (seed ${seed})`);
  for (const qos of [1, 2]) {
    const ofQos = arrivals.filter((n) => (n % 2 ? 1 : 2) === qos);
    const firsts = ofQos.filter((n, i) => ofQos.indexOf(n) === i);
    assert.deepEqual(firsts, [...firsts].sort((a, b) => a - b), `QoS ${qos} in order of first arrival (seed ${seed})`);
    if (qos === 2) assert.deepEqual(ofQos.filter((n, i) => ofQos.indexOf(n) !== i), [], `QoS 2 exactly once (seed ${seed})`);
  }
}

/** Waits until every resolved number arrived, or `ms` passed. */
async function settle(resolved, arrivals, ms) {
  const deadline = Date.now() + ms;
  while ([...resolved].some((n) => !arrivals.includes(n)) && Date.now() < deadline) await sleep(50);
}

/** Starts `command` with `args`; calls onLine for each line it prints (stdout, and stderr
 *  where piped). `exited` resolves with { code, signal, output }. */
function spawnLines(command, args, options, onLine) {
  const child = spawn(command, args, options);
  let buffer = "";
  let output = "";
  const take = (chunk) => {
    output += chunk.toString("latin1");
    buffer += chunk.toString("latin1");
    let at;
    while ((at = buffer.indexOf("\n")) >= 0) {
      onLine(buffer.slice(0, at).trim());
      buffer = buffer.slice(at + 1);
    }
  };
  child.stdout.on("data", take);
  if (child.stderr) child.stderr.on("data", take);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, output })));
  return { child, exited };
}

module.exports = { sleep, random, checkArrivals, settle, spawnLines };
