// One ES5 CommonJS file per entry, minified for Espruino (DESIGN.md, "facts that shape the code").
// TypeScript emits ES5; terser then keeps to ES5 syntax and hoists functions and `var`s to
// the top of their function: Espruino hoists neither, and a `var` declared in one branch
// and assigned in another would otherwise write to an outer variable of the same name.
import fs from "node:fs";
import path from "node:path";
import typescript from "@rollup/plugin-typescript";
import terser from "@rollup/plugin-terser";
import shortThis from "./scripts/short-this.mjs";

// Names that users, sockets or Espruino's own objects (E, Storage, Wifi) see: never renamed,
// even where a class has a private member of the same name. Names of JavaScript's and the
// DOM's built-ins (JSON.parse, console.log, ...) are kept by terser itself.
const PUBLIC = new Set(
  ("MQTTClient config keepConnected up down queue isConnected connect disconnect subscribe unsubscribe " +
    "publish brokerUp on off wait set clear isSet get discards stop server port clientId user password " +
    "keepalive pingInterval responseTime maxRepubs will topic msg retain qos ssl queueLen maxPacketSize " +
    "maxInflight debug transport retained dup host write end destroy setNoDelay cork uncork code returnCode cause " +
    "message subscriptions clean minDelay maxDelay length then push shift splice subarray log min max pow " +
    "random fromCharCode charCodeAt toString toUint8Array toArrayBuffer getSizeOf call apply").split(" ")
);

// `private` members are renamed in the bundle: on Espruino every property name costs memory
// in the code and in each object.
function privateNames(dir) {
  const names = new Set();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) privateNames(file).forEach((n) => names.add(n));
    else if (file.endsWith(".ts")) {
      for (const m of fs.readFileSync(file, "utf8").matchAll(/\bprivate\s+(?:readonly\s+)?([A-Za-z_$][\w$]*)/g)) {
        if (!PUBLIC.has(m[1])) names.add(m[1]); // a private field may share a public name: kept
      }
    }
  }
  return names;
}

// board/tsconfig.json sits one folder down: its options resolve from there, hence absolute paths.
const plugins = (tsconfig = "./tsconfig.json", all = false) => [
  typescript({ tsconfig, module: "ESNext", outDir: path.resolve("dist"), rootDir: path.resolve("."), noEmitOnError: true }),
  shortThis(),
  terser({
    ecma: 5,
    compress: { hoist_funs: true, hoist_vars: true, passes: 2 },
    mangle: { properties: all ? { reserved: [...PUBLIC] } : { regex: new RegExp(`^(${[...privateNames("src")].join("|")})$`) } },
    format: { ascii_only: true, comments: false },
  }),
];

const output = (file) => ({ file, format: "cjs", esModule: false, strict: false, exports: "named", generatedCode: "es5" });

export default [
  { input: "src/index.ts", output: output("dist/mqtt_as.js"), plugins: plugins(undefined, true) },
  // The supervisor, for those who want it (the board app has it built in).
  { input: "src/keep-connected.ts", output: output("dist/keep-connected.js"), plugins: plugins(undefined, true) },
  // The ESP32 application and the library in one file (board/).
  { input: "board/main.ts", output: output("dist/board.js"), plugins: plugins("./board/tsconfig.json") },
];
