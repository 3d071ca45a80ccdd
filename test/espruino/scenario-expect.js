"use strict";
// What scenario.js must report, wherever it ran (vm shim or interpreter).
const assert = require("node:assert/strict");

// The same sum as scenario.js computes over the bytes it received.
function summary(bytes) {
  let a = 1;
  let b = 0;
  for (let j = 0; j < bytes.length; j++) {
    a = (a + bytes[j]) % 65521;
    b = (b + a) % 65521;
  }
  return { length: bytes.length, checksum: b * 65536 + a, first: bytes[0], last: bytes[bytes.length - 1] };
}

/** The sizes scenario.js uses unless a program sets SCENARIO_SIZE; SMALL_SIZE fits the
 *  ESP32-C3's 4,095 JsVars beside the scenario's own code. */
const DEFAULT_SIZE = { big: 3000, maxInflight: 4, queueLen: 10 };
const SMALL_SIZE = { big: 1000, maxInflight: 2, queueLen: 3 };

function expectedMessages(size) {
  const big = new Uint8Array(size.big);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 255;
  return {
    "esp/q0": Object.assign({ qos: 0 }, summary(Buffer.from("hello0"))),
    "esp/q1": Object.assign({ qos: 1 }, summary(Buffer.from("hello1"))),
    // "hello2" + U+00E9, UTF-8 encoded: ... 0xc3 0xa9
    "esp/q2": Object.assign({ qos: 2 }, summary(Buffer.from("hello2\u00e9", "utf8"))),
    "esp/big": Object.assign({ qos: 1 }, summary(big)),
  };
}

function expectedSteps(size) {
  const burst = size.maxInflight + size.queueLen + 1; // past maxInflight, and past queueLen too
  return [
    ["connect", false], // clean session: no session present
    ["isConnected", true],
    ["subscribe", 2],
    ["publish0", null],
    ["publish1", null],
    ["publish2", null],
    ["publishBig", null],
    ["received", 4],
    ["brokerUp", true],
    ["unsubscribe", null],
    ["publishAfter", null],
    ["quiet", 0],
    // Those past maxInflight wait for a slot, however many (queueLen bounds received
    // messages only), and all settle in the order made (checked by checkBurst()).
    ["burst", undefined],
    ["sizeOf", undefined], // value checked separately
    ["disconnect", true], // down is set
  ];
}

/** Asserts everything scenario.js reports; `sizeOfExpected` is "null" or "number"; `size`
 *  what the program set as SCENARIO_SIZE, if anything. */
function checkScenarioResult(result, sizeOfExpected, size = DEFAULT_SIZE) {
  const steps = expectedSteps(size);
  const messages = expectedMessages(size);
  assert.deepEqual(result.errors, [], "the scenario reported errors: " + JSON.stringify(result.errors));
  assert.deepEqual(
    result.steps.map((s) => s.name),
    steps.map((s) => s[0]),
    "steps: " + JSON.stringify(result.steps)
  );
  for (const [name, value] of steps) {
    const step = result.steps.find((s) => s.name === name);
    assert.equal(step.ok, true, `step ${name} failed`);
    if (value !== undefined) assert.deepEqual(step.value, value, `step ${name}`);
  }

  assert.equal(result.received.length, 4, "messages: " + JSON.stringify(result.received));
  const topics = result.received.map((m) => m.topic).sort();
  assert.deepEqual(topics, Object.keys(messages).sort());
  for (const m of result.received) {
    const want = messages[m.topic];
    assert.equal(m.isUint8Array, true, `${m.topic}: msg is a Uint8Array`);
    assert.equal(m.retained, false, `${m.topic}: not retained`);
    assert.equal(m.qos, want.qos, `${m.topic}: qos`);
    assert.equal(m.length, want.length, `${m.topic}: length`);
    assert.equal(m.first, want.first, `${m.topic}: first byte`);
    assert.equal(m.last, want.last, `${m.topic}: last byte`);
    assert.equal(m.checksum, want.checksum, `${m.topic}: checksum`);
  }
  assert.deepEqual(result.afterUnsubscribe, [], "nothing may arrive after unsubscribe");

  checkBurst(result.steps.find((s) => s.name === "burst").value, size);

  if (sizeOfExpected === "null") assert.equal(result.sizeOf, null);
  else assert.ok(Number.isInteger(result.sizeOf) && result.sizeOf > 0, "E.getSizeOf(client): " + result.sizeOf);
}

/**
 * The burst (maxInflight + queueLen + 1 QoS 1 publishes in one loop): on the ESP32's heap all
 * are taken and settle in order. On the ESP32-C3's (SMALL_SIZE), where the scenario's code
 * takes much of the heap, those waiting for a slot are bounded by the heap left: at least
 * maxInflight are taken; the rest, refused QUEUE_FULL at once, settle first, in order, and the
 * taken ones after them, in order.
 */
function checkBurst(settled, size) {
  const burst = size.maxInflight + size.queueLen + 1;
  const all = [...Array(burst).keys()];
  if (size === DEFAULT_SIZE) return assert.deepEqual(settled, all, "step burst");
  const refused = settled.filter((x) => typeof x === "string");
  const taken = burst - refused.length;
  assert.ok(taken >= size.maxInflight, "step burst: fewer than maxInflight taken: " + JSON.stringify(settled));
  assert.deepEqual(settled, all.slice(taken).map((i) => i + ":QUEUE_FULL").concat(all.slice(0, taken)), "step burst");
}

module.exports = { checkScenarioResult, expectedMessages, DEFAULT_SIZE, SMALL_SIZE };
