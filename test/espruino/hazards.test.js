"use strict";
// The built bundle must be free of what breaks on Espruino (docs/architecture.md, "Espruino: facts that
// shape the code"); the checker itself is proven on snippets that must and must not be flagged.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { findHazards } = require("./hazards.js");

const ROOT = path.join(__dirname, "..", "..");
const BUNDLES = ["mqtt_as.js", "mqtt_as5.js", "keep-connected.js", "flash-store.js", "board.js"];

function loadBundle(name) {
  const file = path.join(ROOT, "dist", name);
  if (!fs.existsSync(file)) {
    const r = spawnSync("npx", ["rollup", "-c", "--silent"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, `dist/${name} is missing and \`npx rollup -c\` failed:\n` + r.stdout + r.stderr);
  }
  assert.ok(fs.existsSync(file), `dist/${name} is missing after \`npx rollup -c\``);
  return fs.readFileSync(file, "utf8");
}

function show(hazards, source) {
  return hazards.map((h) => `  ${h.rule} at ${h.line}:${h.column}: ${h.message}\n    ...${source.slice(Math.max(0, h.pos - 40), h.pos + 40)}...`).join("\n");
}

for (const name of BUNDLES) {
  test(`dist/${name} has none of the Espruino hazards`, () => {
    const source = loadBundle(name);
    assert.ok(source.length > 0, `dist/${name} is empty`);
    const hazards = findHazards(source);
    assert.equal(hazards.length, 0, `hazards in dist/${name}:\n` + show(hazards, source));
  });
}

// Espruino copies a function whose first statement is "ram" into RAM when it is defined; from
// Storage, any other is read from flash at every call, about ten times slower (docs/measurements.md,
// "Speed"). The build must keep each one in place: terser drops directives it does not
// know, and a line put before one makes it an ordinary string.
// The MQTT 5 bundle keeps all of them; the 3.1.1 bundle those outside the MQTT 5 modules
// (src/codec/v5/, src/client/v5.ts), whose code it does not hold.
for (const [bundle, counted] of [
  ["mqtt_as.js", (file) => !/[\\/]v5([\\/]|\.ts$)/.test(file)],
  ["mqtt_as5.js", () => true],
]) {
  test(`dist/${bundle} keeps every "ram" directive of src/ it holds, each a function's first statement`, () => {
    const acorn = require("acorn");
    const walk = require("acorn-walk");
    const marked = (dir) =>
      fs.readdirSync(dir, { withFileTypes: true }).reduce((n, entry) => {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) return n + marked(file);
        return n + (file.endsWith(".ts") && counted(file) ? (fs.readFileSync(file, "utf8").match(/^\s*"ram";/gm) || []).length : 0);
      }, 0);
    const inSource = marked(path.join(ROOT, "src"));
    let inBundle = 0;
    walk.full(acorn.parse(loadBundle(bundle), { ecmaVersion: 5 }), (node) => {
      if ((node.type === "FunctionExpression" || node.type === "FunctionDeclaration") && node.body.body.some((s) => s.directive === "ram")) inBundle++;
    });
    assert.ok(inSource > 10, `"ram" marks in src/: ${inSource}`);
    assert.equal(inBundle, inSource);
  });
}

