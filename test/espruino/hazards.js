"use strict";
// Static checks of the built bundle for what breaks on the Espruino interpreter but not on
// Node (DESIGN.md, "Espruino: facts that shape the code"). Every rule below was confirmed on
// Espruino 2v29 built for Linux. findHazards(source) returns [{rule, message, pos, line, column}].
//
// Rules:
//   es5-syntax        the source does not parse as ECMAScript 5
//   use-before-define a name of a scope is read, written or called while that scope's code runs
//                     at load time, before its `var` or `function` statement has run (Espruino
//                     does not hoist: the function is a ReferenceError, and a write goes to a
//                     global that the later `var` then shadows)
//   array-hole        an array literal with an elision (`[a,,b]`)
//   prototype-method  `Array.prototype.x`, `String.prototype.x`, ... (built-ins are not on the
//                     prototypes; only Object.prototype.* and a few others are)
//   apply-array       `f.apply(x, arr)` with arr neither `arguments` nor a short literal
//                     (Function.apply takes at most 256 arguments)
//   missing-builtin   a global, static method or method name the interpreter lacks
//   ts-helper         a TypeScript ES5 helper (__extends, __generator, __awaiter, __spreadArray, ...)
//   branch-var        a `var` declared inside a block (if, loop, try, ...) and used outside that
//                     block in the same function: Espruino creates the variable only when the
//                     declaration runs, so a use on another path reads or writes an outer one
//   var-after-use     a name used in a function before that function's own `var` of it, in the
//                     order of the text (terser leaves an inlined function's `var` after a
//                     `return`): Espruino reads or writes the outer variable of that name
//
// use-before-define simulates the straight-line execution at load time: the program, every
// function invoked while it runs (IIFEs, `.call`/`.apply` of them, calls of functions known by
// name, callbacks of synchronous array methods and Promise executors), statements in order, with
// definite-assignment merging at branches (a `var` inside an `if` that did not run leaves the
// name undefined on Espruino). Function bodies that only run later (callbacks, methods) are not
// executed, so calls to later declarations from inside them are fine.

const acorn = require("acorn");

const MAX_APPLY_LITERAL = 256;

// Globals that are not defined at all.
const MISSING_GLOBALS = new Set([
  "Symbol", "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry",
  "queueMicrotask", "setImmediate", "clearImmediate", "TextEncoder", "TextDecoder", "Buffer",
  "Reflect", "Proxy", "BigInt", "Intl", "RangeError", "escape", "unescape",
]);

// Static members that are missing: object name -> property names.
const MISSING_STATICS = {
  Array: ["from", "of"],
  Math: ["trunc", "imul", "log2", "clz32", "fround", "hypot", "cbrt"],
  Number: ["isInteger", "isFinite", "isNaN", "isSafeInteger", "parseInt", "parseFloat", "MAX_SAFE_INTEGER", "MIN_SAFE_INTEGER", "EPSILON"],
  Object: ["freeze", "isFrozen", "seal", "isSealed", "is"],
  Promise: ["race", "allSettled", "any"],
  ArrayBuffer: ["isView"],
  String: ["fromCodePoint", "raw"],
  Uint8Array: ["from", "of"],
  Error: ["captureStackTrace"],
  process: ["nextTick"],
};

// Method names that no built-in object has on Espruino (checked as `.name` on anything).
const MISSING_METHODS = new Set([
  "lastIndexOf", "codePointAt", "finally", "normalize", "localeCompare",
  "trimStart", "trimEnd", "flat", "flatMap", "findLast", "findLastIndex", "copyWithin",
]);

// Constructors whose `.prototype.method` is undefined on Espruino (Object.prototype.* works).
const BARE_PROTOTYPES = new Set([
  "Array", "String", "Function", "Number", "Boolean", "Date", "RegExp", "Promise", "ArrayBuffer",
  "DataView", "Uint8Array", "Int8Array", "Uint8ClampedArray", "Uint16Array", "Int16Array",
  "Uint32Array", "Int32Array", "Float32Array", "Float64Array",
]);

