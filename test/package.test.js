"use strict";
// What an installation gets: `npm pack` (and an install from a git URL, which runs `prepare`
// and then packs) holds both bundles and their declarations, and runs as `require("mqtt_as")`.
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const fs = require("node:fs");
const { spawnSync } = require("node:child_process");
const { installedPackage } = require("./helpers/installed-package.js");

const ROOT = path.join(__dirname, "..");
const pkg = require("../package.json");

test("the tarball holds the licence (MIT, as package.json says), the changelog and the README", () => {
  const { files } = installedPackage();
  for (const file of ["LICENSE", "CHANGELOG.md", "README.md"]) assert.ok(files.includes(file), `${file} is not in the tarball: ${files.join(", ")}`);
  assert.equal(pkg.license, "MIT");
  assert.match(fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8"), /^MIT License\n/);
});

test("the package holds the bundles, their source maps and the declarations of both entry points", () => {
  const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const files = JSON.parse(r.stdout)[0].files.map((f) => f.path);
  for (const file of ["dist/mqtt_as.js", "dist/mqtt_as.js.map", "dist/mqtt_as5.js", "dist/mqtt_as5.js.map", "dist/node/mqtt_as.js", "dist/node/mqtt_as.js.map", "dist/node/mqtt_as5.js", "dist/node/mqtt_as5.js.map", "dist/keep-connected.js", "dist/keep-connected.js.map", "dist/types/index.d.ts", "dist/types/keep-connected.d.ts", "dist/types/client/client.d.ts"]) {
    assert.ok(files.includes(file), `${file} is not in the package: ${files.join(", ")}`);
  }
  assert.ok(!files.some((f) => f.startsWith("src/") || f.startsWith("test/") || f.startsWith("dist/board")), files.join(", "));
});

test("installing from a git URL builds: prepare runs the build, which makes the bundles and the declarations", () => {
  assert.equal(pkg.scripts.prepare, "npm run build");
  assert.match(pkg.scripts.build, /\brollup -c\b/);
  assert.match(pkg.scripts.build, /\btsc -p tsconfig\.types\.json\b/);
});

// MQTT 5 costs 3.1.1 users nothing (issue 12): its branches test a constant that the build
// folds, so dist/mqtt_as.js holds none of them, and dist/mqtt_as5.js holds all; the same for
// Node's builds.
for (const dir of ["dist", "dist/node"]) {
  test(`${dir}/mqtt_as.js holds no MQTT 5 code; ${dir}/mqtt_as5.js does`, () => {
    const read = (name) => fs.readFileSync(path.join(ROOT, dir, name), "utf8");
    // From the client's MQTT 5 paths (src/client/v5.ts, client.ts) and the MQTT 5 codec.
    const marks = ["AUTH is not supported", "topic alias not set", "receiveMaximum", "userProperties", '"disconnected"'];
    const v3 = read("mqtt_as.js");
    const v5 = read("mqtt_as5.js");
    for (const mark of marks) {
      assert.ok(!v3.includes(mark), `${dir}/mqtt_as.js holds "${mark}"`);
      assert.ok(v5.includes(mark), `${dir}/mqtt_as5.js lacks "${mark}"`);
    }
  });
}

test("the package's entry points are Node's builds; a 3.1.1 publish() takes no properties", () => {
  assert.equal(require.resolve("mqtt_as"), path.join(ROOT, "dist/node/mqtt_as.js"));
  assert.equal(require.resolve("mqtt_as/mqtt5"), path.join(ROOT, "dist/node/mqtt_as5.js"));
  assert.equal(require("../dist/node/mqtt_as.js").MQTTClient.prototype.publish.length, 4);
});

// Each bundle is built for one platform: Espruino's hold none of Node's paths (a transport,
// setNoDelay, buffer pools) and never ask which platform they are on; Node's none of Espruino's.
test("dist/*.js are Espruino's and dist/node/*.js Node's: neither asks `typeof E` nor holds the other's paths", () => {
  for (const name of ["mqtt_as.js", "mqtt_as5.js", "flash-store.js", "board.js"]) {
    const board = fs.readFileSync(path.join(ROOT, "dist", name), "utf8");
    assert.ok(!/typeof E\b/.test(board), `dist/${name} asks typeof E`);
    assert.ok(!board.includes("setNoDelay"), `dist/${name} holds setNoDelay`);
  }
  for (const name of ["node/mqtt_as.js", "node/mqtt_as5.js", "file-store.js"]) {
    const node = fs.readFileSync(path.join(ROOT, "dist", name), "utf8");
    assert.ok(!/typeof E\b/.test(node), `dist/${name} asks typeof E`);
    assert.ok(!node.includes("E.toString"), `dist/${name} holds E.toString`);
  }
  assert.ok(fs.readFileSync(path.join(ROOT, "dist/node/mqtt_as.js"), "utf8").includes("setNoDelay"));
});

// As a user gets it: the tarball installed into a new project (test/helpers/installed-package.js).

function node(dir, file, source) {
  fs.writeFileSync(path.join(dir, file), source);
  return spawnSync(process.execPath, [file], { cwd: dir, encoding: "utf8" });
}

test("installed from the tarball, both bundles load by name: require and import of mqtt_as and mqtt_as/mqtt5", () => {
  const { dir } = installedPackage();
  const cjs = node(dir, "load.cjs", `
    const v3 = require("mqtt_as"), v5 = require("mqtt_as/mqtt5"), kc = require("mqtt_as/keep-connected");
    console.log(v3.MQTTClient.prototype.publish.length, v5.MQTTClient.prototype.publish.length, typeof kc.keepConnected);`);
  assert.equal(cjs.status, 0, cjs.stderr);
  assert.equal(cjs.stdout.trim(), "4 5 function", "mqtt_as is the 3.1.1 bundle, mqtt_as/mqtt5 the MQTT 5 one");
  const esm = node(dir, "load.mjs", `
    import { MQTTClient, config } from "mqtt_as/mqtt5";
    import { keepConnected } from "mqtt_as/keep-connected";
    console.log(MQTTClient.prototype.publish.length, typeof config, typeof keepConnected);`);
  assert.equal(esm.status, 0, esm.stderr);
  assert.equal(esm.stdout.trim(), "5 object function");
});

const TS_USER = `
import { MQTTClient, Properties, UserProperty } from "mqtt_as/mqtt5";
const client = new MQTTClient({ server: "broker.local", protocolVersion: 5, properties: { sessionExpiryInterval: 60 } });
async function main(): Promise<void> {
  await client.connect(false);
  await client.subscribe("a/#", 1, { noLocal: true, userProperties: { from: "ts" } });
  const given: Properties = { contentType: "text/plain", userProperties: { unit: "C", source: ["a", "b"] } };
  await client.publish("a/b", "21.5", false, 1, given);
  await client.publish("a/b", "21.5", false, 1, { userProperties: [["unit", "C"]] });
  const pairs: UserProperty[] = [["k", "v"]];
  await client.disconnect(0, { userProperties: pairs });
}
main().catch(() => undefined);
`;

for (const moduleResolution of ["node16", "bundler", "node10"]) {
  test(`installed from the tarball, a TypeScript program importing mqtt_as/mqtt5 type-checks (moduleResolution ${moduleResolution})`, () => {
    const { dir } = installedPackage();
    const sub = fs.mkdtempSync(path.join(dir, "ts-"));
    const module = moduleResolution === "bundler" ? "esnext" : moduleResolution === "node10" ? "commonjs" : moduleResolution;
    fs.writeFileSync(path.join(sub, "user.ts"), TS_USER);
    const compilerOptions = { strict: true, noEmit: true, skipLibCheck: false, target: "es2017", lib: ["es2017"], types: [], module, moduleResolution };
    fs.writeFileSync(path.join(sub, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["user.ts"] }));
    const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", sub], { cwd: sub, encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
}
