"use strict";
// scripts/upload.js through the real espruino CLI to an interpreter built for Linux (skipped
// unless ESPRUINO is set), over the interpreter's telnet console as over a board's. On the
// ESP32-C3's heap the application sent to RAM runs it out of memory, and the upload says so;
// sent to flash, the default, it runs.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { ESPRUINO, NO_ESPRUINO } = require("../helpers/espruino.js");
const { ROOT, SETTINGS } = require("./helpers.js");

// The console listens on port 2323, fixed, and several interpreters can listen there at once
// (other tests', other users'): the CLI could reach any of them. Each run gets a network of its
// own, and processes of its own: when the run's shell ends, however it ends, the interpreter
// ends with it (it ignores SIGTERM).
const NAMESPACES = ["-n", "-p", "-f", "--kill-child"];
const skip = !ESPRUINO
  ? NO_ESPRUINO
  : spawnSync("unshare", [...NAMESPACES, "ip", "link", "set", "lo", "up"]).status !== 0 && "needs namespaces of its own (unshare -n -p, ip) for the console's fixed port";

// In the namespaces: the loopback up, the interpreter serving its console from `dir` (its
// Storage) with a quiet standard input (at end of file the Linux build reads endless console
// input), then scripts/upload.js.
const RUN = `
set -e
ip link set lo up
cd "$1"
rm -f console-in && mkfifo console-in
exec 3<>console-in
"$2" --telnet <console-in >interpreter.log 2>&1 &
tries=0
until ss -ltn | grep -q ':2323 '; do tries=$((tries + 1)); [ $tries -lt 100 ] || exit 99; sleep 0.1; done
shift 2
exec "$@"
`;

/** Runs `program` on the interpreter in a new folder (Storage to start from), then the upload with `argv`: { status, out }. */
function upload(t, program, argv) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "upload-espruino-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, "seed.js"), program + "\nquit();\n");
  const seeded = spawnSync(ESPRUINO, ["seed.js"], { cwd: dir, input: "", timeout: 20000, encoding: "latin1" });
  assert.equal(seeded.status, 0, seeded.stdout);
  const env = { ...process.env };
  delete env.ESPRUINO_CLI;
  const r = spawnSync("unshare", [...NAMESPACES, "sh", "-c", RUN, "sh", dir, ESPRUINO, process.execPath, path.join(ROOT, "scripts", "upload.js"), ...argv, "--port", "tcp://127.0.0.1:2323", "--no-build"], {
    cwd: ROOT,
    env,
    encoding: "latin1",
    timeout: 90000,
    killSignal: "SIGKILL",
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** The interpreter's heap, in JsVars. */
function heap() {
  const r = spawnSync(ESPRUINO, ["-e", "print('HEAP '+process.memory().total);quit()"], { input: "", timeout: 20000, encoding: "latin1" });
  return Number(/HEAP (\d+)/.exec(r.stdout)[1]);
}

// A stand-in for the Wifi module that the Linux build lacks: require() finds it in Storage.
const STAND_IN_WIFI = `require("Storage").write("Wifi", "exports.connect=function(s,o,cb){setTimeout(function(){cb(null)},10)};exports.on=function(){};exports.removeListener=function(){};");`;

test("npm run upload sends dist/board.js to flash, where it runs, on either heap; to RAM (--ram) it fails on the ESP32-C3's with out of memory", { skip }, (t) => {
  // Settings without "server": the application, once running, says so, and connects nowhere.
  const { server, ...settings } = SETTINGS;
  const program = STAND_IN_WIFI + `require("Storage").write("mqtt_as.json", ${JSON.stringify(JSON.stringify(settings))});`;

  const flash = upload(t, program, []);
  assert.equal(flash.status, 0, flash.out);
  assert.match(flash.out, /SAVE_ON_SEND=1/);
  assert.match(flash.out, /^--\] [^\n]*mqtt_as board: missing field "server" in mqtt_as\.json\r?$/m, flash.out);
  assert.doesNotMatch(flash.out, /OUT OF MEMORY|Uncaught|failed:/, flash.out);

  const ram = upload(t, program, ["--ram"]);
  if (heap() < 8192) {
    assert.equal(ram.status, 1, ram.out);
    assert.match(ram.out, /^upload\.js: failed: the board said "OUT OF MEMORY.*leave out --ram to send it to flash\)$/m, ram.out);
  } else {
    assert.equal(ram.status, 0, ram.out);
    assert.match(ram.out, /^--\] [^\n]*mqtt_as board: missing field "server" in mqtt_as\.json\r?$/m, ram.out);
  }
});

// Not `npm run settings` here: over the interpreter's console the espruino CLI (0.1.67) itself,
// run by hand too, never exits after an upload as short as the settings'.
test("npm run upload -- --library succeeds on the interpreter", { skip }, (t) => {
  const library = upload(t, "", ["--library"]);
  assert.equal(library.status, 0, library.out);
  assert.match(library.out, /^--\] mqtt_as in Storage: \d+ bytes\r?$/m, library.out);
});