// TypeScript's emitted helpers, optionally renamed by rollup (`__extends$1`).
const TS_HELPER = /^__(extends|generator|awaiter|spreadArray|spread|read|values|rest|decorate|param|metadata|await|asyncGenerator|asyncDelegator|asyncValues|makeTemplateObject|classPrivateField\w*|createBinding|exportStar|importStar|importDefault|setFunctionName|propKey|esDecorate|runInitializers|addDisposableResource|disposeResources|rewriteRelativeImportExtension)(\$\d+)?$/;
// Texts that only the helpers contain, for when a minifier renamed them.
const TS_HELPER_TEXT = [
  ["Class extends value ", "__extends"],
  ["Generator is already executing.", "__generator"],
  ["Symbol.iterator is not defined.", "__values/__spreadArray"],
  ["Symbol.asyncIterator is not defined.", "__asyncValues"],
];

// Methods that call a function argument synchronously.
const SYNC_CALLBACK_METHODS = new Set([
  "forEach", "map", "filter", "some", "every", "reduce", "reduceRight", "find", "findIndex", "sort", "replace",
]);

const BUDGET = 200000; // simulated nodes, so that pathological inputs terminate

function isFunction(n) {
  return n && (n.type === "FunctionExpression" || n.type === "FunctionDeclaration" || n.type === "ArrowFunctionExpression");
}

function propName(member) {
  if (!member.computed && member.property.type === "Identifier") return member.property.name;
  if (member.computed && member.property.type === "Literal" && typeof member.property.value === "string") return member.property.value;
  return null;
}

// Child nodes of a node, in source order (which is evaluation order for expressions).
function children(node) {
  const out = [];
  for (const key of Object.keys(node)) {
    if (key === "type" || key === "start" || key === "end" || key === "loc" || key === "range") continue;
    const v = node[key];
    if (Array.isArray(v)) { for (const c of v) if (c && typeof c.type === "string") out.push(c); }
    else if (v && typeof v.type === "string") out.push(v);
  }
  out.sort((a, b) => a.start - b.start);
  return out;
}

// ---------------------------------------------------------------- scopes

class Scope {
  constructor(node, parent) {
    this.node = node;
    this.parent = parent;
    this.decls = new Map(); // name -> { kind: "var"|"function"|"param"|"catch"|"let"|"self", node }
  }
  declare(name, kind, node) {
    const prev = this.decls.get(name);
    // a function declaration beats a var of the same name; params stay params
    if (!prev || (kind === "function" && prev.kind === "var")) this.decls.set(name, { kind, node });
  }
  resolve(name) {
    for (let s = this; s; s = s.parent) if (s.decls.has(name)) return s;
    return null;
  }
}

function declarePattern(scope, pat, kind) {
  if (!pat) return;
  switch (pat.type) {
    case "Identifier": scope.declare(pat.name, kind, pat); break;
    case "ObjectPattern": for (const p of pat.properties) declarePattern(scope, p.type === "RestElement" ? p.argument : p.value, kind); break;
    case "ArrayPattern": for (const e of pat.elements) declarePattern(scope, e, kind); break;
    case "RestElement": declarePattern(scope, pat.argument, kind); break;
    case "AssignmentPattern": declarePattern(scope, pat.left, kind); break;
    default: break;
  }
}

