"use strict";
// Refused calls share promises, rejected batch after batch (src/client/refusals.ts): on
// Espruino that bounds what a loop of refused publishes holds, with or without a then() each.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { inspect } = require("node:util");
const { makeClient, flush } = require("./helpers.js");

/** `n` QoS 0 publishes in one loop on a client that is not connected: refused NOT_CONNECTED. */
function refusedLoop(n) {
  const { client } = makeClient();
  const promises = [];
  for (let i = 0; i < n; i++) promises.push(client.publish("t", "x", false, 0));
  return promises;
}

test("100 refusals in one loop share three promises, of 16, 32 and 52 refusals, each rejected with the code", async () => {
  const promises = refusedLoop(100);
  const batches = [...new Set(promises)];
  assert.deepEqual(batches.map((p) => promises.filter((q) => q === p).length), [16, 32, 52]);
  for (const p of batches) await assert.rejects(p, { code: "NOT_CONNECTED" });
});

test("a batch is rejected only once the then()s of the one before it have run", async () => {
  const promises = refusedLoop(100);
  const seen = [];
  promises.forEach((p, i) =>
    p.then(undefined, () => {
      // The next batch is still pending while this one's then()s run.
      seen.push([i, inspect(promises[i < 16 ? 16 : 48])]);
    })
  );
  await flush();
  assert.equal(seen.length, 100);
  assert.deepEqual(seen.map(([i]) => i), promises.map((_, i) => i), "in the order of the calls");
  for (const [i, next] of seen.filter(([i]) => i < 48)) assert.match(next, /<pending>/, `then() of refusal ${i}`);
});

test("refusals with another code or message start a batch of their own; a later loop starts again at 16", async () => {
  const { client } = makeClient();
  const a = client.publish("t", "x", false, 0); // NOT_CONNECTED
  const b = client.publish("a/+", "x", false, 0); // BAD_ARGUMENT, bad topic
  const c = client.publish("t", 42, false, 0); // BAD_ARGUMENT, bad msg
  const d = client.publish("t", "x", false, 0); // NOT_CONNECTED again, after others
  assert.equal(new Set([a, b, c, d]).size, 4);
  await assert.rejects(a, { code: "NOT_CONNECTED" });
  await assert.rejects(b, { code: "BAD_ARGUMENT", message: 'bad topic "a/+": + and # are for subscribing' });
  await assert.rejects(c, { code: "BAD_ARGUMENT", message: "bad msg" });
  await assert.rejects(d, { code: "NOT_CONNECTED" });
  await flush();
  const later = refusedLoop(20);
  assert.deepEqual([...new Set(later)].map((p) => later.filter((q) => q === p).length), [16, 4]);
  for (const p of new Set(later)) await assert.rejects(p, { code: "NOT_CONNECTED" });
});
