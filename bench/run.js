#!/usr/bin/env node
// Runs the benchmarks in order, each in its own process with inherited stdio:
// bench/codec.js (skipped if absent), bench/client.js, bench/footprint.js, bench/board.js,
// bench/per-call.js, bench/store.js, bench/durable.js, bench/sleep-cycle.js and
// bench/instructions.js (if present).
// Exits non-zero as soon as one fails.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const steps = [
  { file: "codec.js", optional: true },
  { file: "client.js", optional: false },
  { file: "footprint.js", optional: true },
  { file: "board.js", optional: true },
  { file: "per-call.js", optional: true },
  { file: "store.js", optional: true },
  { file: "durable.js", optional: true },
  { file: "sleep-cycle.js", optional: true },
  { file: "instructions.js", optional: true },
];

for (const step of steps) {
  const file = path.join(__dirname, step.file);
  if (!fs.existsSync(file)) {
    if (step.optional) {
      console.log(`bench/run.js: bench/${step.file} not found, skipped`);
      continue;
    }
    console.error(`bench/run.js: bench/${step.file} is missing`);
    process.exit(1);
  }
  const result = spawnSync(process.execPath, [file], { stdio: "inherit", cwd: path.join(__dirname, "..") });
  if (result.error) {
    console.error(`bench/run.js: bench/${step.file} could not run: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(`bench/run.js: bench/${step.file} failed (${result.signal || `exit ${result.status}`})`);
    process.exit(result.status || 1);
  }
}
