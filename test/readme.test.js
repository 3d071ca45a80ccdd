"use strict";
// The README's Node examples run as written, pasted into a .js file (CommonJS: no top-level
// await), against an in-process Aedes broker: only the server (and a port) is substituted.
// Its table of defaults names every setting of the exported `config`, with its value.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { startAedes } = require("./helpers/brokers.js");
const { config } = require("../dist/mqtt_as.js");

const ROOT = path.join(__dirname, "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The ```js blocks of the README's Node use: from "## Use" up to the Espruino example. */
function nodeExamples() {
  const use = README.slice(README.indexOf("\n## Use\n"), README.indexOf("\nEspruino:\n"));
  return [...use.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
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

test("the README has two Node examples, each a whole program for `node file.js`", () => {
  const examples = nodeExamples();
  assert.equal(examples.length, 2, "examples found: " + examples.length);
  for (const code of examples) {
    assert.match(code, /require\("mqtt_as"\)/);
    assert.match(code, /server: "broker\.local"/);
  }
});

nodeExamples().forEach((code, i) => {
  test(`README Node example ${i + 1} runs as written against Aedes and exits by itself`, { timeout: 30000 }, async (t) => {
    const broker = await startAedes();
    t.after(() => broker.close());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "readme-"));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    // require("mqtt_as") finds this package as an installed one would be found.
    fs.mkdirSync(path.join(dir, "node_modules"));
    fs.symlinkSync(ROOT, path.join(dir, "node_modules", "mqtt_as"), "dir");
    const source = code.replace(/server: "broker\.local"/g, `server: "127.0.0.1", port: ${broker.port}`);
    fs.writeFileSync(path.join(dir, "example.js"), source);
    const r = await run(dir, "example.js");
    assert.equal(r.signal, null, "killed: it did not exit by itself\n" + r.out);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^sensors\/t 21\.5\b/m, "the message came back");
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
