"use strict";
// keepConnected(client, opts): connect, subscribe when the broker kept no session,
// reconnect with bounded backoff after every loss, stop().
const { test, mock, beforeEach, afterEach } = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { runScript } = require("../helpers/child.js");
const { keepConnected } = require("../../build/client/keep-connected.js");
const { makeClient, recordTimeouts, flush, T } = require("./helpers.js");

let now = 0;
beforeEach(() => {
  now = 0;
  mock.timers.enable({ apis: ["setInterval", "setTimeout"] });
});
afterEach(() => mock.timers.reset());

/** Advances the fake clock in `step` ms steps, counting elapsed time in `now`. */
async function advance(ms, step = 10) {
  while (ms > 0) {
    const s = Math.min(step, ms);
    now += s; // first, so that timers firing inside tick() see the time they fire at
    mock.timers.tick(s);
    ms -= s;
    await flush(2);
  }
}

/** Records the fake time of every transport() call. */
function recordAttempts(broker) {
  const times = [];
  broker.onTransport = () => times.push(now);
  return times;
}

const subscriptions = { "a/b": 1, "c/#": 0 };

test("keepConnected connects, and subscribes when the broker has no session", async () => {
  const { client, broker } = makeClient({}, { connack: { sessionPresent: false }, suback: true });
  const sup = keepConnected(client, { subscriptions, minDelay: 100, maxDelay: 1000 });
  await flush(6);
  const sent = broker.take();
  assert.deepEqual(sent.map((p) => p.type), [T.CONNECT, T.SUBSCRIBE, T.SUBSCRIBE]);
  assert.equal(sent[0].cleanSession, true, "clean by default");
  assert.deepEqual(
    sent.slice(1).map((p) => p.subscriptions[0]),
    [
      { topicFilter: "a/b", qos: 1 },
      { topicFilter: "c/#", qos: 0 },
    ]
  );
  assert.equal(client.up.isSet(), true);
  assert.equal(sup.up.isSet(), true);
  sup.stop();
  await client.disconnect();
});

test("keepConnected with clean false does not subscribe when the session is present", async () => {
  const { client, broker } = makeClient({ clientId: "kc" }, { connack: { sessionPresent: true }, suback: true });
  const sup = keepConnected(client, { subscriptions, clean: false, minDelay: 100, maxDelay: 1000 });
  await flush(6);
  const sent = broker.take();
  assert.deepEqual(sent.map((p) => p.type), [T.CONNECT]);
  assert.equal(sent[0].cleanSession, false);
  assert.equal(client.up.isSet(), true);
  assert.equal(sup.up.isSet(), true);
  sup.stop();
  await client.disconnect();
});

test("after a drop keepConnected reconnects after a delay within [minDelay, maxDelay] and subscribes again", async () => {
  const { client, broker } = makeClient({}, { connack: { sessionPresent: false }, suback: true });
  const attempts = recordAttempts(broker);
  const sup = keepConnected(client, { subscriptions, minDelay: 1000, maxDelay: 8000 });
  await flush(6);
  assert.equal(attempts.length, 1);
  broker.take();
  const dropAt = now;
  broker.drop();
  await flush();
  assert.equal(client.up.isSet(), false);
  assert.equal(sup.up.isSet(), false);
  await advance(990);
  assert.equal(attempts.length, 1, "no attempt before minDelay");
  await advance(8000 - 990);
  assert.equal(attempts.length, 2, "exactly one attempt by maxDelay");
  const delay = attempts[1] - dropAt;
  assert.ok(delay >= 1000 && delay <= 8000, "delay " + delay);
  await flush(6);
  assert.equal(client.up.isSet(), true);
  assert.equal(sup.up.isSet(), true);
  assert.deepEqual(broker.take().map((p) => p.type), [T.CONNECT, T.SUBSCRIBE, T.SUBSCRIBE]);
  sup.stop();
  await client.disconnect();
});

