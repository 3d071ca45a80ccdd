// A Node script run in a child process, for tests that a program exits by itself (nothing of
// ours left running: timers, sockets).
"use strict";
const { spawn } = require("node:child_process");

/** Runs `script` with `node -e`; resolves with { exited, code, out }: whether it exited by
 *  itself within `ms` (else it is killed), its exit code, and what it printed. */
function runScript(script, ms) {
  return runNode(["-e", script], ms);
}

/** Runs node with `args` (a file and its arguments), `env` added to the environment; resolves
 *  as runScript does. */
function runNode(args, ms, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve({ exited: false, out });
    }, ms);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ exited: true, code, out });
    });
  });
}

module.exports = { runScript, runNode };
