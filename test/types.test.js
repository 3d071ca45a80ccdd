"use strict";
// The package as a TypeScript user sees it: `import { MQTTClient, config } from "mqtt_as"`
// resolved through package.json (types, exports, typesVersions) of this folder, linked into
// a user's node_modules, and type-checked strictly with the declarations in dist/types/
// (`npm run build`). A correct program passes; a wrong one fails, so the types are not `any`.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.join(__dirname, "..");
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
const pkg = require("../package.json");

const GOOD = `
import { MQTTClient, config, Config, Message, MqttEvent, QoS } from "mqtt_as";
import { keepConnected, KeepConnectedOptions } from "mqtt_as/keep-connected";

const settings: Partial<Config> = { server: "broker.local", clientId: "ts-user", keepalive: 30 };
const client = new MQTTClient(settings);
const responseTime: number = config.responseTime;
const off: () => void = client.on("msg", (topic: string, msg: Uint8Array) => topic.length + msg.length);
off();

async function main(): Promise<void> {
  const sessionPresent: boolean = await client.connect(false);
  const granted: QoS = await client.subscribe("a/b", 1);
  await client.publish("a/b", "again", false, await client.subscribe("a/#")); // subscribe() resolves a QoS
  // Each event's callback gets its own parameter types, without annotations.
  client.on("msg", (topic, msg, retained, qos, dup, properties) => {
    const texts: string[] = [topic.toUpperCase(), String(msg.byteLength), String(retained && dup)];
    const level: QoS = qos;
    void [texts, level, properties && properties.contentType];
  });
  client.on("down", (error) => void (error && error.code === "TIMEOUT" && error.message));
  client.on("up", () => undefined);
  const qos: QoS = 2;
  await client.publish("a/b", new Uint8Array([1, 2]), true, qos);
  await client.publish("a/b", "text");
  const up: boolean = await client.brokerUp();
  const down: MqttEvent = client.down;
  await down.wait();
  const message: Message = await client.queue.get();
  const text: string = message.topic;
  const options: KeepConnectedOptions = { subscriptions: { "a/b": 1 }, clean: false, minDelay: 1000, maxDelay: 60000 };
  const sup = keepConnected(client, options);
  await sup.up.wait();
  sup.stop();
  await client.disconnect();
  const connected: boolean = client.isConnected;
  void [responseTime, sessionPresent, granted, up, text, connected];
}
main().catch(() => undefined);
`;

// Each line one mistake, each must be reported.
const BAD = `
import { MQTTClient } from "mqtt_as";
import { keepConnected } from "mqtt_as/keep-connected";
const client = new MQTTClient({ server: 1883 });
client.publish("a/b", 42);
client.subscribe("a/b", 3);
const n: number = client.connect();
keepConnected(client, { minDelay: "1s" });
client.nonsense();
client.on("msg", (topic) => topic.toFixed());
client.on("up", (x: string) => x);
client.on("down", (error) => error && error.code === "NOPE");
`;

function typecheck(dir, source, moduleResolution) {
  fs.writeFileSync(path.join(dir, "user.ts"), source);
  const module = moduleResolution === "bundler" ? "esnext" : moduleResolution === "node10" ? "commonjs" : moduleResolution;
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      skipLibCheck: false, // the declarations themselves must check
      target: "es2017",
      lib: ["es2017"],
      types: [],
      module,
      moduleResolution,
    },
    files: ["user.ts"],
  };
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  return spawnSync(process.execPath, [TSC, "-p", dir], { cwd: dir, encoding: "utf8" });
}

/** A user's project with this package installed as node_modules/mqtt_as (a link). */
function userProject(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ts-user-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, "node_modules"));
  fs.symlinkSync(ROOT, path.join(dir, "node_modules", "mqtt_as"), "dir");
  return dir;
}

test("package.json points TypeScript at declarations that the build made", () => {
  const targets = [pkg.types, pkg.exports["."].types, pkg.exports["./keep-connected"].types, pkg.typesVersions["*"]["keep-connected"][0]];
  for (const target of targets) assert.ok(fs.existsSync(path.join(ROOT, target)), `${target} is missing: npm run build`);
  assert.equal(pkg.exports["."].default, "./" + pkg.main);
});

for (const moduleResolution of ["node16", "bundler", "node10"]) {
  test(`a TypeScript user's program type-checks against the package (moduleResolution ${moduleResolution})`, (t) => {
    const dir = userProject(t);
    const r = typecheck(dir, GOOD, moduleResolution);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
}

test("a TypeScript user's mistakes are type errors, one for each", (t) => {
  const dir = userProject(t);
  const r = typecheck(dir, BAD, "node16");
  assert.notEqual(r.status, 0, "the wrong program type-checked");
  const lines = new Set([...r.stdout.matchAll(/^user\.ts\((\d+),\d+\): error TS\d+/gm)].map((m) => Number(m[1])));
  assert.deepEqual([...lines].sort((a, b) => a - b), [4, 5, 6, 7, 8, 9, 10, 11, 12], r.stdout); // every line from "new MQTTClient" on
});
