"use strict";
// scripts/upload.js: the espruino CLI argument lists, built without talking to a board.
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const fs = require("node:fs");
const os = require("node:os");
const { spawnSync } = require("node:child_process");
const { parseArgs, uploadArgs, settingsArgs, checkSettings, boardCopies } = require("../../scripts/upload.js");
const { ROOT, SETTINGS } = require("./helpers.js");

test("serial: port, 115200 baud, no BLE, the bundle", () => {
  assert.deepEqual(uploadArgs(parseArgs(["upload", "--port", "/dev/ttyUSB0"])), ["-p", "/dev/ttyUSB0", "-b", "115200", "--no-ble", "dist/board.js"]);
  assert.deepEqual(uploadArgs(parseArgs(["--port", "/dev/ttyACM0", "--baud", "921600"])), ["-p", "/dev/ttyACM0", "-b", "921600", "--no-ble", "dist/board.js"]);
});

test("tcp://HOST: the telnet console, no baud rate", () => {
  assert.deepEqual(uploadArgs(parseArgs(["--port", "tcp://192.168.1.50"])), ["-p", "tcp://192.168.1.50", "--no-ble", "dist/board.js"]);
});

test("--save writes to flash with the CLI's SAVE_ON_SEND=1 (.bootcde, runs at boot)", () => {
  assert.deepEqual(uploadArgs(parseArgs(["--port", "/dev/ttyUSB0", "--save"])), [
    "-p", "/dev/ttyUSB0", "-b", "115200", "--no-ble", "--config", "SAVE_ON_SEND=1", "dist/board.js",
  ]);
  assert.deepEqual(uploadArgs(parseArgs(["--port", "tcp://esp32.local", "--save"])), [
    "-p", "tcp://esp32.local", "--no-ble", "--config", "SAVE_ON_SEND=1", "dist/board.js",
  ]);
});

test("--library puts dist/mqtt_as.js and dist/keep-connected.js in Storage as modules", () => {
  const args = uploadArgs(parseArgs(["--port", "/dev/ttyUSB0", "--library"]));
  assert.deepEqual(args.slice(0, 9), [
    "-p", "/dev/ttyUSB0", "-b", "115200", "--no-ble",
    "--storage", "mqtt_as:dist/board-modules/mqtt_as.js", "--storage", "keep-connected:dist/board-modules/keep-connected.js",
  ]);
  assert.equal(args[9], "-e");
  assert.equal(args.length, 11);
});

test("--library sends the libraries as built for Espruino: the same code, naming no source map", () => {
  const files = boardCopies(); // from dist/ as `npm run build` left it
  assert.deepEqual(files.map((f) => path.relative(ROOT, f)), ["dist/board-modules/mqtt_as.js", "dist/board-modules/mqtt_as5.js", "dist/board-modules/keep-connected.js"]);
  for (const file of files) {
    const sent = fs.readFileSync(file, "utf8");
    assert.equal(sent, fs.readFileSync(path.join(ROOT, "dist", path.basename(file)), "utf8"), "the same code");
    assert.ok(!sent.includes("sourceMappingURL"), `${path.basename(file)} names its map`);
  }
  const args = uploadArgs(parseArgs(["--port", "/dev/ttyUSB0", "--library"]));
  assert.ok(!args.some((a) => /\.map\b/.test(a)), "no map goes to the board: " + args.join(" "));
});

test("--library --mqtt5 puts dist/mqtt_as5.js in Storage as the module mqtt_as5 too", () => {
  const args = uploadArgs(parseArgs(["--port", "/dev/ttyUSB0", "--library", "--mqtt5"]));
  assert.deepEqual(args.slice(5, 11), ["--storage", "mqtt_as:dist/board-modules/mqtt_as.js", "--storage", "mqtt_as5:dist/board-modules/mqtt_as5.js", "--storage", "keep-connected:dist/board-modules/keep-connected.js"]);
  assert.throws(() => parseArgs(["--port", "/dev/ttyUSB0", "--mqtt5"]), { code: "BAD_ARGUMENT", message: /--mqtt5 goes with --library/ });
});

test("settings: the file goes to Storage as mqtt_as.json, without a reset", () => {
  const args = settingsArgs(parseArgs(["settings", "--port", "tcp://10.0.0.5", "--file", "my.json"]));
  assert.deepEqual(args.slice(0, 5), ["-p", "tcp://10.0.0.5", "--no-ble", "--storage", "mqtt_as.json:my.json"]);
  assert.equal(args[5], "-e", "an expression and no file: the CLI does not reset the board");
  assert.match(args[6], /require\("Storage"\)\.read\("mqtt_as\.json"\)/);
});