test("over repeated failures the delays grow and stay within [minDelay, maxDelay] (jitter at its top)", async (t) => {
  t.mock.method(Math, "random", () => 0.999999);
  const { client, broker } = makeClient({}, { mode: "error" });
  const attempts = recordAttempts(broker);
  const sup = keepConnected(client, { minDelay: 100, maxDelay: 1000 });
  await advance(6000);
  sup.stop();
  const delays = [];
  for (let i = 1; i < attempts.length; i++) delays.push(attempts[i] - attempts[i - 1]);
  assert.ok(delays.length >= 6, "attempts: " + attempts.join(","));
  for (let i = 0; i < delays.length; i++) {
    assert.ok(delays[i] >= 100 && delays[i] <= 1000 + 10, "delay " + delays[i] + " in " + delays.join(","));
    if (i > 0) assert.ok(delays[i] >= delays[i - 1] - 10, "non-decreasing: " + delays.join(","));
  }
  assert.ok(delays[delays.length - 1] >= 990, "reaches maxDelay: " + delays.join(","));
  assert.ok(delays[2] > delays[0] + 100, "grows: " + delays.join(","));
  assert.equal(client.up.isSet(), false);
});

test("over repeated failures with real jitter every delay stays within [minDelay, maxDelay]", async () => {
  const { client, broker } = makeClient({}, { mode: "error" });
  const attempts = recordAttempts(broker);
  const sup = keepConnected(client, { minDelay: 100, maxDelay: 500 });
  await advance(8000);
  sup.stop();
  assert.ok(attempts.length >= 15, "attempts: " + attempts.length);
  for (let i = 1; i < attempts.length; i++) {
    const d = attempts[i] - attempts[i - 1];
    assert.ok(d >= 100 && d <= 510, "delay " + d);
  }
});

test("a connection that held for maxDelay resets the backoff", async (t) => {
  t.mock.method(Math, "random", () => 0.999999);
  const { client, broker } = makeClient({}, { mode: "error", connack: { sessionPresent: false } });
  const attempts = recordAttempts(broker);
  const sup = keepConnected(client, { minDelay: 100, maxDelay: 1000 });
  await advance(2000); // failures at 0, 100, 300, 700, 1500
  broker.mode = "open";
  await advance(1500); // connects at 2500
  assert.equal(client.up.isSet(), true);
  await advance(1000); // up for maxDelay
  const n = attempts.length;
  const dropAt = now;
  broker.drop();
  await advance(1500);
  assert.equal(attempts.length, n + 1);
  assert.ok(attempts[n] - dropAt <= 110, "first retry after a good connection waits minDelay: " + (attempts[n] - dropAt));
  sup.stop();
  await client.disconnect();
});

test("stop() while a retry is pending: no more attempts", async () => {
  const { client, broker } = makeClient({}, { connack: { sessionPresent: false } });
  const attempts = recordAttempts(broker);
  const sup = keepConnected(client, { minDelay: 1000, maxDelay: 2000 });
  await flush(6);
  broker.drop();
  await flush();
  sup.stop();
  await advance(60000, 250);
  assert.equal(attempts.length, 1);
  assert.equal(client.up.isSet(), false);
});

test("stop() while connected: a later drop is not followed by a reconnect", async () => {
  const { client, broker } = makeClient({}, { connack: { sessionPresent: false } });
  const attempts = recordAttempts(broker);
  const sup = keepConnected(client, { minDelay: 100, maxDelay: 200 });
  await flush(6);
  assert.equal(client.up.isSet(), true);
  sup.stop();
  broker.drop();
  await advance(10000, 100);
  assert.equal(attempts.length, 1);
});

test("keepConnected stopped after a refused connection leaves no timer: the process exits by itself", async () => {
  mock.timers.reset(); // real time for this one: it waits on a child process
  const net = require("node:net");
  const server = net.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  await new Promise((r) => server.close(r));
  const build = JSON.stringify(path.resolve(__dirname, "../../build"));
  // A retry 100 s away: only clearTimeout in stop() lets the process end within seconds.
  const script = `
    const { MQTTClient } = require(${build} + "/index.js");
    const { keepConnected } = require(${build} + "/client/keep-connected.js");
    const client = new MQTTClient({ server: "127.0.0.1", port: ${port} });
    const sup = keepConnected(client, { minDelay: 100000, maxDelay: 100000 });
    setTimeout(() => { sup.stop(); console.log("stopped"); }, 300);
  `;
  const result = await runScript(script, 5000);
  assert.equal(result.exited, true, "the child did not exit by itself: " + result.out);
  assert.equal(result.out.trim(), "stopped");
});

