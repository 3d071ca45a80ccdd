// One ES5 CommonJS file per entry, minified for Espruino (DESIGN.md, "facts that shape the code").
// TypeScript emits ES5; terser then hoists functions and keeps to ES5 syntax, so the bundle
// has no use-before-declaration and nothing the interpreter cannot parse.
import typescript from "@rollup/plugin-typescript";
import terser from "@rollup/plugin-terser";

const plugins = () => [
  typescript({ tsconfig: "./tsconfig.json", module: "ESNext", outDir: "dist", rootDir: ".", noEmitOnError: true }),
  terser({
    ecma: 5,
    compress: { hoist_funs: true, passes: 2, unsafe: false },
    mangle: true,
    format: { ascii_only: true, comments: false },
  }),
];

const output = (file) => ({ file, format: "cjs", esModule: false, strict: false, exports: "named", generatedCode: "es5" });

export default [
  { input: "src/index.ts", output: output("dist/mqtt_as.js"), plugins: plugins() },
];
