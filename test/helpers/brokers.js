// Real brokers for the tests: Aedes in-process (always), Mosquitto when installed.
"use strict";
const net = require("node:net");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn, spawnSync } = require("node:child_process");

/** Starts Aedes on a free loopback port; returns { port, aedes, close() }. */
async function startAedes(options = {}) {
  const { Aedes } = require("aedes");
  const aedes = await Aedes.createBroker(options);
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    name: "aedes",
    host: "127.0.0.1",
    port: server.address().port,
    aedes,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      await new Promise((resolve) => aedes.close(resolve));
    },
  };
}

function mosquittoPath() {
  for (const candidate of ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  const which = spawnSync("sh", ["-c", "command -v mosquitto"], { encoding: "utf8" });
  return which.status === 0 ? which.stdout.trim() : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect({ host: "127.0.0.1", port }, () => {
        socket.destroy();
        resolve();
      });
      socket.on("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on port ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/**
 * Starts Mosquitto on a free loopback port with a generated config; null when it is not
 * installed. `extra` lines are appended to the config (TLS listeners, for example).
 * Returns { port, stop(), start(), close() }: stop/start keep the port, for restart tests.
 */
async function startMosquitto({ extra = [], port } = {}) {
  const binary = mosquittoPath();
  if (!binary) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mosquitto-"));
  port = port || (await freePort());
  const conf = path.join(dir, "mosquitto.conf");
  fs.writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous true",
      "persistence false",
      "max_inflight_messages 0",
      "max_queued_messages 100000",
      "message_size_limit 0",
      ...extra,
      "",
    ].join("\n")
  );
  let child = null;
  const broker = {
    name: "mosquitto",
    host: "127.0.0.1",
    port,
    dir,
    async start() {
      child = spawn(binary, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      const exited = new Promise((_, reject) =>
        child.once("exit", (code) => reject(new Error(`mosquitto exited (${code}): ${stderr}`)))
      );
      exited.catch(() => {});
      await Promise.race([waitForPort(port), exited]);
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const done = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await done;
      child = null;
    },
    pause() {
      child.kill("SIGSTOP");
    },
    resume() {
      child.kill("SIGCONT");
    },
    async close() {
      if (child) child.kill("SIGCONT");
      await broker.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}

module.exports = { startAedes, startMosquitto, mosquittoPath, freePort, waitForPort };
