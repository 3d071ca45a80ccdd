// Shared by the integration suites: run one scenario against each real broker, make clients
// of the built bundle (the file that goes to the board), collect what they receive, and
// clean up so that the test process exits by itself.
"use strict";
const { test } = require("node:test");
const net = require("node:net");
const { startAedes, startMosquitto, mosquittoPath } = require("../helpers/brokers.js");
const { MQTTClient } = require("../../dist/node/mqtt_as.js");

const TEST_TIMEOUT_MS = 15000;

/**
 * Declares `title [aedes]` and `title [mosquitto]`. `body(ctx)` gets a context with the
 * broker and a client factory; everything it made is disconnected and closed afterwards.
 * `options.aedes` is passed to Aedes.createBroker; `options.mosquitto` is extra config lines,
 * or a function (dir) => lines, for files that belong next to the generated config; it may
 * return { skip: reason } when this Mosquitto lacks what the scenario needs.
 */
function brokerTest(title, options, body) {
  if (typeof options === "function") {
    body = options;
    options = {};
  }
  for (const kind of ["aedes", "mosquitto"]) {
    if (options.only && options.only !== kind) continue;
    test(`${title} [${kind}]`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const broker = kind === "aedes" ? await startAedes(options.aedes || {}) : await startMosquittoWith(options.mosquitto);
      if (!broker) {
        t.skip("mosquitto not installed");
        return;
      }
      if (broker.skip) {
        t.skip(broker.skip);
        return;
      }
      const ctx = new Context(t, kind, broker);
      try {
        await body(ctx);
      } finally {
        await ctx.cleanup();
      }
    });
  }
}

async function startMosquittoWith(extra) {
  if (typeof extra !== "function") return startMosquitto({ extra: extra || [] });
  // The config lines need a directory: make one, then hand the lines its path.
  const fs = require("node:fs");
  const os = require("node:os");
  const path = require("node:path");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mqtt-as-it-"));
  // Mosquitto started as root drops to its own user before it reads files such as acl_file.
  fs.chmodSync(dir, 0o755);
  const lines = extra(dir);
  if (lines && lines.skip) {
    fs.rmSync(dir, { recursive: true, force: true });
    return mosquittoPath() ? { skip: lines.skip } : null;
  }
  const broker = await startMosquitto({ extra: lines });
  if (!broker) {
    fs.rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const close = broker.close;
  broker.close = async () => {
    await close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return broker;
}

let ids = 0;
/** A client id unique in this process and across runs, so brokers never mix sessions. */
function uniqueId(prefix) {
  return `${prefix || "it"}-${process.pid}-${++ids}-${Math.random().toString(16).slice(2, 8)}`;
}

class Context {
  constructor(t, kind, broker) {
    this.t = t;
    this.kind = kind;
    this.broker = broker;
    this.clients = [];
    this.cleanups = [];
    this.brokerClosed = false;
    // A topic prefix per test: retained messages and sessions never leak between tests.
    this.prefix = `it/${uniqueId("t")}`;
  }

  topic(name) {
    return `${this.prefix}/${name}`;
  }

  /** A client of our bundle pointed at this test's broker, with short timers. */
  client(cfg) {
    const client = new MQTTClient(
      Object.assign(
        {
          server: this.broker.host,
          port: this.broker.port,
          clientId: uniqueId("c"),
          keepalive: 10,
          responseTime: 1,
        },
        cfg || {}
      )
    );
    this.clients.push(client);
    return client;
  }

  /** A connected client; `subscriptions` is { topic: qos }. */
  async connected(cfg, subscriptions) {
    const client = this.client(cfg);
    await client.connect(true);
    for (const topic of Object.keys(subscriptions || {})) await client.subscribe(topic, subscriptions[topic]);
    return client;
  }

  onCleanup(fn) {
    this.cleanups.push(fn);
  }

  /** Closes the broker now (the scenario's "broker goes away"); cleanup won't close it again. */
  async closeBroker() {
    this.brokerClosed = true;
    if (this.kind === "mosquitto") await this.broker.stop();
    else await this.broker.close();
  }

  async cleanup() {
    for (const fn of this.cleanups.reverse()) await fn();
    for (const client of this.clients) await client.disconnect();
    if (this.kind === "mosquitto") await this.broker.close();
    else if (!this.brokerClosed) await this.broker.close();
  }
}

/** What collect() keeps of one "msg" callback (its arguments, `args`): the 3.1.1 ones and the text. */
function messageRecord(args) {
  const [topic, msg, retained, qos, dup] = args;
  return { topic, msg, retained, qos, dup, text: Buffer.from(msg).toString("utf8") };
}

/**
 * Records every message a client receives through on("msg") and lets a test await the
 * first one that matches. The test's timeout bounds the wait: a missing message fails it.
 * `record(args)` makes what is kept of each callback (default: messageRecord).
 */
function collect(client, record = messageRecord) {
  const messages = [];
  const waiters = [];
  client.on("msg", (...args) => {
    const m = record(args);
    messages.push(m);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].match(m)) {
        waiters[i].resolve(m);
        waiters.splice(i, 1);
      }
    }
  });
  return {
    messages,
    /** The first message (already received or still to come) for which match(m) is true. */
    next(match) {
      if (typeof match === "string") {
        const topic = match;
        match = (m) => m.topic === topic;
      }
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

/** Resolves with the arguments of the next `event` callback ("up", "down"). */
function nextEvent(client, event) {
  return new Promise((resolve) => {
    const off = client.on(event, (...args) => {
      off();
      resolve(args);
    });
  });
}

/** Awaits a promise that must reject; resolves with the error (fails the test otherwise). */
async function rejectsWith(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}

/**
 * A TCP relay between a client and a broker that can stop forwarding the broker's answers
 * (buffering them), to make any broker "stop answering" without closing the connection.
 */
async function startRelay(targetHost, targetPort) {
  const pairs = new Set();
  let paused = false;
  const held = [];
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ host: targetHost, port: targetPort });
    const pair = { inbound, outbound };
    pairs.add(pair);
    inbound.on("data", (d) => outbound.write(d));
    outbound.on("data", (d) => {
      if (paused) held.push({ socket: inbound, data: d });
      else inbound.write(d);
    });
    const end = () => {
      inbound.destroy();
      outbound.destroy();
      pairs.delete(pair);
    };
    inbound.on("close", end);
    outbound.on("close", end);
    inbound.on("error", end);
    outbound.on("error", end);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: "127.0.0.1",
    port: server.address().port,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const { socket, data } of held.splice(0)) if (!socket.destroyed) socket.write(data);
    },
    /** Cuts every relayed connection, as a network failure would. */
    dropAll() {
      for (const { inbound, outbound } of pairs) {
        inbound.destroy();
        outbound.destroy();
      }
      held.length = 0;
    },
    async close() {
      for (const { inbound, outbound } of pairs) {
        inbound.destroy();
        outbound.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

module.exports = { brokerTest, collect, messageRecord, nextEvent, rejectsWith, startRelay, uniqueId, MQTTClient, TEST_TIMEOUT_MS };
