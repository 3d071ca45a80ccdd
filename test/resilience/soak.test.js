// A soak of 100,000 messages through Mosquitto in a child process run with --expose-gc: the
// heap after a forced GC ends where it began, within 2 MB. The first heap reading is taken
// after a warm-up of 5,000 messages, so that code compiled and buffers sized once do not
// count as growth.
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { startMosquitto } = require("../helpers/brokers.js");

const TOTAL = 100000;
const MARGIN = 2 * 1024 * 1024;

test(`a soak of ${TOTAL} messages: heap after GC grows less than 2 MB`, { timeout: 90000 }, async (t) => {
  const broker = await startMosquitto();
  if (!broker) return t.skip("mosquitto not installed");
  t.after(() => broker.close());
  const child = spawn(process.execPath, ["--expose-gc", path.join(__dirname, "fixtures", "soak-child.js"), String(broker.port), String(TOTAL)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const killer = setTimeout(() => child.kill("SIGKILL"), 80000);
  const code = await new Promise((resolve) => child.on("exit", resolve));
  clearTimeout(killer);
  assert.equal(code, 0, `child exited with ${code}: ${out} ${err}`);
  const report = JSON.parse(out.trim().split("\n").pop());
  t.diagnostic(
    `soak: ${report.sent} msgs in ${report.seconds} s (${report.rate} msg/s); heap ${(report.before / 1048576).toFixed(2)} MB -> ${(report.after / 1048576).toFixed(2)} MB`
  );
  assert.equal(report.sent, TOTAL);
  assert.equal(report.received, TOTAL, "every message came back");
  assert.deepEqual(report.downs, []);
  assert.ok(report.after - report.before < MARGIN, `heap grew by ${report.after - report.before} bytes`);
});