// Builds a Scope for the program, every function and every catch clause; returns node -> Scope.
function buildScopes(ast) {
  const scopes = new Map();
  function visit(node, scope) {
    if (isFunction(node)) {
      if (node.type === "FunctionDeclaration" && node.id) scope.declare(node.id.name, "function", node);
      const fs = new Scope(node, scope);
      scopes.set(node, fs);
      if (node.type === "FunctionExpression" && node.id) fs.declare(node.id.name, "self", node);
      for (const p of node.params) declarePattern(fs, p, "param");
      visit(node.body, fs);
      for (const p of node.params) visit(p, fs);
      return;
    }
    if (node.type === "CatchClause") {
      const cs = new Scope(node, scope);
      scopes.set(node, cs);
      if (node.param) declarePattern(cs, node.param, "catch");
      visit(node.body, cs);
      return;
    }
    if (node.type === "VariableDeclaration") {
      // var is function-scoped; let/const are treated alike (their TDZ is the same hazard)
      let target = scope;
      if (node.kind === "var") while (target.node.type === "CatchClause") target = target.parent;
      for (const d of node.declarations) declarePattern(target, d.id, node.kind === "var" ? "var" : "let");
    }
    if (node.type === "ClassDeclaration" && node.id) scope.declare(node.id.name, "let", node);
    for (const c of children(node)) visit(c, scope);
  }
  const root = new Scope(ast, null);
  scopes.set(ast, root);
  for (const c of children(ast)) visit(c, root);
  return scopes;
}

// ---------------------------------------------------------------- the checker

