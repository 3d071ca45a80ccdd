"use strict";
// The bounded FIFO behind the received messages and the publishes waiting for a slot.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { Queue } = require("../../build/client/queue.js");

test("Queue: first in, first out, with puts and shifts interleaved", () => {
  const q = new Queue(100);
  const out = [];
  let next = 0;
  // Puts and shifts in a varying rhythm, so that shift() often finds its stack empty.
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < round % 4; i++) q.put(next++);
    for (let i = 0; i < (round * 7) % 3; i++) if (q.length) out.push(q.shift());
  }
  while (q.length) out.push(q.shift());
  assert.deepEqual(out, Array.from({ length: next }, (_, i) => i));
  assert.equal(q.shift(), undefined, "empty: undefined");
  assert.equal(q.length, 0);
});

test("Queue: full, put() drops the oldest and counts it", () => {
  const q = new Queue(3);
  for (let i = 1; i <= 5; i++) q.put(i);
  assert.equal(q.length, 3);
  assert.equal(q.discards, 2);
  assert.deepEqual([q.shift(), q.shift(), q.shift()], [3, 4, 5]);
});

test("Queue: get() waits for the next put(), in the order the gets came", async () => {
  const q = new Queue(3);
  const a = q.get();
  const b = q.get();
  q.put("x");
  q.put("y");
  assert.deepEqual(await Promise.all([a, b]), ["x", "y"]);
  assert.equal(q.length, 0, "handed over, not queued");
  q.put("z");
  assert.equal(await q.get(), "z");
});
