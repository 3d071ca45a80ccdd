"use strict";
// A Node vm context stripped of the built-ins Espruino lacks, with a loader that runs the
// built codec modules (build/codec) inside it: for the tests that the 3.1.1 codec
// (test/codec/no-builtins.test.js) and the MQTT 5 codec (test/codec/v5/espruino.test.js)
// need none of those built-ins.
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const BUILD = path.join(__dirname, "../../build/codec");

/**
 * A new context without Map, Set, Symbol, TextEncoder, Array.from, Math.trunc, ... and
 * load(file), a tiny CommonJS loader that runs the module at the absolute path file inside it;
 * the module may require only relative paths inside build/codec.
 */
function strippedContext() {
  const context = vm.createContext({});
  vm.runInContext(
    `for (const name of ["Map", "Set", "WeakMap", "WeakSet", "Symbol", "Reflect", "Proxy", "TextEncoder",
       "TextDecoder", "queueMicrotask", "BigInt"]) delete globalThis[name];
     delete Array.from; delete Array.of; delete Math.trunc; delete Math.imul; delete Number.isInteger;
     delete Object.freeze; delete String.prototype.codePointAt; delete ArrayBuffer.isView;`,
    context,
  );
  const cache = {};
  function load(file) {
    if (cache[file]) return cache[file].exports;
    const module = { exports: {} };
    cache[file] = module;
    const fn = vm.runInContext("(function (exports, require, module) {" + fs.readFileSync(file, "utf8") + "\n})", context);
    fn(module.exports, (n) => {
      assert.ok(n.startsWith("."), "codec imports outside codec/: " + n);
      const target = path.resolve(path.dirname(file), n) + ".js";
      assert.ok(target.startsWith(BUILD + path.sep), "outside build/codec: " + target);
      return load(target);
    }, module);
    return module.exports;
  }
  return { context, load };
}

/** x as plain JSON values, typed arrays as arrays: to compare values made in two contexts. */
const plain = (x) => JSON.parse(JSON.stringify(x, (k, v) => (v && typeof v.length === "number" && typeof v !== "string" && !Array.isArray(v) ? Array.from(v) : v)));

module.exports = { BUILD, strippedContext, plain };
