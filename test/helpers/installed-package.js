// The package as a user installs it: `npm pack` of this checkout (built already: `npm test`
// builds first), installed from the tarball into a new project folder, offline (the package
// has no runtime dependencies). Made once per test file; the folder is removed at exit.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.join(__dirname, "..", "..");
let installed = null;

function npm(args, cwd) {
  const r = spawnSync("npm", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm ${args.join(" ")} failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** A user's project folder with the packed package installed: { dir, tarball, files }. */
function installedPackage() {
  if (installed) return installed;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mqtt_as-user-"));
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  // --ignore-scripts: `prepare` would build again; the tests run on what `npm test` built.
  const packed = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", dir], ROOT))[0];
  const tarball = path.join(dir, packed.filename);
  const project = path.join(dir, "project");
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "user-project", private: true }));
  npm(["install", "--offline", "--no-audit", "--no-fund", tarball], project);
  installed = { dir: project, tarball, files: packed.files.map((f) => f.path) };
  return installed;
}

module.exports = { installedPackage };
