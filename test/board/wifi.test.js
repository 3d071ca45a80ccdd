"use strict";
// keepWifi: retries with backoff, follows the Wifi module's disconnected/connected events.
const test = require("node:test");
const assert = require("node:assert/strict");
const { board, fakeTimers, fakeWifi } = require("./helpers.js");

const { keepWifi, backoff } = board("wifi");

function setup(opts = {}) {
  const wifi = fakeWifi();
  const timers = fakeTimers();
  const events = [];
  const link = keepWifi(wifi, "net", "secret", {
    minDelay: 1000,
    maxDelay: 8000,
    timers,
    onUp: () => events.push("up"),
    onDown: () => events.push("down"),
    ...opts,
  });
  return { wifi, timers, events, link };
}

test("backoff doubles from minDelay and stops at maxDelay", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((n) => backoff(n, 1000, 8000)), [1000, 2000, 4000, 8000, 8000, 8000]);
  assert.equal(backoff(1000, 1000, 60000), 60000);
});

test("connects at once with the ssid and password; success is reported once", () => {
  const { wifi, events, link, timers } = setup();
  assert.equal(wifi.attempts.length, 1);
  assert.equal(wifi.attempts[0].ssid, "net");
  assert.equal(wifi.attempts[0].password, "secret");
  assert.equal(link.isUp(), false);
  wifi.finish(null);
  assert.equal(link.isUp(), true);
  assert.deepEqual(events, ["up"]);
  assert.equal(timers.count(), 0);
});

test("failed attempts are retried after 1, 2, 4, 8, 8 s", () => {
  const { wifi, timers, events, link } = setup();
  const delays = [];
  for (let i = 0; i < 5; i++) {
    wifi.finish("auth failed");
    assert.equal(timers.waiting().length, 1, "one retry pending");
    delays.push(timers.waiting()[0]);
    const before = wifi.attempts.length;
    timers.advance(delays[i] - 1);
    assert.equal(wifi.attempts.length, before, "no attempt before the delay");
    timers.advance(1);
    assert.equal(wifi.attempts.length, before + 1);
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 8000]);
  wifi.finish(null);
  assert.equal(link.isUp(), true);
  assert.deepEqual(events, ["up"]);
});

test("a thrown connect counts as a failure", () => {
  const wifi = fakeWifi();
  const timers = fakeTimers();
  let calls = 0;
  wifi.connect = () => {
    calls++;
    throw new Error("busy");
  };
  const link = keepWifi(wifi, "net", "secret", { minDelay: 500, timers });
  assert.equal(calls, 1);
  assert.deepEqual(timers.waiting(), [500]);
  timers.advance(500);
  assert.equal(calls, 2);
  assert.deepEqual(timers.waiting(), [1000]);
  link.stop();
  assert.equal(timers.count(), 0);
});

test("a disconnected event reports down and reconnects; the backoff starts over after success", () => {
  const { wifi, timers, events, link } = setup();
  wifi.finish("no AP");
  timers.advance(1000);
  wifi.finish("no AP");
  timers.advance(2000);
  wifi.finish(null);
  assert.deepEqual(events, ["up"]);
  wifi.emit("disconnected", { reason: "beacon timeout" });
  assert.equal(link.isUp(), false);
  assert.deepEqual(events, ["up", "down"]);
  assert.equal(wifi.attempts.length, 4, "reconnects at once");
  wifi.finish("no AP");
  assert.deepEqual(timers.waiting(), [1000], "backoff starts again from minDelay");
  // A second disconnected event while a retry waits neither reports down again nor doubles up.
  wifi.emit("disconnected", {});
  assert.deepEqual(events, ["up", "down"]);
  assert.equal(timers.count(), 1);
  assert.equal(wifi.attempts.length, 4);
});

test("a connected event while a retry waits (the AP came back) cancels the retry", () => {
  const { wifi, timers, events, link } = setup();
  wifi.finish("no AP");
  assert.equal(timers.count(), 1);
  wifi.emit("connected", { ip: "10.0.0.2" });
  assert.equal(link.isUp(), true);
  assert.deepEqual(events, ["up"]);
  assert.equal(timers.count(), 0);
  timers.advance(60000);
  assert.equal(wifi.attempts.length, 1);
});

test("no second attempt while one is under way", () => {
  const { wifi } = setup();
  wifi.emit("disconnected", {}); // Espruino reports these during a failing attempt too
  assert.equal(wifi.attempts.length, 1);
});

test("stop() removes the listeners and the pending retry", () => {
  const { wifi, timers, events, link } = setup();
  wifi.finish("no AP");
  link.stop();
  assert.equal(timers.count(), 0);
  assert.equal(wifi.listenerCount("connected"), 0);
  assert.equal(wifi.listenerCount("disconnected"), 0);
  wifi.emit("connected", {});
  timers.advance(60000);
  assert.deepEqual(events, []);
  assert.equal(wifi.attempts.length, 1);
});

test("the console says in words that an attempt failed, with the module's reason", () => {
  const logs = [];
  const { wifi, link } = setup({ log: (text) => logs.push(text) });
  wifi.finish("NO_AP_FOUND");
  assert.equal(logs[0], "WiFi: connection failed: NO_AP_FOUND");
  assert.match(logs[1], /^WiFi: retry in \d+ ms$/);
  link.stop();
});
