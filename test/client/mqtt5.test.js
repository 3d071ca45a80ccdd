"use strict";
// The fake-clock client suites of this folder once more, with the client of the MQTT 5 build
// (protocolVersion 5) and a FakeBroker that speaks MQTT 5 (test/client/mqtt5.js): the v5
// branches of the state machine under the fake clock too. Each suite's tests run as they are;
// where MQTT 5 expects something else, the suite says so (MQTT5 from helpers.js).
require("./mqtt5.js"); // before any client module loads
const { describe } = require("node:test");

// Not here: config.test.js and queue.test.js (settings and the queue, the same in both),
// timers.test.js and keep-connected.test.js's child processes (bundles on real brokers;
// test/integration/v5*.test.js covers MQTT 5 there).
const SUITES = [
  "bad-input",
  "connect",
  "duplicates-reentrancy",
  "edges",
  "keep-connected",
  "keepalive",
  "publish",
  "receive",
  "refusals",
  "session",
  "store",
];

for (const suite of SUITES) describe(`MQTT 5: ${suite}`, () => require(`./${suite}.test.js`));
