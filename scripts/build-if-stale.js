#!/usr/bin/env node
// Builds (`npm run build`) only when the build is missing or older than what it is made from:
// src/, board/ and the build's configuration. `npm install` builds already (prepare), so
// `npm start` right after it need not, and an upload after no change sends what is there.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.join(__dirname, "..");
const SOURCES = ["src", "board", "rollup.config.mjs", "tsconfig.json", "tsconfig.types.json", "package.json", "scripts/short-this.mjs"];
const OUTPUTS = ["dist/mqtt_as.js", "dist/mqtt_as5.js", "dist/node/mqtt_as.js", "dist/node/mqtt_as5.js", "dist/keep-connected.js", "dist/board.js", "dist/types/index.d.ts"];

/** The newest modification time under `file` (a file or a folder), in ms. */
function newest(file) {
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(file).reduce((latest, name) => Math.max(latest, newest(path.join(file, name))), 0);
}

/** Whether the build is missing or older than a source; `root` is the checkout. */
function stale(root) {
  const outputs = OUTPUTS.map((file) => path.join(root, file));
  if (!outputs.every((file) => fs.existsSync(file))) return true;
  const built = Math.min(...outputs.map((file) => fs.statSync(file).mtimeMs));
  return SOURCES.some((file) => fs.existsSync(path.join(root, file)) && newest(path.join(root, file)) > built);
}

function main() {
  if (!stale(ROOT)) return 0;
  const r = spawnSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
  return r.status === null ? 1 : r.status;
}

if (require.main === module) process.exitCode = main();

module.exports = { stale, SOURCES, OUTPUTS };
