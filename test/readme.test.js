"use strict";
// The README's Node examples run as written, pasted into a .js file (CommonJS: no top-level
// await) in a project where the packed package is installed (npm pack, npm install of the
// tarball), against a real broker: Aedes in-process, Mosquitto for MQTT 5 (Aedes has none).
// Only the server (and a port) is substituted.
// Its table of defaults names every setting of the exported `config`, with its value.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { startAedes, startMosquitto } = require("./helpers/brokers.js");
const { installedPackage } = require("./helpers/installed-package.js");
const { config } = require("../dist/node/mqtt_as.js");

const ROOT = path.join(__dirname, "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The README's Node examples: its ```js blocks that name the server "broker.local" (the
 *  Espruino ones name an address). */
function nodeExamples() {
  return [...README.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).filter((code) => code.includes('server: "broker.local"'));
}

function run(dir, file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 15000);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out });
    });
  });
}

test("the README has Node examples of both bundles, each a whole program for `node file.js`", () => {
  const examples = nodeExamples();
  assert.equal(examples.length, 3, "examples found: " + examples.length);
  assert.equal(examples.filter((code) => /require\("mqtt_as\/mqtt5"\)/.test(code)).length, 1, "one MQTT 5 example");
  for (const code of examples) assert.match(code, /require\("mqtt_as(\/mqtt5)?"\)/);
});

nodeExamples().forEach((code, i) => {
  const mqtt5 = code.includes('require("mqtt_as/mqtt5")');
  test(`README Node example ${i + 1} runs as written from the installed package against ${mqtt5 ? "Mosquitto" : "Aedes"} and exits by itself`, { timeout: 30000 }, async (t) => {
    const broker = mqtt5 ? await startMosquitto() : await startAedes();
    if (!broker) return t.skip("Mosquitto is not installed (Aedes has no MQTT 5)");
    t.after(() => broker.close());
    const project = installedPackage().dir;
    const file = `example-${i + 1}.js`;
    const source = code.replace(/server: "broker\.local"/g, `server: "127.0.0.1", port: ${broker.port}`);
    fs.writeFileSync(path.join(project, file), source);
    t.after(() => fs.rmSync(path.join(project, file), { force: true }));
    const r = await run(project, file);
    assert.equal(r.signal, null, "killed: it did not exit by itself\n" + r.out);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^sensors\/t 21\.5\b/m, "the message came back");
    if (mqtt5) assert.match(r.out, /text\/plain \[ \[ 'unit', 'C' \], \[ 'source', 'probe-1' \], \[ 'source', 'probe-2' \] \]/, "its properties came back");
  });
});

test("the README's table of defaults names every default of `config` and of keepConnected, with its value", () => {
  const table = README.slice(README.indexOf("### Defaults and limits"));
  const row = (name) => {
    const m = new RegExp("^\\| `" + name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "` \\| ([^|]*) \\|", "m").exec(table);
    assert.ok(m, `no row for ${name}`);
    return m[1].trim();
  };
  for (const key of Object.keys(config)) {
    const value = config[key];
    const cell = row(key);
    if (typeof value === "number" && key !== "server") assert.equal(Number(cell.split(" ")[0]), value, `${key}: ${cell}`);
    else if (value === null || typeof value === "boolean") assert.equal(cell, String(value), key);
  }
  const source = fs.readFileSync(path.join(ROOT, "src", "client", "keep-connected.ts"), "utf8");
  const minDelay = Number(/options\.minDelay \|\| (\d+)/.exec(source)[1]);
  const maxDelay = Number(/options\.maxDelay \|\| (\d+)/.exec(source)[1]);
  assert.equal(row("keepConnected`: `minDelay"), `${minDelay} ms`);
  assert.equal(row("keepConnected`: `maxDelay"), `${maxDelay} ms`);
});