test("a broker that drops right after CONNACK: the backoff keeps growing", async (t) => {
  t.mock.method(Math, "random", () => 0.999999);
  const { client, broker } = makeClient({}, { connack: { sessionPresent: false } });
  const attempts = recordAttempts(broker);
  const sup = keepConnected(client, { minDelay: 100, maxDelay: 1000 });
  const gaps = [];
  for (let i = 0; i < 4; i++) {
    await flush(6);
    assert.equal(client.up.isSet(), true);
    const n = attempts.length;
    const dropAt = now;
    broker.drop();
    // Only until the next attempt: staying up for maxDelay would forgive the failures.
    for (let waited = 0; attempts.length === n && waited < 1100; waited += 10) await advance(10, 10);
    assert.equal(attempts.length, n + 1);
    gaps.push(attempts[n] - dropAt);
  }
  // Full jitter at its top: the cap doubles from minDelay, so 100, 200, 400, 800 (± a tick).
  for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i] > gaps[i - 1] * 1.5, "gaps grow: " + gaps.join(", "));
  assert.ok(gaps[3] <= 1010, "within maxDelay: " + gaps.join(", "));
  sup.stop();
  await client.disconnect();
});

test("stop() while the connect is under way: no timer is started when it completes", async (t) => {
  const { client, broker } = makeClient({}, { connack: { sessionPresent: true } });
  const delays = recordTimeouts(t);
  const sup = keepConnected(client, { minDelay: 100, maxDelay: 1000 });
  sup.stop(); // before the CONNACK
  await flush(6);
  assert.equal(client.up.isSet(), true, "the connect itself completes");
  assert.equal(sup.up.isSet(), false);
  assert.deepEqual(delays, [], "no timer after stop()");
  await client.disconnect();
});

test("a subscription whose SUBACK is late: the others are still made, and it is made at the next connect", async () => {
  const late = "a/b";
  const { client, broker } = makeClient({ clientId: "k", responseTime: 1 }, {
    connack: { sessionPresent: false },
    suback: (s) => s.qos,
  });
  // The broker never answers the first SUBSCRIBE for `late`.
  let dropped = 0;
  const reply = broker.replyTo.bind(broker);
  broker.replyTo = (socket, packet) => {
    if (packet.type === T.SUBSCRIBE && packet.subscriptions[0].topicFilter === late && dropped++ === 0) return;
    reply(socket, packet);
  };
  const sup = keepConnected(client, { subscriptions, clean: false, minDelay: 100, maxDelay: 1000 });
  await advance(1500);
  const filters = () => broker.packets.filter((p) => p.type === T.SUBSCRIBE).map((p) => p.subscriptions[0].topicFilter);
  assert.deepEqual(filters(), ["a/b", "c/#"], "the one after the late SUBACK is still made");
  assert.equal(sup.up.isSet(), true);
  broker.auto.connack = { sessionPresent: true }; // the broker keeps the session now
  broker.packets.length = 0;
  broker.drop();
  await advance(1500);
  assert.deepEqual(filters(), ["a/b"], "only the missing one, although the session is present");
  sup.stop();
  await client.disconnect();
});

test("an invalid filter among the subscriptions is given up, and does not make the supervisor reconnect", async () => {
  const { client, broker } = makeClient({}, { connack: { sessionPresent: false }, suback: true });
  const attempts = recordAttempts(broker);
  const sup = keepConnected(client, { subscriptions: { "bad/#/filter": 0, ok: 1 }, minDelay: 100, maxDelay: 1000 });
  await advance(3000);
  assert.equal(attempts.length, 1, "one connection, no retries");
  assert.equal(sup.up.isSet(), true);
  assert.deepEqual(broker.packets.filter((p) => p.type === T.SUBSCRIBE).map((p) => p.subscriptions[0].topicFilter), ["ok"]);
  sup.stop();
  await client.disconnect();
});

// ---- the user's disconnect() ends the supervision (issue 11), as it ends mqtt_as's reconnecting ----

