"use strict";
// No timer left behind: under the fake clock, nothing more is written after disconnect() or
// a drop; and a real client in a child process lets that process exit by itself.
const { test, mock } = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { makeClient, connectUp, advance, track, flush, T } = require("./helpers.js");
const { startAedes } = require("../helpers/brokers.js");

function fakeClock(t) {
  mock.timers.enable({ apis: ["setInterval", "setTimeout"] });
  t.after(() => mock.timers.reset());
}

test("after disconnect(), advancing the clock writes nothing more", async (t) => {
  fakeClock(t);
  const { client, broker } = makeClient({ keepalive: 2, maxRepubs: 3 });
  await connectUp(client, broker);
  track(client.publish("t", "x", false, 1));
  await flush();
  await client.disconnect();
  broker.take();
  const writes = broker.writes.length;
  await advance(60000, 250);
  assert.equal(broker.writes.length, writes);
  assert.equal(broker.writesAfterClose, 0);
  assert.equal(broker.transportCalls, 1);
});

test("after a drop, advancing the clock writes nothing more", async (t) => {
  fakeClock(t);
  const { client, broker } = makeClient({ keepalive: 2, maxRepubs: 3 });
  await connectUp(client, broker);
  track(client.publish("t", "x", false, 1));
  await flush();
  broker.drop();
  await flush();
  const writes = broker.writes.length;
  await advance(60000, 250);
  assert.equal(broker.writes.length, writes);
  assert.equal(broker.writesAfterClose, 0);
});

test("after a drop under a persistent session, advancing the clock writes nothing and the publish waits", async (t) => {
  fakeClock(t);
  const { client, broker } = makeClient({ keepalive: 2, maxRepubs: 3 });
  await connectUp(client, broker, { clean: false });
  const p = track(client.publish("t", "x", false, 1));
  await flush();
  broker.drop();
  await flush();
  const writes = broker.writes.length;
  await advance(60000, 250);
  assert.equal(broker.writes.length, writes);
  assert.equal(p.state, "pending", "no TIMEOUT while offline");
  await client.disconnect();
  await flush();
  assert.equal(p.state, "rejected");
  assert.equal(p.error.code, "CLOSED");
});

test("after a keepalive TIMEOUT drop, advancing the clock writes nothing more", async (t) => {
  fakeClock(t);
  const { client, broker } = makeClient({ keepalive: 2 });
  await connectUp(client, broker);
  await advance(3000, 250);
  assert.equal(client.up.isSet(), false);
  const writes = broker.writes.length;
  await advance(60000, 250);
  assert.equal(broker.writes.length, writes);
});

function runChild(script, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve({ timedOut: true, stdout, stderr });
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ timedOut: false, code, stdout, stderr });
    });
  });
}

const index = JSON.stringify(path.resolve(__dirname, "../../build/index.js"));

test("a real client that connects, publishes and disconnects lets its process exit by itself", async (t) => {
  const broker = await startAedes();
  t.after(() => broker.close());
  const script = `
    const { MQTTClient } = require(${index});
    const client = new MQTTClient({ server: "127.0.0.1", port: ${broker.port}, keepalive: 60, clientId: "exit-test" });
    client.connect()
      .then(() => client.subscribe("exit/test", 1))
      .then(() => client.publish("exit/test", "bye", false, 1))
      .then(() => client.publish("exit/test", "bye", false, 0))
      .then(() => client.disconnect())
      .then(() => console.log("done"), (e) => { console.log("failed", e.code, e.message); process.exitCode = 1; });
  `;
  const result = await runChild(script, 5000);
  assert.equal(result.timedOut, false, "the child process did not exit by itself: " + result.stdout + result.stderr);
  assert.equal(result.stdout.trim(), "done", result.stderr);
  assert.equal(result.code, 0);
});

test("a real client whose connection is refused lets its process exit by itself", async () => {
  // A port nothing listens on: take a free one from a server we close at once.
  const net = require("node:net");
  const server = net.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  await new Promise((r) => server.close(r));
  const script = `
    const { MQTTClient } = require(${index});
    const client = new MQTTClient({ server: "127.0.0.1", port: ${port}, keepalive: 60 });
    client.connect().then(() => console.log("connected?"), (e) => console.log("rejected", e.code));
  `;
  const result = await runChild(script, 5000);
  assert.equal(result.timedOut, false, "the child process did not exit by itself");
  assert.equal(result.stdout.trim(), "rejected CLOSED", result.stderr);
});
