"use strict";
// scripts/upload.js: the espruino CLI argument lists, built without talking to a board.
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const fs = require("node:fs");
const os = require("node:os");
const { spawnSync } = require("node:child_process");
const { parseArgs, uploadArgs, settingsArgs, checkSettings, uploadProblem } = require("../../scripts/upload.js");
const { ROOT, SETTINGS } = require("./helpers.js");

test("serial: port, 115200 baud, no BLE, the bundle", () => {
  assert.deepEqual(uploadArgs(parseArgs(["upload", "--port", "/dev/ttyUSB0", "--ram"])), ["-p", "/dev/ttyUSB0", "-b", "115200", "--no-ble", "dist/board.js"]);
  assert.deepEqual(uploadArgs(parseArgs(["--port", "/dev/ttyACM0", "--baud", "921600", "--ram"])), ["-p", "/dev/ttyACM0", "-b", "921600", "--no-ble", "dist/board.js"]);
});

test("tcp://HOST: the telnet console, no baud rate", () => {
  assert.deepEqual(uploadArgs(parseArgs(["--port", "tcp://192.168.1.50", "--ram"])), ["-p", "tcp://192.168.1.50", "--no-ble", "dist/board.js"]);
});

test("the application goes to flash by default, with the CLI's SAVE_ON_SEND=1 (.bootcde, runs at boot); --ram to RAM; --save is the default", () => {
  const flash = ["-p", "/dev/ttyUSB0", "-b", "115200", "--no-ble", "--config", "SAVE_ON_SEND=1", "dist/board.js"];
  assert.deepEqual(uploadArgs(parseArgs(["--port", "/dev/ttyUSB0"])), flash);
  assert.deepEqual(uploadArgs(parseArgs(["--port", "/dev/ttyUSB0", "--save"])), flash);
  assert.deepEqual(uploadArgs(parseArgs(["--port", "tcp://esp32.local"])), [
    "-p", "tcp://esp32.local", "--no-ble", "--config", "SAVE_ON_SEND=1", "dist/board.js",
  ]);
  assert.ok(!uploadArgs(parseArgs(["--port", "/dev/ttyUSB0", "--ram"])).includes("--config"));
});

test("--library puts dist/mqtt_as.js and dist/keep-connected.js in Storage as modules", () => {
  const args = uploadArgs(parseArgs(["--port", "/dev/ttyUSB0", "--library"]));
  assert.deepEqual(args.slice(0, 9), [
    "-p", "/dev/ttyUSB0", "-b", "115200", "--no-ble",
    "--storage", "mqtt_as:dist/mqtt_as.js", "--storage", "keep-connected:dist/keep-connected.js",
  ]);
  assert.equal(args[9], "-e");
  assert.equal(args.length, 11);
});

test("--library sends the libraries as built for Espruino, which name no source map", () => {
  const args = uploadArgs(parseArgs(["--port", "/dev/ttyUSB0", "--library", "--mqtt5"]));
  const files = args.filter((a, i) => args[i - 1] === "--storage").map((a) => a.slice(a.indexOf(":") + 1));
  assert.deepEqual(files, ["dist/mqtt_as.js", "dist/mqtt_as5.js", "dist/keep-connected.js"]);
  for (const file of files) assert.ok(!fs.readFileSync(path.join(ROOT, file), "utf8").includes("sourceMappingURL"), `${file} names its map`);
  assert.ok(!args.some((a) => /\.map\b/.test(a)), "no map goes to the board: " + args.join(" "));
});