test("bad command lines are refused with BAD_ARGUMENT", () => {
  const bad = (argv) => assert.throws(() => parseArgs(argv), (e) => e.code === "BAD_ARGUMENT");
  bad([]);
  bad(["--port"]);
  bad(["--port", "/dev/ttyUSB0", "--baud", "fast"]);
  bad(["--port", "/dev/ttyUSB0", "--bogus"]);
  bad(["settings", "--port", "/dev/ttyUSB0"]);
  bad(["settings", "--port", "/dev/ttyUSB0", "--file", "a.json", "--save"]);
  bad(["--port", "/dev/ttyUSB0", "--save", "--library"]);
  assert.throws(() => settingsArgs({ port: "/dev/ttyUSB0", file: "C:\\s.json" }), /':'/);
});

test("settings are checked with the board's own readSettings before sending", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "settings-"));
  try {
    const good = path.join(dir, "good.json");
    const bad = path.join(dir, "bad.json");
    fs.writeFileSync(good, JSON.stringify(SETTINGS));
    const { statusTopic, ...rest } = SETTINGS;
    fs.writeFileSync(bad, JSON.stringify(rest));
    assert.equal(checkSettings(good).clientId, "esp32-test");
    assert.throws(() => checkSettings(bad), (e) => e.code === "BAD_ARGUMENT" && /"statusTopic"/.test(e.message));
    // The command line: refuses before starting the CLI, prints the command on --dry-run.
    const r = spawnSync(process.execPath, ["scripts/upload.js", "settings", "--port", "/dev/ttyUSB0", "--file", bad], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /missing field "statusTopic"/);
    const dry = spawnSync(process.execPath, ["scripts/upload.js", "settings", "--port", "/dev/ttyUSB0", "--file", good, "--dry-run"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /^cd \S+ && npx espruino -p \/dev\/ttyUSB0 -b 115200 --no-ble --storage mqtt_as\.json:/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the espruino CLI is installed where the script looks for it", () => {
  assert.ok(fs.existsSync(path.join(ROOT, "node_modules", ".bin", "espruino")));
});

test("the settings checker names the file the user gave, not the name it takes on the board", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "settings-"));
  try {
    const { statusTopic, ...rest } = SETTINGS;
    fs.writeFileSync(path.join(dir, "bad.json"), JSON.stringify(rest));
    fs.writeFileSync(path.join(dir, "broken.json"), '{"ssid": "net",');
    fs.writeFileSync(path.join(dir, "empty.json"), "\n");
    const named = (file, pattern) =>
      assert.throws(() => checkSettings(path.join(dir, file), file), (e) => {
        assert.equal(e.code, "BAD_ARGUMENT");
        assert.match(e.message, pattern);
        assert.doesNotMatch(e.message, /mqtt_as\.json|Storage/);
        return true;
      });
    named("bad.json", /missing field "statusTopic" in bad\.json$/);
    named("broken.json", /settings file broken\.json is not valid JSON: /);
    named("empty.json", /settings file empty\.json is empty/);
    named("absent.json", /cannot read the settings file absent\.json: ENOENT/);
    // From the command line, a path relative to where npm was run, as typed.
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts/upload.js"), "settings", "--port", "/dev/ttyUSB0", "--file", "bad.json"], {
      cwd: ROOT,
      env: { ...process.env, INIT_CWD: dir },
      encoding: "utf8",
    });
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), 'upload.js: missing field "statusTopic" in bad.json');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** The words a POSIX shell makes of `line` when `npx` prints its arguments instead of running. */
function shellWords(line, cwdOut) {
  const script = `npx() { shift; for a in "$@"; do printf '%s\\0' "$a"; done; pwd > ${JSON.stringify(cwdOut)}; }\n${line}\n`;
  const r = spawnSync("sh", ["-c", script], { encoding: "utf8" });
  assert.equal(r.status, 0, `the line does not run in sh: ${line}\n${r.stderr}`);
  return r.stdout.split("\0").slice(0, -1);
}

test("--dry-run prints a command that a shell runs as it is, with the same arguments", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dry run's "));
  try {
    const file = path.join(dir, "my settings.json");
    fs.writeFileSync(file, JSON.stringify(SETTINGS));
    const cwdOut = path.join(dir, "cwd");
    const cases = [
      [["upload", "--port", "/dev/ttyUSB0", "--no-build"], uploadArgs(parseArgs(["--port", "/dev/ttyUSB0"]))],
      [["upload", "--port", "tcp://192.168.1.50", "--save", "--no-build"], uploadArgs(parseArgs(["--port", "tcp://192.168.1.50", "--save"]))],
      [["upload", "--port", "/dev/ttyUSB0", "--library", "--no-build"], uploadArgs(parseArgs(["--port", "/dev/ttyUSB0", "--library"]))],
      [["settings", "--port", "/dev/ttyUSB0", "--file", file], settingsArgs({ port: "/dev/ttyUSB0", file })],
    ];
    for (const [argv, expected] of cases) {
      const r = spawnSync(process.execPath, ["scripts/upload.js", ...argv, "--dry-run"], { cwd: ROOT, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const line = r.stdout.trim();
      assert.equal(line.split("\n").length, 1, line);
      assert.deepEqual(shellWords(line, cwdOut), expected, line);
      assert.equal(fs.readFileSync(cwdOut, "utf8").trim(), fs.realpathSync(ROOT), "it runs where the relative paths point");
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
