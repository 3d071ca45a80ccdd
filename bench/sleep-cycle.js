#!/usr/bin/env node
// The board's low-power mode: how long a wake keeps the board awake, on the Espruino
// interpreters built for Linux in ESPRUINO_DIR (default ../shared/espruino), against one
// Mosquitto started here (Aedes in this process when Mosquitto is missing). dist/board.js and
// the module flash-store are in the interpreter's Storage, as on a board; each wake is a new
// run of the interpreter on the same flash (a wake from deep sleep is a reset), with a
// stand-in WiFi that joins in 20 ms and a stand-in ESP32.deepSleep that reports the seconds
// since the program began: loading the application from Storage, opening the store, MQTT
// connect, subscribe, the heartbeat at QoS 1 through the store, flushed(), disconnect.
//   up      the broker there: the whole wake
//   down    nothing listens on the port: the wake gives up at once
// Lines read `sleep-cycle <interpreter> <case>: awake p50 x.xx s, p95 y.yy s (n wakes)`.
// SLEEP_CYCLE_WAKES sets the number of wakes (default 20). It only reports.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startMosquitto, startAedes, freePort } = require("../test/helpers/brokers.js");
const { ROOT, SETTINGS, boardProgram, sleepPrelude, startWake } = require("../test/board/helpers.js");
const { interpreters } = require("./espruino.js");

const WAKES = Number(process.env.SLEEP_CYCLE_WAKES) || 20;
const AWAKE = 10; // the deadline, seconds: well above what a wake takes here

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const found = interpreters();
  if (!found.length) {
    console.log("sleep-cycle: no Espruino interpreter found (ESPRUINO_DIR), skipped");
    return;
  }
  for (const file of ["board.js", "flash-store.js"]) {
    if (!fs.existsSync(path.join(ROOT, "dist", file))) throw new Error(`dist/${file} is missing: run \`npm run build\` first`);
  }
  const broker = (await startMosquitto()) || (await startAedes());
  const refused = await freePort();
  try {
    for (const { name, binary } of found) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-sleep-"));
      try {
        boardProgram(dir, "", { "flash-store": fs.readFileSync(path.join(ROOT, "dist", "flash-store.js"), "utf8") }, binary);
        for (const [label, port, count] of [["up", broker.port, WAKES], ["down", refused, Math.ceil(WAKES / 4)]]) {
          const settings = { ...SETTINGS, port, sleep: 60, awake: AWAKE };
          const times = [];
          for (let i = 0; i < count; i++) {
            const run = await startWake(dir, sleepPrelude(settings, true), (AWAKE + 20) * 1000, binary).done;
            if (run.elapsed === null) throw new Error(`${name} ${label}: the wake never slept:\n` + run.out.slice(-1500));
            times.push(run.elapsed);
          }
          times.sort((a, b) => a - b);
          const p50 = percentile(times, 50).toFixed(2);
          const p95 = percentile(times, 95).toFixed(2);
          console.log(`sleep-cycle ${name} ${label}: awake p50 ${p50} s, p95 ${p95} s (${count} wakes)`);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await broker.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