// [rule, snippet] — each snippet must yield at least one hazard of that rule.
const BAD = [
  ["es5-syntax", "let a = 1;"],
  ["es5-syntax", "var f = (x) => x;"],
  ["es5-syntax", "var s = `t`;"],
  ["es5-syntax", "var o = { ...p };"],
  ["es5-syntax", "async function f() { await g(); }"],
  ["es5-syntax", "function* g() { yield 1; }"],
  ["es5-syntax", "class A {}"],
  ["es5-syntax", "var x = a ?? b;"],

  // Seen in a bundle built without terser's hoist_vars: the LENGTH branch declared `var u`,
  // the BODY branch assigned `u`, and on Espruino that overwrote a module-level function.
  ["branch-var", "function p(s){ while (s) { if (s === 1) { var u = 2; } else { u = 3; } s--; } }"],
  ["branch-var", "function f(c){ if (c) { var q = 1; } else { q = 2; } return q; }"],
  ["branch-var", "function f(c){ if (c) var q = 1; else q = 2; return q; }"],
  ["branch-var", "function f(c){ if (c) { for (var i = 0; i < 2; i++); } return i; }"],
  ["branch-var", "function f(){ try { g(); var t = 1; } catch (e) {} return t; }"],
  ["branch-var", "function f(k){ switch (k) { case 1: var a = 1; break; case 2: a = 2; } }"],
  // Seen in a bundle where terser inlined a function with a local into a method: the method
  // became `return n = this, ...; var n`, and on Espruino wrote the module's function `n`.
  ["var-after-use", "function f(){ return n = this, g(n); var n }"],
  ["var-after-use", "function f(){ n(); var n = 1; }"],
  ["use-before-define", "f(); function f() {}"],
  ["use-before-define", "(function () { var r = h(); function h() { return 1; } })();"],
  ["use-before-define", "!function () { g(); function g() {} }();"],
  ["use-before-define", "var a = b; var b = 1;"],
  ["use-before-define", "(function () { var a = b + 1; var b = 2; return a; })();"],
  ["use-before-define", "exports.f = f; function f() {}"],
  ["use-before-define", "module.exports = { f: f }; function f() {}"],
  ["use-before-define", "function a() { return b(); } a(); function b() {}"],
  ["use-before-define", "var x = new C(); function C() {}"],
  ["use-before-define", "var C = function () { function C() {} C.prototype.m = M; return C; }(); function M() {}"],
  ["use-before-define", "var D = (function (_super) { __ext(D, _super); function D() {} return D; })(B); function __ext(a, b) {} function B() {}"],
  ["use-before-define", "x = 1; var x;"],
  ["use-before-define", "if (c) { var q = 1; } q;"],
  ["use-before-define", "if (c) { function q() {} } q();"],
  ["use-before-define", "for (var i = 0; i < 3; i++) { g(i); } function g() {}"],
  ["use-before-define", "[1, 2].forEach(function (x) { h(x); }); function h() {}"],
  ["use-before-define", "new Promise(function (res) { res(v); }); var v = 1;"],
  ["use-before-define", "(function () { return g(); function g() {} })();"],
  ["use-before-define", "(0, f)(); function f() {}"],
  ["use-before-define", "f.call(null); function f() {}"],
  ["use-before-define", "var o = c ? d : e; var e = 1, d = 2;"],
  ["use-before-define", "try { g(); var u = 1; } catch (e) { u = 0; }"],

  ["array-hole", "var a = [1, , 2];"],
  ["array-hole", "var a = [, 1];"],
  ["array-hole", "function f(x) { switch (x) { case 9: return [x,, x]; } return 0; }"],

  ["prototype-method", "var s = Array.prototype.slice.call(arguments);"],
  ["prototype-method", "var c = String.prototype.charCodeAt;"],
  ["prototype-method", "function f(u) { return Uint8Array.prototype.subarray.call(u, 1); }"],
  ["prototype-method", "var b = Function.prototype.bind;"],
  ["prototype-method", "var p = Array.prototype[\"push\"];"],

  ["apply-array", "function f(a) { return String.fromCharCode.apply(null, a); }"],
  ["apply-array", "function f(a) { return Math.max.apply(Math, a.slice(0)); }"],

  ["missing-builtin", "var m = new Map();"],
  ["missing-builtin", "var s = new Set();"],
  ["missing-builtin", "var w = new WeakMap();"],
  ["missing-builtin", "var w = new WeakSet();"],
  ["missing-builtin", "var it = Symbol.iterator;"],
  ["missing-builtin", "var a = Array.from(x);"],
  ["missing-builtin", "var a = Array.of(1);"],
  ["missing-builtin", "var t = Math.trunc(1.5);"],
  ["missing-builtin", "var t = Math.imul(2, 3);"],
  ["missing-builtin", "var ok = Number.isInteger(3);"],
  ["missing-builtin", "var o = Object.freeze({});"],
  ["missing-builtin", "var i = s.lastIndexOf('/');"],
  ["missing-builtin", "Promise.race([a, b]);"],
  ["missing-builtin", "Promise.allSettled([a]);"],
  ["missing-builtin", "p.then(f).finally(g);"],
  ["missing-builtin", "queueMicrotask(f);"],
  ["missing-builtin", "setImmediate(f);"],
  ["missing-builtin", "process.nextTick(f);"],
  ["missing-builtin", "var b = new TextEncoder().encode(s);"],
  ["missing-builtin", "var s = new TextDecoder().decode(b);"],
  ["missing-builtin", "var b = Buffer.from(s);"],
  ["missing-builtin", "var v = ArrayBuffer.isView(x);"],
  ["missing-builtin", "var c = s.codePointAt(0);"],
  ["missing-builtin", "throw new RangeError('x');"],
  ["missing-builtin", "var f = Number.isFinite(x);"],
  ["missing-builtin", "var p = new Proxy({}, {});"],

  ["var-after-use", "function f() { x = 1; var x; }"],
  ["ts-helper", "var __extends = (this && this.__extends) || function (d, b) {};"],
  ["ts-helper", "var __generator = (this && this.__generator) || function (thisArg, body) {};"],
  ["ts-helper", "var __awaiter = function () {}; __awaiter(this, void 0, void 0, function () {});"],
  ["ts-helper", "var __spreadArray = function () {};"],
  ["ts-helper", "var __extends$1 = function () {};"],
  ["ts-helper", "var e = function (d, b) { if (typeof b !== 'function' && b !== null) throw new TypeError('Class extends value ' + String(b)); };"],
  ["ts-helper", "function g() { throw new TypeError('Generator is already executing.'); }"],
];

for (const [rule, snippet] of BAD) {
  test(`flags ${rule}: ${snippet}`, () => {
    const hazards = findHazards(snippet);
    assert.ok(hazards.some((h) => h.rule === rule), `expected a ${rule} hazard, got ${JSON.stringify(hazards)}`);
    for (const h of hazards) {
      assert.equal(typeof h.message, "string");
      assert.ok(Number.isInteger(h.pos) && h.pos >= 0 && h.pos <= snippet.length, "position " + h.pos);
    }
  });
}