test("disconnect() while connected ends the supervision: no reconnect, up cleared, the client's own disconnect back", async () => {
  const { client, broker } = makeClient({}, { connack: { sessionPresent: false }, suback: true });
  const attempts = recordAttempts(broker);
  const sup = keepConnected(client, { subscriptions, minDelay: 100, maxDelay: 1000 });
  await flush(6);
  assert.equal(sup.up.isSet(), true);
  assert.ok(Object.prototype.hasOwnProperty.call(client, "disconnect"), "wrapped while supervised");
  await client.disconnect();
  assert.equal(sup.up.isSet(), false, "the supervisor's up is cleared");
  assert.equal(Object.prototype.hasOwnProperty.call(client, "disconnect"), false, "the prototype's disconnect again");
  await advance(10000, 100);
  assert.equal(attempts.length, 1, "no reconnect after the user's disconnect()");
  assert.equal(client.up.isSet(), false);
  sup.stop(); // harmless afterwards
});

test("disconnect() while waiting to retry ends the supervision: no more attempts", async () => {
  const { client, broker } = makeClient({}, { mode: "error" });
  const attempts = recordAttempts(broker);
  keepConnected(client, { minDelay: 100, maxDelay: 200 });
  await advance(500);
  const n = attempts.length;
  assert.ok(n >= 2, "it was retrying: " + n);
  await client.disconnect();
  await advance(10000, 100);
  assert.equal(attempts.length, n, "no attempt after disconnect()");
});

test("disconnect() while connecting ends the supervision: no more attempts", async (t) => {
  const { client, broker } = makeClient({}, { connack: null }); // the broker never answers
  const attempts = recordAttempts(broker);
  const delays = recordTimeouts(t);
  const sup = keepConnected(client, { minDelay: 100, maxDelay: 200 });
  await flush(6);
  assert.equal(attempts.length, 1);
  await client.disconnect();
  await flush(6);
  assert.deepEqual(delays, [], "no retry scheduled");
  await advance(5000, 100);
  assert.equal(attempts.length, 1);
  assert.equal(sup.up.isSet(), false);
});

test("a \"down\" without an error (the prototype's disconnect() called directly) ends the supervision too", async () => {
  const { client, broker } = makeClient({}, { connack: { sessionPresent: false } });
  const attempts = recordAttempts(broker);
  keepConnected(client, { minDelay: 100, maxDelay: 200 });
  await flush(6);
  assert.equal(client.up.isSet(), true);
  await Object.getPrototypeOf(client).disconnect.call(client);
  await advance(5000, 100);
  assert.equal(attempts.length, 1);
});

test("stop() clears the supervisor's up and gives the client its own disconnect() back; a later disconnect() closes", async () => {
  const { client } = makeClient({}, { connack: { sessionPresent: false } });
  const sup = keepConnected(client, { minDelay: 100, maxDelay: 200 });
  await flush(6);
  assert.equal(sup.up.isSet(), true);
  sup.stop();
  assert.equal(sup.up.isSet(), false, "nothing keeps the connection up now");
  assert.equal(Object.prototype.hasOwnProperty.call(client, "disconnect"), false);
  assert.equal(client.up.isSet(), true, "stop() leaves the connection as it is");
  await client.disconnect();
  assert.equal(client.up.isSet(), false);
});

test("a disconnect() wrapped by the user after keepConnected() is left in place by stop(), and still ends the supervision", async () => {
  const { client, broker } = makeClient({}, { connack: { sessionPresent: false } });
  const attempts = recordAttempts(broker);
  const sup = keepConnected(client, { minDelay: 100, maxDelay: 200 });
  await flush(6);
  const calls = [];
  const inner = client.disconnect;
  const mine = function () {
    calls.push("mine");
    return inner.call(client);
  };
  client.disconnect = mine;
  await client.disconnect();
  assert.deepEqual(calls, ["mine"]);
  assert.equal(client.disconnect, mine, "the user's wrapper stays");
  await advance(5000, 100);
  assert.equal(attempts.length, 1);
  sup.stop();
});

// ---- topics are keys of objects without a prototype (issue 11) ----

test('a "__proto__" filter among the subscriptions is subscribed like any other', async () => {
  const { client, broker } = makeClient({}, { connack: { sessionPresent: false }, suback: true });
  // JSON.parse makes "__proto__" an own key, as settings read from a file would.
  const sup = keepConnected(client, { subscriptions: JSON.parse('{"__proto__": 1, "a/b": 0}'), minDelay: 100, maxDelay: 1000 });
  await flush(8);
  assert.deepEqual(
    broker.packets.filter((p) => p.type === T.SUBSCRIBE).map((p) => p.subscriptions[0]),
    [
      { topicFilter: "__proto__", qos: 1 },
      { topicFilter: "a/b", qos: 0 },
    ]
  );
  assert.equal(sup.up.isSet(), true);
  sup.stop();
  await client.disconnect();
});

