// A rollup plugin, run on TypeScript's ES5 output before terser: Espruino keeps a module's
// code as text in RAM, and terser can rename variables but not `this` or `C.prototype`.
// - A function that says `this` three times or more gets `var $this = this`, used instead.
// - A class whose methods are assigned as `C.prototype.m = ...` gets `var $proto = C.prototype`
//   before the first one. Espruino hoists nothing, so the alias is declared before any use.
// Terser then gives each alias a one-letter name. Nothing else changes.
import * as acorn from "acorn";
import * as walk from "acorn-walk";

const MIN_USES = 3;

function isFunction(node) {
  return node.type === "FunctionDeclaration" || node.type === "FunctionExpression";
}

/** `C.prototype` where C is a plain identifier. */
function prototypeOf(node) {
  return node.type === "MemberExpression" && !node.computed && node.property.name === "prototype" &&
    node.object.type === "Identifier" ? node.object.name : null;
}

/** Edits as [start, end, text], collected for `code`. */
function collectEdits(code) {
  for (const name of ["$this", "$proto"]) {
    if (code.includes(name)) throw new Error(`short-this: the bundle already uses ${name}`);
  }
  // 2015: the one `const` of the bundle (rollup.config.mjs, version), which terser then folds away.
  const ast = acorn.parse(code, { ecmaVersion: 2015, sourceType: "script", allowReturnOutsideFunction: true });
  const thisUses = new Map(); // function node -> ThisExpression nodes of its own
  walk.ancestor(ast, {
    ThisExpression(node, _state, ancestors) {
      const owner = ancestors.slice().reverse().find(isFunction);
      if (!owner) return;
      if (!thisUses.has(owner)) thisUses.set(owner, []);
      thisUses.get(owner).push(node);
    },
  });
  const edits = [];
  for (const [fn, uses] of thisUses) {
    if (uses.length < MIN_USES) continue;
    // After the directives: Espruino reads "ram" only as a function's first statement.
    const directives = fn.body.body.filter((statement) => statement.directive !== undefined);
    const at = directives.length ? directives[directives.length - 1].end : fn.body.start + 1;
    edits.push([at, at, "var $this = this;"]);
    for (const use of uses) edits.push([use.start, use.end, "$this"]);
  }
  // Method assignments, statement by statement, in each block that has them.
  walk.full(ast, (node) => {
    if (node.type !== "BlockStatement" && node.type !== "Program") return;
    const byClass = new Map();
    for (const statement of node.body) {
      const e = statement.type === "ExpressionStatement" ? statement.expression : null;
      const target = e && e.type === "AssignmentExpression" && e.left.type === "MemberExpression" ? e.left.object : null;
      const name = target && prototypeOf(target);
      if (!name) continue;
      if (!byClass.has(name)) byClass.set(name, []);
      byClass.get(name).push({ statement, target });
    }
    for (const [name, methods] of byClass) {
      if (methods.length < MIN_USES) continue;
      edits.push([methods[0].statement.start, methods[0].statement.start, `var $proto = ${name}.prototype;`]);
      for (const m of methods) edits.push([m.target.start, m.target.end, "$proto"]);
    }
  });
  return edits;
}

function applyEdits(code, edits) {
  // From the end, so that earlier offsets stay valid; insertions at one place keep their order.
  edits.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  for (const [start, end, text] of edits) code = code.slice(0, start) + text + code.slice(end);
  return code;
}

export default function shortThis() {
  return {
    name: "short-this",
    renderChunk(code) {
      // No map of its own: the edits add no lines, so the source map keeps every line right
      // (columns move by a few characters on the lines edited).
      return { code: applyEdits(code, collectEdits(code)), map: null };
    },
  };
}