test("positions point at the offending code", () => {
  const src = "var a = 1;\nvar b = [a,, a];\nf();\nfunction f() {}\n";
  const hazards = findHazards(src);
  const hole = hazards.find((h) => h.rule === "array-hole");
  const early = hazards.find((h) => h.rule === "use-before-define");
  assert.deepEqual([hole.line, hole.column, src.slice(hole.pos, hole.pos + 1)], [2, 8, "["]);
  assert.deepEqual([early.line, early.column, src.slice(early.pos, early.pos + 1)], [3, 0, "f"]);
});

// Snippets in the shapes TypeScript, rollup and terser emit, plus feature tests: no hazards.
const GOOD = [
  "function f(){ var n = this; return g(n); }",
  "function f(){ var n; try { g(); } catch (n) { n = 1; } }",
  "function f(o){ return o.n; var n; }",
  "function f(){ for (var i = 0; i < 2; i++); return i; }", // a loop's own var runs with the loop
  "function f(c){ var q; if (c) { q = 1; } else { q = 2; } return q; }",
  "function f(c){ if (c) { var q = 1; q++; } }",
  "function f(c){ if (c) { var g = function (q) { return q; }; g(1); } }",
  "function f() {} f();",
  "function a() { return b(); } function b() { return 1; } a();",
  "function a() { return later(); } exports.a = a; function later() {}",
  "setTimeout(function () { g(); }, 0); function g() {}",
  "var p = Promise.resolve().then(function () { return g(); }); function g() {}",
  "var o = { m: function () { return later(); } }; function later() {}",
  "var o = { get x() { return later; } }; var later = 1;",
  "var x = x || {};",
  "var E; (function (E) { E[E.A = 0] = 'A'; })(E || (E = {}));",
  "var C = /** @class */ (function () { function C(a) { this.a = a; } C.prototype.m = function () { return helper(this.a); }; return C; }()); function helper(x) { return x; } exports.C = C;",
  "var C = function () { function t(t) { this.t = t; } return t.prototype.m = function () { return 1; }, t; }(); exports.C = C;",
  "var __assign = (this && this.__assign) || function () { return Object.assign.apply(Object, arguments); }; var o = __assign({}, { a: 1 });",
  "function f() { return [].slice.call(arguments, 1); }",
  "function f(s, i) { return s.charCodeAt(i); }",
  "var has = Object.prototype.hasOwnProperty; function own(o, k) { return has.call(o, k); }",
  "var ts = Object.prototype.toString;",
  "function f() { return g.apply(this, arguments); } function g() {}",
  "function f(a, b) { return g.apply(null, [a, b]); } function g() {}",
  "function f(u) { return u.subarray(1); }",
  "var hasSym = typeof Symbol !== 'undefined';",
  "var B = typeof Buffer !== 'undefined' ? Buffer : null;",
  "if (typeof Buffer === 'function') { exports.toBuf = function (u) { return Buffer.from(u); }; }",
  "var from = Array.from ? Array.from : function (a) { return [].slice.call(a); };",
  "function f() { var Map = {}; return new Map.K(); }",
  "function f(Set) { return Set.has(1); }",
  "var t = 0; if (c) { t = 1; } else { t = 2; } exports.t = t;",
  "var t; if (c) { t = 1; } exports.t = t;",
  "if (c) { var t = 1; exports.t = t; }",
  "function f() {} var r; try { r = f(); } catch (e) { r = e; } exports.r = r;",
  "function g() { return 1; } try { var t = g(); } catch (e) { t = 0; } exports.t = t;",
  "for (var i = 0, n = 3; i < n; i++) { exports[i] = i; }",
  "var k; for (k in o) { exports[k] = o[k]; }",
  "switch (x) { case 1: var y = 2; exports.y = y; break; default: exports.y = 0; }",
  "var a = [1, 2, 3], b = a.length;",
  "var s = 'a'.indexOf('b'), u = String.fromCharCode(65), n = Math.floor(1.5), i = parseInt('1', 10);",
  "var p = Promise.all([]), q = Promise.reject(new Error('x')).catch(function () {});",
  "function f(x) { switch (x) { case 1: return [x, x]; } return []; }",
  "var f = function g(n) { return n ? g(n - 1) : 0; }; f(2);",
  "(function (t) { var e = t.x; return e; })({ x: 1 });",
  "!function () { function g() {} g(); }();",
  "var D = function (t) { function e() { return t.call(this) || this; } return e; }(function () {});",
  "Object.defineProperty(exports, '__esModule', { value: true });",
  "var e = new Error('m'); e.code = 'TIMEOUT';",
  "function later() { return obj.lastIndexOfx; } var obj = {};",
];

for (const snippet of GOOD) {
  test(`accepts: ${snippet}`, () => {
    const hazards = findHazards(snippet);
    assert.deepEqual(hazards, [], "unexpected hazards:\n" + show(hazards, snippet));
  });
}