function findHazards(source) {
  const hazards = [];
  const seen = new Set();
  let ast;

  function lineCol(pos) {
    let line = 1, last = -1;
    for (let i = source.indexOf("\n"); i !== -1 && i < pos; i = source.indexOf("\n", i + 1)) { line++; last = i; }
    return { line, column: pos - last - 1 };
  }
  function add(rule, message, pos) {
    const key = rule + "@" + pos + ":" + message;
    if (seen.has(key)) return;
    seen.add(key);
    const lc = lineCol(pos);
    hazards.push({ rule, message, pos, line: lc.line, column: lc.column });
  }

  const parseOpts = { sourceType: "script", allowReturnOutsideFunction: true, allowHashBang: true };
  try {
    ast = acorn.parse(source, Object.assign({ ecmaVersion: 5 }, parseOpts));
  } catch (e) {
    add("es5-syntax", "not ECMAScript 5: " + e.message, typeof e.pos === "number" ? e.pos : 0);
    try {
      ast = acorn.parse(source, Object.assign({ ecmaVersion: "latest" }, parseOpts));
    } catch (e2) {
      return hazards;
    }
  }

  const scopes = buildScopes(ast);
  staticChecks(ast, scopes, add);
  evaluationOrder(ast, scopes, add);
  branchVars(ast, add);
  hazards.sort((a, b) => a.pos - b.pos || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  return hazards;
}

// A `var` whose declaration sits in a block of its function (not directly in the body) and whose
// name is used outside that block, in the same function (nested functions have their own).
function branchVars(ast, add) {
  function inspect(body) {
    const nested = []; // { name, block }
    const direct = []; // `var` declarations on the function's own path: { name, id }
    const uses = []; // Identifier nodes, this function only
    // `region` is the innermost part of the function that may not run: a block, a branch of
    // an `if`, a loop's body, a case of a switch.
    function walk(node, region) {
      if (isFunction(node)) return; // its own function: inspected separately
      if (node.type === "VariableDeclaration" && node.kind === "var") {
        for (const d of node.declarations) if (d.id.type === "Identifier") (region ? nested : direct).push({ name: d.id.name, block: region, id: d.id });
      }
      if (node.type === "Identifier") uses.push(node);
      for (const c of children(node)) {
        if (node.type === "MemberExpression" && c === node.property && !node.computed) continue;
        if (node.type === "Property" && c === node.key && !node.computed) continue;
        if (node.type === "TryStatement" && c === node.block) {
          // The first statement of a try block always starts, and a var exists before its
          // initialiser runs: `try { var t = f(); } catch (e) { t = 0; }` is fine.
          c.body.forEach((st, k) => walk(st, k === 0 ? region : c));
          continue;
        }
        const conditional =
          c.type === "BlockStatement" ||
          node.type === "SwitchCase" ||
          (node.type === "IfStatement" && c !== node.test) ||
          (/^(For|ForIn|While|DoWhile)Statement$/.test(node.type) && c === node.body);
        // A loop's own declaration (for (var i ...)) runs whenever the loop is reached.
        walk(c, conditional ? (node.type === "SwitchCase" ? node : c) : region);
      }
    }
    for (const stmt of body) walk(stmt, null);
    for (const v of nested) {
      const outside = uses.find((u) => u.name === v.name && (u.start < v.block.start || u.end > v.block.end));
      if (outside) add("branch-var", `"${v.name}" is declared with var inside a block and used outside it`, outside.start);
    }
    for (const v of direct) {
      const before = uses.find((u) => u.name === v.name && u.start < v.id.start);
      if (before) add("var-after-use", `"${v.name}" is used before its var statement`, before.start);
    }
  }
  (function visitFunctions(node) {
    if (node.type === "Program") inspect(node.body);
    else if (isFunction(node) && node.body.type === "BlockStatement") inspect(node.body.body);
    for (const c of children(node)) visitFunctions(c);
  })(ast);
}

// Syntactic rules, with scope information so that a local `Map` or `Buffer` is not a global.
function staticChecks(ast, scopes, add) {
  const helpersSeen = new Set();

  function typeofNames(expr, out) {
    if (!expr || typeof expr.type !== "string") return out;
    if (expr.type === "UnaryExpression" && expr.operator === "typeof" && expr.argument.type === "Identifier") out.push(expr.argument.name);
    if (!isFunction(expr)) for (const c of children(expr)) typeofNames(c, out);
    return out;
  }

  function isGlobal(name, scope) { return !scope.resolve(name); }

  // node: current node; scope: innermost Scope; guards: names tested with typeof around here;
  // ctx: how the parent uses this node ("ref" = an expression that is read, "skip" = not a reference)
  function visit(node, scope, guards, ctx) {
    if (scopes.has(node) && node.type !== "Program") scope = scopes.get(node);

    switch (node.type) {
      case "Identifier": {
        if (TS_HELPER.test(node.name) && !helpersSeen.has(node.name)) {
          helpersSeen.add(node.name);
          add("ts-helper", "TypeScript helper " + node.name + " (fails on Espruino as emitted)", node.start);
        }
        if (ctx === "ref" && MISSING_GLOBALS.has(node.name) && !guards.has(node.name) && isGlobal(node.name, scope)) {
          add("missing-builtin", node.name + " does not exist on Espruino", node.start);
        }
        return;
      }
      case "Literal": {
        if (typeof node.value === "string") {
          for (const [text, helper] of TS_HELPER_TEXT) {
            if (node.value.indexOf(text) !== -1 && !helpersSeen.has(helper)) {
              helpersSeen.add(helper);
              add("ts-helper", "text of TypeScript helper " + helper + " (fails on Espruino as emitted)", node.start);
            }
          }
        }
        return;
      }
      case "ArrayExpression": {
        node.elements.forEach((el, i) => {
          if (el === null) add("array-hole", "array literal with a hole at element " + i, node.start);
        });
        break;
      }
      case "MemberExpression": {
        const name = propName(node);
        const obj = node.object;
        if (name !== null) {
          if (obj.type === "MemberExpression" && propName(obj) === "prototype" && obj.object.type === "Identifier" &&
              BARE_PROTOTYPES.has(obj.object.name) && isGlobal(obj.object.name, scope)) {
            add("prototype-method", obj.object.name + ".prototype." + name + " is undefined on Espruino (use an instance, e.g. [].slice)", node.start);
          } else if (obj.type === "Identifier" && Object.prototype.hasOwnProperty.call(MISSING_STATICS, obj.name) &&
              MISSING_STATICS[obj.name].indexOf(name) !== -1 && isGlobal(obj.name, scope) && !guards.has(obj.name + "." + name)) {
            add("missing-builtin", obj.name + "." + name + " does not exist on Espruino", node.start);
          } else if (MISSING_METHODS.has(name) && !guards.has("." + name)) {
            add("missing-builtin", "." + name + " does not exist on Espruino", node.property.start);
          }
        }
        visit(obj, scope, guards, "ref");
        if (node.computed) visit(node.property, scope, guards, "ref");
        return;
      }
      case "CallExpression": {
        const callee = node.callee;
        if (callee.type === "MemberExpression" && propName(callee) === "apply" && node.arguments.length >= 2) {
          const a = node.arguments[1];
          const ok = (a.type === "Identifier" && a.name === "arguments") ||
            (a.type === "ArrayExpression" && a.elements.length <= MAX_APPLY_LITERAL) ||
            (a.type === "Literal" && a.value === null) || (a.type === "Identifier" && a.name === "undefined");
          if (!ok) add("apply-array", ".apply with an array argument (Espruino allows at most 256 arguments); pass `arguments` or loop", callee.property.start);
        }
        break;
      }
      case "UnaryExpression": {
        if (node.operator === "typeof" && node.argument.type === "Identifier") return; // feature test
        break;
      }
      case "IfStatement":
      case "ConditionalExpression": {
        const g = typeofNames(node.test, []).concat(memberTests(node.test));
        if (g.length) guards = new Set([...guards, ...g]);
        break;
      }
      case "LogicalExpression": {
        const g = typeofNames(node.left, []).concat(memberTests(node.left));
        if (g.length) guards = new Set([...guards, ...g]);
        break;
      }
      case "Property": {
        if (node.computed) visit(node.key, scope, guards, "ref");
        visit(node.value, scope, guards, "ref");
        return;
      }
      case "MethodDefinition":
      case "PropertyDefinition": {
        if (node.computed) visit(node.key, scope, guards, "ref");
        if (node.value) visit(node.value, scope, guards, "ref");
        return;
      }
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression": {
        if (node.id) visit(node.id, scope, guards, "skip");
        for (const p of node.params) visit(p, scope, guards, "skip");
        visit(node.body, scope, guards, "ref");
        return;
      }
      case "VariableDeclarator": {
        visit(node.id, scope, guards, "skip");
        if (node.init) visit(node.init, scope, guards, "ref");
        return;
      }
      case "CatchClause": {
        if (node.param) visit(node.param, scope, guards, "skip");
        visit(node.body, scope, guards, "ref");
        return;
      }
      case "LabeledStatement": visit(node.body, scope, guards, "ref"); return;
      case "BreakStatement":
      case "ContinueStatement": return;
      default: break;
    }
    for (const c of children(node)) visit(c, scope, guards, "ref");
  }

  // `if (Array.from) ...`, `Number.isInteger ? ... : ...` guard the member they test.
  function memberTests(expr) {
    const out = [];
    (function walk(e) {
      if (!e || isFunction(e)) return;
      if (e.type === "MemberExpression") {
        const name = propName(e);
        if (name && e.object.type === "Identifier") out.push(e.object.name + "." + name);
        if (name) out.push("." + name);
      }
      for (const c of children(e)) walk(c);
    })(expr);
    return out;
  }

  visit(ast, scopes.get(ast), new Set(), "ref");
}

