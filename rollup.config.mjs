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
    "maxInflight debug transport retained dup host write end destroy setNoDelay writableLength clsNow code returnCode cause " +
    "message subscriptions clean minDelay maxDelay onFailure length then push shift splice subarray log min max pow resolve reject " +
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
const plugins = (tsconfig = "./tsconfig.json", all = false, mqtt5 = false, privates = "src", espruino) => [
  fold("src/client/version", `export const MQTT5 = ${mqtt5};`),
  // undefined: a module for both platforms, which asks at load (keep-connected names no platform).
  espruino === undefined ? null : fold("src/codec/platform", `export const onEspruino = ${espruino};`),
  // sourceRoot: without it the maps name the sources one folder too high (outDir is dist/).
  typescript({ tsconfig, module: "ESNext", outDir: path.resolve("dist"), rootDir: path.resolve("."), noEmitOnError: true, sourceMap: true, sourceRoot: path.resolve(".") }),
  shortThis(),
  terser({
    ecma: 5,
    // directives: false keeps "ram", which terser would drop as unknown: on Espruino it copies
    // a function into RAM, where it runs ten times faster than from flash (src/client/client.ts).
    compress: { hoist_funs: true, hoist_vars: true, passes: 2, reduce_funcs: false, directives: false, keep_fargs: false },
    // Node's bundles name no local E, Espruino's global (test/package.test.js reads `typeof E` as
    // asking which platform a bundle is on); Espruino's never do, as they use the global.
    mangle: { reserved: espruino === false ? ["E"] : [], properties: all ? { regex: only(declaredNames("src")), builtins: true } : { regex: only(privateNames(privates)) } },
    format: { ascii_only: true, comments: false },
  }),
];

// A module of src/ as rollup sees it, replaced by `code` that defines a `const`, which rollup
// and terser fold (TypeScript would emit a `var`, which they keep): src/client/version.ts, so
// that the 3.1.1 bundle holds no MQTT 5 branch, and src/codec/platform.ts, so that a bundle for
// Espruino holds none of Node's paths and one for Node none of Espruino's.
const fold = (module, code) => ({
  name: "fold " + module,
  resolveId(source, importer) {
    return importer && path.resolve(path.dirname(importer), source) === path.resolve(module) ? "\0" + module : null;
  },
  load(id) {
    return id === "\0" + module ? code : null;
  },
});

// A source map beside each bundle, so that a stack trace names src/. Node finds a map only
// through the bundle's last line, `//# sourceMappingURL=...` (run node with
// --enable-source-maps): the bundles for Node carry it; those for Espruino do not ("hidden"),
// since it would cost the board's flash, and their maps serve to read a board's error by hand.
const output = (file, sourcemap = true) => ({ file, format: "cjs", esModule: false, strict: false, exports: "named", generatedCode: "es5", sourcemap });

// No module of src/ does anything at load time but define things (docs/architecture.md): one imported
// only for what the bundle does not use is left out whole.
const treeshake = { moduleSideEffects: false, tryCatchDeoptimization: false };

const library = (input, file, mqtt5, espruino) => ({ input, output: output(file, espruino ? "hidden" : true), plugins: plugins(undefined, true, mqtt5, "src", espruino), treeshake });

export default [
  // The client for Espruino (the board's Storage, the Web IDE), in 3.1.1 and in MQTT 5 too
  // (protocolVersion: 5), and the same for Node, which package.json names.
  library("src/index.ts", "dist/mqtt_as.js", false, true),
  library("src/index.ts", "dist/mqtt_as5.js", true, true),
  library("src/index.ts", "dist/node/mqtt_as.js", false, false),
  library("src/index.ts", "dist/node/mqtt_as5.js", true, false),
  // The supervisor, for those who want it (the board app has it built in).
  library("src/keep-connected.ts", "dist/keep-connected.js", false, true),
  library("src/keep-connected.ts", "dist/node/keep-connected.js", false, false),
  // The session stores (src/store/), each its own module for its platform. Their methods are
  // the Store interface, which the client and users' own stores name: only src/store's private
  // members are renamed (src/'s would include hold and release, private in the client).
  { input: "src/store/flash-store.ts", output: output("dist/flash-store.js", "hidden"), plugins: plugins(undefined, false, false, "src/store", true), treeshake },
  { input: "src/store/file-store.ts", output: output("dist/file-store.js"), plugins: plugins(undefined, false, false, "src/store", false), treeshake },
  // The ESP32 application and the library in one file (board/).
  { input: "board/main.ts", output: output("dist/board.js", "hidden"), plugins: plugins("./board/tsconfig.json", false, false, "src", true), treeshake },
];
