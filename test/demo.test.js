"use strict";
// demo.js (`npm start`): the tour runs against its in-process Aedes broker, and a failure is
// printed in words with its cause (it printed "demo failed: CLOSED CLOSED" for a refused port).
const test = require("node:test");
const assert = require("node:assert/strict");
const net = require("node:net");
const path = require("node:path");
const { spawn } = require("node:child_process");

const ROOT = path.join(__dirname, "..");

function runDemo(env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["demo.js"], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test("the demo runs its tour against Aedes and exits 0", { timeout: 30000 }, async () => {
  const r = await runDemo({ MQTT_URL: "" }); // empty: the demo starts its own broker
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const qos of [0, 1, 2]) assert.match(r.stdout, new RegExp(`received demo/qos${qos} "hello at QoS ${qos}"`));
  assert.match(r.stdout, /^disconnected$/m);
});

test("a refused connection: the demo says so in words, with the cause, and exits 1", { timeout: 30000 }, async () => {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  await new Promise((r) => server.close(r));
  const r = await runDemo({ MQTT_URL: `mqtt://127.0.0.1:${port}` });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const line = r.stderr.trim();
  assert.match(line, /^demo failed: /);
  assert.match(line, /ECONNREFUSED/, "the cause's message");
  assert.doesNotMatch(line, /\b(\w+) \1\b/, "no word twice in a row");
});