// No silent failure (issue 21): onFailure after each failed connect, the end of supervision on
// a wrong setting, and with `debug` a line for each attempt and its outcome.

test("onFailure is called after each failed connect with its coded error and the wait before the next attempt", async (t) => {
  t.mock.method(Math, "random", () => 0.5);
  const { client, broker } = makeClient({}, { mode: "error" });
  const attempts = recordAttempts(broker);
  const failures = [];
  const sup = keepConnected(client, { minDelay: 100, maxDelay: 1000, onFailure: (error, retryInMs) => failures.push({ error, retryInMs, at: now }) });
  await advance(2000);
  sup.stop();
  assert.ok(failures.length >= 4, "failures: " + failures.length);
  assert.ok(attempts.length - failures.length <= 1, `${attempts.length} attempts, ${failures.length} reported`);
  for (let i = 0; i < failures.length; i++) {
    const { error, retryInMs, at } = failures[i];
    assert.ok(error instanceof Error && error.code === "CLOSED", String(error));
    assert.ok(Number.isInteger(retryInMs) && retryInMs >= 100 && retryInMs <= 1000, "retryInMs " + retryInMs);
    if (i + 1 < attempts.length) assert.ok(Math.abs(attempts[i + 1] - at - retryInMs) <= 10, `attempt ${i + 2} at ${attempts[i + 1]}, reported ${at} + ${retryInMs}`);
  }
});

test("a BAD_ARGUMENT from connect() ends the supervision: onFailure(error, null), no more attempts", async () => {
  const { client, broker } = makeClient({ server: "" });
  const attempts = recordAttempts(broker);
  const own = client.disconnect;
  const failures = [];
  const sup = keepConnected(client, { minDelay: 100, maxDelay: 200, onFailure: (error, retryInMs) => failures.push([error.code, retryInMs]) });
  await advance(3000, 100);
  assert.deepEqual(failures, [["BAD_ARGUMENT", null]]);
  assert.equal(attempts.length, 0, "no socket was opened");
  assert.equal(client.disconnect, own, "the client's own disconnect() is back: the supervision ended");
  assert.equal(sup.up.isSet(), false);
});

test("with debug, keepConnected logs each attempt and its outcome", async (t) => {
  t.mock.method(Math, "random", () => 0);
  const lines = [];
  t.mock.method(console, "log", (...args) => lines.push(args.join(" ")));
  const { client, broker } = makeClient({}, { mode: "error", connack: { sessionPresent: false }, suback: true });
  const sup = keepConnected(client, { subscriptions, minDelay: 100, maxDelay: 1000, debug: true });
  await advance(50);
  broker.mode = "open";
  await advance(200);
  broker.drop();
  await advance(50);
  sup.stop();
  await client.disconnect();
  t.mock.restoreAll();
  assert.deepEqual(lines, [
    "mqtt_as keepConnected: connecting",
    "mqtt_as keepConnected: connect failed: CLOSED connection closed: ECONNREFUSED; next attempt in 100 ms",
    "mqtt_as keepConnected: connecting",
    "mqtt_as keepConnected: connected, session present: false",
    "mqtt_as keepConnected: connection lost: CLOSED; next attempt in 100 ms",
  ]);
});

test("against a port where nothing listens, onFailure reports CLOSED with the socket's error as the cause", async () => {
  mock.timers.reset(); // a real socket, real time
  const net = require("node:net");
  const { MQTTClient } = require("../../build/client/client.js");
  const server = net.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  await new Promise((r) => server.close(r));
  const client = new MQTTClient({ server: "127.0.0.1", port });
  const failure = await new Promise((resolve) => {
    const sup = keepConnected(client, { minDelay: 60000, maxDelay: 60000, onFailure: (error, retryInMs) => (sup.stop(), resolve({ error, retryInMs })) });
  });
  assert.equal(failure.error.code, "CLOSED");
  assert.equal(failure.error.cause && failure.error.cause.code, "ECONNREFUSED");
  assert.equal(failure.retryInMs, 60000);
});