test("--library --mqtt5 puts dist/mqtt_as5.js in Storage as the module mqtt_as5 too", () => {
  const args = uploadArgs(parseArgs(["--port", "/dev/ttyUSB0", "--library", "--mqtt5"]));
  assert.deepEqual(args.slice(5, 11), ["--storage", "mqtt_as:dist/mqtt_as.js", "--storage", "mqtt_as5:dist/mqtt_as5.js", "--storage", "keep-connected:dist/keep-connected.js"]);
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
  bad(["--port", "/dev/ttyUSB0", "--ram", "--library"]);
  bad(["--port", "/dev/ttyUSB0", "--ram", "--save"]);
  bad(["settings", "--port", "/dev/ttyUSB0", "--file", "a.json", "--ram"]);
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
      [["upload", "--port", "/dev/ttyUSB0", "--ram", "--no-build"], uploadArgs(parseArgs(["--port", "/dev/ttyUSB0", "--ram"]))],
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

// What the CLI printed (0.1.67, over the telnet console of espruino-esp32c3): the board's lines
// after "--] ", its own without. It exits 0 in every one of these.
const CONNECTED = [
  "Espruino Command-line Tool 0.1.67",
  "Connecting to 'tcp://127.0.0.1:2323'",
  'getURL("http://www.espruino.com/json/LINUX_ESP32LIKE.json") error : Error: getaddrinfo ENOTFOUND www.espruino.com',
  "Connected",
  "--]  2v29.277 (c) 2026 G.Williams",
  "--] >",
];
const transcript = (...lines) => CONNECTED.concat(lines).join("\n") + "\n";

test("the CLI's output: a clean upload passes", () => {
  assert.equal(uploadProblem(transcript('--] \x1b[Jmqtt_as board: no "Wifi" module in this build of Espruino', "--] >", "Upload Complete"), {}), null);
  assert.equal(uploadProblem(transcript("--] 2048 bytes", "Upload Complete"), {}), null);
});

test("the CLI's output: OUT OF MEMORY, Uncaught or ERROR from the board fails the upload, naming the board's line", () => {
  const cases = [
    ["--] OUT OF MEMORYUncaught undefined", 'the board said "OUT OF MEMORYUncaught undefined"'],
    ["--] Uncaught SyntaxError: Got ')' expected EOF", 'the board said "Uncaught SyntaxError: Got \')\' expected EOF"'],
    ["--] ERROR: Out of Memory!", 'the board said "ERROR: Out of Memory!"'],
    ["--] \x1b[JERROR: Connect failed (err 111)", 'the board said "ERROR: Connect failed (err 111)"'],
  ];
  for (const [line, said] of cases) {
    assert.equal(uploadProblem(transcript(line, "--] >", "Upload Complete"), {}), said, line);
  }
  // Only the board's lines count: the CLI's own "error" above is not the board's.
  assert.equal(uploadProblem(transcript("--] an ERRORS count of 0", "Upload Complete"), {}), null);
});

test("the CLI's output: out of memory with --ram says to leave --ram out", () => {
  const oom = transcript("--] OUT OF MEMORYUncaught undefined", "--] New interpreter error: LOW_MEMORY,MEMORY", "Upload Complete");
  assert.match(uploadProblem(oom, { ram: true }), /^the board said "OUT OF MEMORYUncaught undefined" \(.*leave out --ram to send it to flash\)$/);
  assert.doesNotMatch(uploadProblem(oom, {}), /--ram/);
});

test("the CLI's output: an upload the CLI did not complete fails (it exits 0 after \"Unable to connect!\")", () => {
  const unreachable = "Espruino Command-line Tool 0.1.67\nConnecting to 'tcp://10.0.0.9'\nUnable to connect!\nDone\n";
  assert.match(uploadProblem(unreachable, {}), /did not complete the upload/);
});

test("upload and settings exit 1 with the board's words when the CLI's output shows a failure, and 0 when it does not", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-cli-"));
  try {
    // A stand-in for the CLI that prints a board's transcript and exits 0, as the CLI does.
    const cli = (name, text) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, `#!/bin/sh\ncat <<'EOF'\n${text}EOF\n`, { mode: 0o755 });
      return file;
    };
    const oom = cli("oom", transcript("--] OUT OF MEMORYUncaught undefined", "Upload Complete"));
    const clean = cli("clean", transcript("--] mqtt_as.json: 170 bytes", "Upload Complete"));
    const settings = path.join(dir, "settings.json");
    fs.writeFileSync(settings, JSON.stringify(SETTINGS));
    const upload = (cliFile, argv) =>
      spawnSync(process.execPath, ["scripts/upload.js", ...argv, "--port", "/dev/ttyUSB0"], { cwd: ROOT, env: { ...process.env, ESPRUINO_CLI: cliFile }, encoding: "utf8" });
    for (const argv of [["upload", "--no-build", "--ram"], ["upload", "--no-build"], ["upload", "--no-build", "--library"], ["settings", "--file", settings]]) {
      const failed = upload(oom, argv);
      assert.equal(failed.status, 1, argv.join(" ") + "\n" + failed.stdout + failed.stderr);
      assert.match(failed.stdout, /^--\] OUT OF MEMORYUncaught undefined$/m, "the CLI's output is shown");
      assert.match(failed.stderr, /^upload\.js: failed: the board said "OUT OF MEMORYUncaught undefined"/m);
      const passed = upload(clean, argv);
      assert.equal(passed.status, 0, argv.join(" ") + "\n" + passed.stdout + passed.stderr);
      assert.match(passed.stdout, /^--\] mqtt_as\.json: 170 bytes$/m);
      assert.equal(passed.stderr, "");
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the real CLI against a port where nothing listens (it exits 0 there): the upload exits 1", async () => {
  const server = require("node:net").createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  await new Promise((r) => server.close(r));
  const r = spawnSync(process.execPath, ["scripts/upload.js", "--port", `tcp://127.0.0.1:${port}`, "--no-build"], { cwd: ROOT, encoding: "utf8", timeout: 60000 });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^upload\.js: failed: the espruino CLI did not complete the upload/m);
});
