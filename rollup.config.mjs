// One ES5 CommonJS file per entry, minified for Espruino (docs/architecture.md, "Espruino: facts that shape the code").
// TypeScript emits ES5; terser then keeps to ES5 syntax and hoists functions and `var`s to
// the top of their function: Espruino hoists neither, and a `var` declared in one branch
// and assigned in another would otherwise write to an outer variable of the same name.
import fs from "node:fs";
import path from "node:path";
import typescript from "@rollup/plugin-typescript";
import terser from "@rollup/plugin-terser";
import shortThis from "./scripts/short-this.mjs";
import ts from "typescript";

// Names that users, sockets or Espruino's own objects (E, Storage, Wifi) see: never renamed,
// even where a class has a private member of the same name. Names of JavaScript's and the
// DOM's built-ins (JSON.parse, console.log, ...) are kept by terser itself.
const PUBLIC = new Set(
  ("MQTTClient config keepConnected up down queue isConnected connect disconnect subscribe unsubscribe " +
    "publish brokerUp on off wait set clear isSet get discards oversized stop server port clientId user password " +
    "keepalive pingInterval responseTime maxRepubs will topic msg retain qos ssl queueLen maxPacketSize " +
    "maxInflight debug transport retained dup host write end destroy setNoDelay cork uncork writableCorked writableLength clsNow code returnCode cause " +
    "message subscriptions clean minDelay maxDelay length then push shift splice subarray log min max pow resolve reject " +
    // A session store's methods and records (src/store/store.ts): users write their own.
    "store flushed open add next sent released remove hold release clearSession count key packet id stage held lastId corrupt " +
    "random fromCharCode charCodeAt toString toUint8Array toArrayBuffer getSizeOf call apply sum memory free blocksize toFlatString " +
    // MQTT 5: the settings, options and results users name, and the properties, whose names
    // the codec's table holds as strings (src/codec/v5/properties.ts).
    "protocolVersion properties connack reasonCode noLocal retainAsPublished retainHandling " +
    "payloadFormatIndicator messageExpiryInterval contentType responseTopic correlationData subscriptionIdentifier " +
    "sessionExpiryInterval assignedClientIdentifier serverKeepAlive authenticationMethod authenticationData " +
    "requestProblemInformation willDelayInterval requestResponseInformation responseInformation serverReference " +
    "reasonString receiveMaximum topicAliasMaximum topicAlias maximumQoS retainAvailable userProperties " +
    "maximumPacketSize wildcardSubscriptionAvailable subscriptionIdentifiersAvailable sharedSubscriptionAvailable").split(" ")
);

// Property names are renamed in the bundle: on Espruino every name costs memory in the code
// and in each object. The library's bundles rename every name that src/ itself declares (class
// members, interface members, object literal keys) and that is not public; a name src/ does
// not declare (a built-in's, a socket's) is never touched. The board's bundle renames only
// `private` members, because its settings interface names the fields of a JSON file.
function tsFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? tsFiles(file) : file.endsWith(".ts") ? [file] : [];
  });
}

function declaredNames(dir) {
  const names = new Set();
  const visit = (node) => {
    if (
      (ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node) || ts.isPropertySignature(node) ||
        ts.isMethodSignature(node) || ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node) ||
        (ts.isParameter(node) && node.modifiers && node.modifiers.length)) &&
      node.name && ts.isIdentifier(node.name)
    ) {
      names.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  for (const file of tsFiles(dir)) visit(ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES5, true));
  return [...names].filter((name) => !PUBLIC.has(name));
}

function privateNames(dir) {
  const names = new Set();
  for (const file of tsFiles(dir)) {
    for (const m of fs.readFileSync(file, "utf8").matchAll(/\bprivate\s+(?:readonly\s+)?([A-Za-z_$][\w$]*)/g)) {
      if (!PUBLIC.has(m[1])) names.add(m[1]); // a private field may share a public name: kept
    }
  }
  return [...names];
}

const only = (names) => new RegExp(`^(${names.join("|")})$`);

// board/tsconfig.json sits one folder down: its options resolve from there, hence absolute paths.
const plugins = (tsconfig = "./tsconfig.json", all = false, mqtt5 = false, privates = "src") => [
  version(mqtt5),
  // sourceRoot: without it the maps name the sources one folder too high (outDir is dist/).
  typescript({ tsconfig, module: "ESNext", outDir: path.resolve("dist"), rootDir: path.resolve("."), noEmitOnError: true, sourceMap: true, sourceRoot: path.resolve(".") }),
  shortThis(),
  terser({
    ecma: 5,
    // directives: false keeps "ram", which terser would drop as unknown: on Espruino it copies
    // a function into RAM, where it runs ten times faster than from flash (src/client/client.ts).
    compress: { hoist_funs: true, hoist_vars: true, passes: 2, reduce_funcs: false, directives: false, keep_fargs: false },
    mangle: { properties: all ? { regex: only(declaredNames("src")), builtins: true } : { regex: only(privateNames(privates)) } },
    format: { ascii_only: true, comments: false },
  }),
];

// src/client/version.ts as rollup sees it: a `const` that it folds, so that the 3.1.1 bundle
// holds no MQTT 5 branch (TypeScript would emit a `var`, which rollup and terser keep).
const version = (mqtt5) => ({
  name: "version",
  resolveId(source, importer) {
    return source === "./version" && importer && path.dirname(importer) === path.resolve("src/client") ? "\0version" : null;
  },
  load(id) {
    return id === "\0version" ? `export const MQTT5 = ${mqtt5};` : null;
  },
});

// A source map beside each bundle, so that a stack trace on Node names src/ (run node with
// --enable-source-maps). Node finds a map only through the bundle's last line,
// `//# sourceMappingURL=...`: the libraries carry it (Node runs them), the board's application
// does not ("hidden"; scripts/upload.js sends no map, and strips the line from the libraries).
const output = (file, sourcemap = true) => ({ file, format: "cjs", esModule: false, strict: false, exports: "named", generatedCode: "es5", sourcemap });

// No module of src/ does anything at load time but define things (docs/architecture.md): one imported
// only for what the bundle does not use is left out whole.
const treeshake = { moduleSideEffects: false, tryCatchDeoptimization: false };

export default [
  { input: "src/index.ts", output: output("dist/mqtt_as.js"), plugins: plugins(undefined, true), treeshake },
  // The same client speaking MQTT 5 too (protocolVersion: 5).
  { input: "src/index.ts", output: output("dist/mqtt_as5.js"), plugins: plugins(undefined, true, true), treeshake },
  // The supervisor, for those who want it (the board app has it built in).
  { input: "src/keep-connected.ts", output: output("dist/keep-connected.js"), plugins: plugins(undefined, true), treeshake },
  // The session stores (src/store/), each its own module. Their methods are the Store
  // interface, which the client and users' own stores name: only src/store's private members
  // are renamed (src/'s would include hold and release, private in the client).
  { input: "src/store/flash-store.ts", output: output("dist/flash-store.js"), plugins: plugins(undefined, false, false, "src/store"), treeshake },
  { input: "src/store/file-store.ts", output: output("dist/file-store.js"), plugins: plugins(undefined, false, false, "src/store"), treeshake },
  // The ESP32 application and the library in one file (board/).
  { input: "board/main.ts", output: output("dist/board.js", "hidden"), plugins: plugins("./board/tsconfig.json"), treeshake },
];