// ---------------------------------------------------------------- load-time evaluation order

function evaluationOrder(ast, scopes, add) {
  let budget = BUDGET;
  const active = new Set(); // functions being simulated (no recursion)

  // An Env is one activation of a Scope: the names whose declaration has run, and the
  // functions known to be bound to a name.
  function newEnv(scope, parent) { return { scope, parent, defined: new Set(), fns: new Map() }; }

  function lookup(env, name) {
    for (let e = env; e; e = e.parent) if (e.scope.decls.has(name)) return e;
    return null;
  }
  function chain(env) { const out = []; for (let e = env; e; e = e.parent) out.push(e); return out; }
  function snapshot(env) { return chain(env).map((e) => [e, new Set(e.defined)]); }
  function restore(snap) { for (const [e, s] of snap) e.defined = new Set(s); }
  function current(env) { return chain(env).map((e) => [e, new Set(e.defined)]); }
  // after two alternative paths: a name is defined only if both paths defined it
  function intersect(a, b) {
    for (let i = 0; i < a.length; i++) {
      const [e, sa] = a[i];
      const sb = b[i][1];
      e.defined = new Set([...sa].filter((n) => sb.has(n)));
    }
  }
  // run fn on a copy of the state, then come back: for code that may not run at all
  function maybe(env, fn) {
    const before = snapshot(env);
    fn();
    restore(before);
  }
  // two alternatives (if/else, a ? b : c)
  function either(env, first, second) {
    const before = snapshot(env);
    first();
    const afterFirst = current(env);
    restore(before);
    second();
    intersect(current(env), afterFirst);
  }

  function define(env, name, fnNode) {
    const e = lookup(env, name);
    if (!e) return;
    e.defined.add(name);
    if (fnNode) e.fns.set(name, fnNode); else e.fns.delete(name);
  }

  function describe(decl) {
    return decl.kind === "function" ? "function" : decl.kind === "let" ? "binding" : "var";
  }

  function use(env, id, how) {
    const name = id.name;
    if (name === "arguments" || name === "undefined") return;
    const e = lookup(env, name);
    if (!e || e.defined.has(name)) return;
    const decl = e.scope.decls.get(name);
    if (decl.kind === "param" || decl.kind === "self" || decl.kind === "catch") return;
    add("use-before-define",
      how + " `" + name + "` at load time before its " + describe(decl) + " declaration (at " + decl.node.start + ") has run (Espruino does not hoist)",
      id.start);
    e.defined.add(name); // report each name once per activation
  }

  function envFor(env, scope) {
    for (let e = env; e; e = e.parent) if (e.scope === scope) return e;
    return null;
  }

  // Runs the body of fnNode as called now, from env (which must contain its lexical parent).
  function callFunction(fnNode, env) {
    if (active.has(fnNode) || active.size > 30) return;
    const scope = scopes.get(fnNode);
    const parentEnv = envFor(env, scope.parent);
    if (!parentEnv) return;
    const fenv = newEnv(scope, parentEnv);
    for (const [name, d] of scope.decls) if (d.kind === "param" || d.kind === "self") fenv.defined.add(name);
    if (fnNode.type === "FunctionExpression" && fnNode.id) fenv.fns.set(fnNode.id.name, fnNode);
    active.add(fnNode);
    try {
      if (fnNode.body.type === "BlockStatement") statements(fnNode.body.body, fenv, true);
      else expr(fnNode.body, fenv);
    } finally {
      active.delete(fnNode);
    }
  }

  // The function a callee expression denotes, if known statically.
  function knownFunction(node, env) {
    if (!node) return null;
    if (isFunction(node)) return node;
    if (node.type === "Identifier") {
      const e = lookup(env, node.name);
      return e ? e.fns.get(node.name) || null : null;
    }
    if (node.type === "SequenceExpression") return knownFunction(node.expressions[node.expressions.length - 1], env);
    return null;
  }

  function statements(list, env, isBody) {
    for (const s of list) {
      if (budget <= 0) return;
      stmt(s, env);
      // what follows a return or throw at the top of a body never runs
      if (isBody && (s.type === "ReturnStatement" || s.type === "ThrowStatement")) return;
    }
  }

  function stmt(node, env) {
    if (!node || --budget <= 0) return;
    switch (node.type) {
      case "EmptyStatement": case "DebuggerStatement": case "BreakStatement": case "ContinueStatement": return;
      case "ExpressionStatement": expr(node.expression, env); return;
      case "VariableDeclaration":
        for (const d of node.declarations) {
          if (d.id.type === "Identifier") {
            // Espruino creates the variable before it evaluates the initialiser (`var x = x || {}` works)
            if (node.kind === "var") define(env, d.id.name, null);
            if (d.init) expr(d.init, env);
            define(env, d.id.name, d.init && isFunction(d.init) ? d.init : null);
          } else {
            if (d.init) expr(d.init, env);
            pattern(d.id, env);
          }
        }
        return;
      case "FunctionDeclaration": define(env, node.id.name, node); return;
      case "ClassDeclaration": if (node.superClass) expr(node.superClass, env); define(env, node.id.name, null); return;
      case "ReturnStatement": case "ThrowStatement": if (node.argument) expr(node.argument, env); return;
      case "BlockStatement": statements(node.body, env, false); return;
      case "LabeledStatement": stmt(node.body, env); return;
      case "IfStatement":
        expr(node.test, env);
        either(env, () => stmt(node.consequent, env), () => stmt(node.alternate, env));
        return;
      case "ForStatement":
        if (node.init) { if (node.init.type === "VariableDeclaration") stmt(node.init, env); else expr(node.init, env); }
        if (node.test) expr(node.test, env);
        maybe(env, () => { stmt(node.body, env); if (node.update) expr(node.update, env); });
        return;
      case "ForInStatement": case "ForOfStatement":
        expr(node.right, env);
        maybe(env, () => {
          if (node.left.type === "VariableDeclaration") {
            for (const d of node.left.declarations) pattern(d.id, env);
          } else assignTarget(node.left, env);
          stmt(node.body, env);
        });
        return;
      case "WhileStatement":
        expr(node.test, env);
        maybe(env, () => stmt(node.body, env));
        return;
      case "DoWhileStatement":
        stmt(node.body, env);
        expr(node.test, env);
        return;
      case "SwitchStatement":
        expr(node.discriminant, env);
        maybe(env, () => {
          // falling through runs the cases in order; any one of them may be the first
          for (const c of node.cases) {
            if (c.test) expr(c.test, env);
            statements(c.consequent, env, false);
          }
        });
        return;
      case "TryStatement": {
        const before = snapshot(env);
        stmt(node.block, env);
        if (node.handler) {
          const afterBlock = current(env);
          restore(before); // the throw may come before anything in the block ran
          // ... but a `var` opening the block exists before its initialiser can throw
          const first = node.block.body[0];
          if (first && first.type === "VariableDeclaration" && first.kind === "var") {
            for (const d of first.declarations) if (d.id.type === "Identifier") define(env, d.id.name, null);
          }
          const cenv = newEnv(scopes.get(node.handler), env);
          for (const name of cenv.scope.decls.keys()) cenv.defined.add(name);
          stmt(node.handler.body, cenv);
          intersect(current(env), afterBlock);
        }
        if (node.finalizer) stmt(node.finalizer, env);
        return;
      }
      case "WithStatement": expr(node.object, env); stmt(node.body, env); return;
      default:
        // anything else (class bodies, ES2015+ statements): read what it contains
        for (const c of children(node)) {
          if (/Statement|Declaration$/.test(c.type)) stmt(c, env); else expr(c, env);
        }
    }
  }

  function pattern(p, env) {
    if (!p) return;
    if (p.type === "Identifier") define(env, p.name, null);
    else if (p.type === "AssignmentPattern") { expr(p.right, env); pattern(p.left, env); }
    else if (p.type === "ObjectPattern") for (const q of p.properties) pattern(q.type === "RestElement" ? q.argument : q.value, env);
    else if (p.type === "ArrayPattern") for (const q of p.elements) pattern(q, env);
    else if (p.type === "RestElement") pattern(p.argument, env);
    else if (p.type === "MemberExpression") expr(p, env);
  }

  // the target of `x = ...` (evaluated after the right-hand side for identifiers)
  function assignTarget(left, env) {
    if (left.type === "Identifier") {
      const e = lookup(env, left.name);
      if (e && !e.defined.has(left.name)) {
        const decl = e.scope.decls.get(left.name);
        if (decl.kind !== "param" && decl.kind !== "self" && decl.kind !== "catch") {
          add("use-before-define",
            "assignment to `" + left.name + "` at load time before its " + describe(decl) + " declaration (at " + decl.node.start +
            ") has run (on Espruino it writes a global, and the later `var` hides it)",
            left.start);
        }
      }
      define(env, left.name, null);
    } else pattern(left, env);
  }

  function expr(node, env) {
    if (!node || --budget <= 0) return;
    switch (node.type) {
      case "Identifier": use(env, node, "read of"); return;
      case "Literal": case "ThisExpression": case "Super": case "MetaProperty": return;
      case "FunctionExpression": case "ArrowFunctionExpression": return; // a closure; its body runs later
      case "ClassExpression": if (node.superClass) expr(node.superClass, env); return;
      case "UnaryExpression":
        if (node.operator === "typeof" && node.argument.type === "Identifier") return; // typeof of an undefined name is fine
        expr(node.argument, env);
        return;
      case "UpdateExpression":
        if (node.argument.type === "Identifier") use(env, node.argument, "update of"); else expr(node.argument, env);
        return;
      case "AssignmentExpression":
        if (node.left.type === "Identifier") {
          if (node.operator !== "=") use(env, node.left, "update of");
          const fn = knownFunction(node.right, env);
          expr(node.right, env);
          assignTarget(node.left, env);
          if (fn && node.operator === "=") { const e = lookup(env, node.left.name); if (e) e.fns.set(node.left.name, fn); }
        } else if (node.left.type === "MemberExpression") {
          expr(node.left.object, env);
          if (node.left.computed) expr(node.left.property, env);
          expr(node.right, env);
        } else {
          expr(node.right, env);
          pattern(node.left, env);
        }
        return;
      case "LogicalExpression":
        expr(node.left, env);
        maybe(env, () => expr(node.right, env));
        return;
      case "ConditionalExpression":
        expr(node.test, env);
        either(env, () => expr(node.consequent, env), () => expr(node.alternate, env));
        return;
      case "MemberExpression":
        expr(node.object, env);
        if (node.computed) expr(node.property, env);
        return;
      case "CallExpression": case "NewExpression": {
        const callee = node.callee;
        let target = null;
        if (callee.type === "Identifier") {
          use(env, callee, "call of");
          target = knownFunction(callee, env);
        } else if (isFunction(callee)) {
          target = callee;
        } else if (callee.type === "MemberExpression" && (propName(callee) === "call" || propName(callee) === "apply")) {
          expr(callee, env);
          target = knownFunction(callee.object, env);
        } else if (callee.type === "SequenceExpression") {
          expr(callee, env);
          target = knownFunction(callee, env);
        } else {
          expr(callee, env);
        }
        for (const a of node.arguments) expr(a.type === "SpreadElement" ? a.argument : a, env);
        // callbacks that run now: [].forEach(function(){...}), new Promise(function(){...})
        const method = callee.type === "MemberExpression" ? propName(callee) : null;
        const runsCallback = (method && SYNC_CALLBACK_METHODS.has(method)) ||
          (node.type === "NewExpression" && callee.type === "Identifier" && callee.name === "Promise");
        if (runsCallback) {
          for (const a of node.arguments) { const f = knownFunction(a, env); if (f) callFunction(f, env); }
        }
        if (target) callFunction(target, env);
        return;
      }
      case "ObjectExpression":
        for (const p of node.properties) {
          if (p.type === "SpreadElement") { expr(p.argument, env); continue; }
          if (p.computed) expr(p.key, env);
          if (p.kind === "init") expr(p.value, env);
        }
        return;
      case "TaggedTemplateExpression": expr(node.tag, env); expr(node.quasi, env); return;
      case "SpreadElement": expr(node.argument, env); return;
      default:
        // ArrayExpression, BinaryExpression, SequenceExpression, TemplateLiteral, ...
        for (const c of children(node)) expr(c, env);
    }
  }

  const root = newEnv(scopes.get(ast), null);
  statements(ast.body, root, true);
}

module.exports = { findHazards };
