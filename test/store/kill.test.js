// The file store killed with SIGKILL (nothing runs after it) at random moments while a child
// process adds, sends and removes messages (the oldest first); after each kill the store is
// opened again: every message whose add() returned is there unless its remove() returned, in
// order, with the id it was sent with; nothing removed comes back.
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn } = require("node:child_process");

const MODULE = path.join(__dirname, "..", "..", "dist", "file-store.js");
const MAX = 4 * 65536;

// Adds messages numbered from `first`, sends each with id n % 65535 + 1, removes the oldest
// while more than 10 are stored; prints each call after it returned.
const CHILD = `
const { fileStore } = require(${JSON.stringify(MODULE)});
const [dir, first] = [process.argv[1], Number(process.argv[2])];
const store = fileStore(dir, { maxBytes: ${MAX} });
store.open();
const say = (line) => process.stdout.write(line + "\\n");
say("READY");
const keys = [];
const numbers = [];
for (let m = store.next(-1); m; m = store.next(m.key)) {
  keys.push(m.key);
  numbers.push(Buffer.from(m.packet).toString().split(" ")[1]);
}
for (let n = first; ; n++) {
  keys.push(store.add(new Uint8Array(Buffer.from("message " + n + " " + "x".repeat(n % 50)))));
  numbers.push(n);
  say("ADDED " + n);
  store.sent(keys[keys.length - 1], (n % 65535) + 1);
  say("SENT " + n);
  while (keys.length > 10) {
    store.remove(keys.shift());
    say("REMOVED " + numbers.shift());
  }
}
`;

function runAndKill(dir, first, ms) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["-e", CHILD, dir, String(first)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      if (!out.includes("READY") && (out + d).includes("READY")) setTimeout(() => child.kill("SIGKILL"), ms);
      out += d;
    });
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code, signal) => resolve({ out, err, signal }));
  });
}

test("file store: killed with SIGKILL at random moments 12 times, it keeps every add() that returned", async () => {
  const { fileStore } = require(MODULE);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "file-store-kill-"));
  const added = new Set();
  const sent = new Set();
  const removed = new Set();
  try {
    for (let round = 0; round < 12; round++) {
      const run = await runAndKill(dir, round * 100000, 50 + Math.floor(Math.random() * 250));
      assert.equal(run.signal, "SIGKILL", run.err);
      for (const line of run.out.split("\n")) {
        const [what, n] = line.split(" ");
        if (what === "ADDED") added.add(Number(n));
        if (what === "SENT") sent.add(Number(n));
        if (what === "REMOVED") removed.add(Number(n));
      }
      const store = fileStore(dir, { maxBytes: MAX });
      const result = store.open();
      assert.equal(result.corrupt, undefined);
      const present = [];
      for (let m = store.next(-1); m; m = store.next(m.key)) {
        const n = Number(Buffer.from(m.packet).toString().split(" ")[1]);
        present.push(n);
        assert.ok(!removed.has(n), `message ${n} was removed and came back`);
        if (sent.has(n)) assert.equal(m.stage, 1, `message ${n} was sent`);
        if (m.stage) assert.equal(m.id, (n % 65535) + 1);
      }
      assert.equal(store.count(), present.length);
      assert.deepEqual([...present].sort((a, b) => a - b), present, "in order");
      // The kill may come after a remove() returned and before the child said so: the oldest
      // message may be missing, no other.
      const kept = [...added].filter((n) => !removed.has(n)).sort((a, b) => a - b);
      const missing = kept.filter((n) => !present.includes(n));
      assert.ok(!missing.length || (missing.length === 1 && missing[0] === kept[0]), `round ${round}: lost ${missing.join(", ")}`);
      for (const n of missing) removed.add(n);
      // An add() the child did not report may be there or not: from now on it counts.
      for (const n of present) added.add(n);
    }
    assert.ok(removed.size > 40 && added.size > 60, `too little work between kills: ${added.size} added, ${removed.size} removed`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
