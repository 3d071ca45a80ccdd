"use strict";
// The low-power mode's arithmetic on Node (board/sleep-cycle.ts, compiled): how long a wake
// sleeps after failures, and a sleep longer than ESP32.deepSleep can take, done in steps
// across wakes with its remainder in Storage. The wake itself runs on the interpreter
// (sleep-cycle.test.js).
const test = require("node:test");
const assert = require("node:assert/strict");
const { board, fakeStorage, fakeWifi, SETTINGS } = require("./helpers.js");

const { wake, readState, sleepSeconds, MAX_SLEEP_S, STATE_FILE } = board("sleep-cycle");

test("sleep: doubles after each failed wake, up to 8 times the setting", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 10].map((f) => sleepSeconds(60, f)), [60, 120, 240, 480, 480, 480]);
});

test("sleep: the longest step fits ESP32.deepSleep's 32-bit signed microseconds", () => {
  assert.ok(MAX_SLEEP_S * 1e6 <= 2 ** 31 - 1);
  assert.ok((MAX_SLEEP_S + 1) * 1e6 > 2 ** 31 - 1);
});

test("sleep: a sleep longer than one step goes on in steps, without WiFi, until it is over", () => {
  const files = { [STATE_FILE]: JSON.stringify({ wake: 3, failures: 2, left: 5000 }) };
  const storage = { ...fakeStorage(files), write: (name, data) => ((files[name] = data), true) };
  const slept = [];
  const wifi = fakeWifi();
  const platform = { storage, wifi, deepSleep: (us) => slept.push(us), log() {}, uptime: () => 0, setLed() {} };
  const settings = { ...SETTINGS, sleep: 600, awake: 30, keepalive: 60, port: 1883 };
  for (let i = 0; i < 3; i++) wake(platform, settings);
  assert.deepEqual(slept, [2147e6, 2147e6, 706e6]);
  assert.equal(wifi.attempts.length, 0, "no WiFi while the long sleep goes on");
  // The count of wakes and failures is kept for the next real wake.
  assert.deepEqual(readState(storage), { wake: 3, failures: 2, left: 0 });
});
