#!/usr/bin/env node
// Sends the board application, the library or the settings to an ESP32 running Espruino,
// through the `espruino` CLI (a dev dependency). The argument lists are built by pure
// functions, tested in test/board/upload.test.js without a board.
//
//   npm run upload -- --port /dev/ttyUSB0            build, write dist/board.js to flash (.bootcde) and
//                                                    run it: it runs at every boot, on the ESP32 and the
//                                                    ESP32-C3 alike
//   npm run upload -- --port /dev/ttyUSB0 --ram      ... to RAM instead: runs at once, gone after a reset;
//                                                    not on the ESP32-C3, whose RAM cannot hold it
//   npm run upload -- --port tcp://192.168.1.50      ... over the board's telnet console (port 23)
//   npm run upload -- --port /dev/ttyUSB0 --library  dist/mqtt_as.js and dist/keep-connected.js to
//                                                    Storage as modules "mqtt_as" and "keep-connected"
//                                                    (built for Espruino: no line naming a source map)
//   npm run upload -- --port /dev/ttyUSB0 --library --mqtt5   ... and dist/mqtt_as5.js as "mqtt_as5"
//   npm run settings -- --port /dev/ttyUSB0 --file settings.json   the settings file to Storage
//
// Options: --baud N (serial only, default 115200), --no-build (else it builds when src/ or board/
// changed since the last build), --dry-run (print the command,
// quoted for a POSIX shell, to be pasted as it is). --save, once needed for flash, is accepted.
//
// The CLI exits 0 whatever the board answers; this script exits 1 when the board printed
// OUT OF MEMORY, Uncaught or ERROR, or when the CLI did not finish the upload.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawn, spawnSync } = require("node:child_process");

const ROOT = path.join(__dirname, "..");
// ESPRUINO_CLI: another program in its place (the tests' stand-in that prints a board's transcript).
const CLI = process.env.ESPRUINO_CLI || path.join(ROOT, "node_modules", ".bin", "espruino");
const BAUD = 115200;
const SETTINGS_FILE = "mqtt_as.json"; // board/settings.ts SETTINGS_FILE
const MODULE_NAME = "mqtt_as";
// The libraries as the board gets them (--library): dist/*.js are built for Espruino.
const BOARD_DIR = "dist";

function usage(message) {
  const error = new Error(message);
  error.code = "BAD_ARGUMENT";
  return error;
}

/** Parses `[upload|settings] --port P [--baud N] [--ram|--save] [--library [--mqtt5]] [--file F] [--no-build] [--dry-run]`. */
function parseArgs(argv) {
  const opts = { command: "upload", port: null, baud: BAUD, ram: false, save: false, library: false, mqtt5: false, file: null, build: true, dryRun: false };
  let i = 0;
  if (argv[0] === "upload" || argv[0] === "settings") opts.command = argv[i++];
  for (; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw usage(`${arg} needs a value`);
      return v;
    };
    if (arg === "--port" || arg === "-p") opts.port = value();
    else if (arg === "--baud" || arg === "-b") {
      opts.baud = Number(value());
      if (!(opts.baud > 0) || Math.floor(opts.baud) !== opts.baud) throw usage("--baud needs a whole number");
    } else if (arg === "--ram") opts.ram = true;
    else if (arg === "--save") opts.save = true;
    else if (arg === "--library") opts.library = true;
    else if (arg === "--mqtt5") opts.mqtt5 = true;
    else if (arg === "--file") opts.file = value();
    else if (arg === "--no-build") opts.build = false;
    else if (arg === "--dry-run") opts.dryRun = true;
    else throw usage(`unknown option ${arg}`);
  }
  if (!opts.port) throw usage("--port is missing (a serial device such as /dev/ttyUSB0, or tcp://HOST)");
  if (opts.command === "settings" && !opts.file) throw usage("--file is missing (the settings JSON)");
  if (opts.command === "settings" && (opts.ram || opts.save || opts.library)) throw usage("--ram, --save and --library are for upload");
  if (opts.ram && opts.save) throw usage("--ram and --save do not go together");
  if ((opts.ram || opts.save) && opts.library) throw usage("--ram and --save do not go together with --library");
  if (opts.mqtt5 && !opts.library) throw usage("--mqtt5 goes with --library");
  return opts;
}

/** The connection part: tcp:// reaches the telnet console, where a baud rate means nothing. */
function portArgs(port, baud) {
  const args = ["-p", port];
  if (!/^tcp:\/\//.test(port)) args.push("-b", String(baud));
  args.push("--no-ble");
  return args;
}

/** Arguments of the espruino CLI for uploading (paths relative to the repository). */
function uploadArgs(opts) {
  const args = portArgs(opts.port, opts.baud || BAUD);
  if (opts.library) {
    // The Web IDE route in one command: the library in Storage as modules, so that
    // require("mqtt_as") works from code sent later. -e without a file: the board is not reset.
    // --mqtt5: the MQTT 5 bundle too, as "mqtt_as5" (require("mqtt_as5")).
    const mqtt5 = opts.mqtt5 ? ["--storage", `${MODULE_NAME}5:${BOARD_DIR}/mqtt_as5.js`] : [];
    return args.concat(
      ["--storage", `${MODULE_NAME}:${BOARD_DIR}/mqtt_as.js`],
      mqtt5,
      ["--storage", `keep-connected:${BOARD_DIR}/keep-connected.js`],
      ["-e", `print("mqtt_as in Storage: "+require("Storage").read("${MODULE_NAME}").length+" bytes")`]
    );
  }
  // SAVE_ON_SEND=1: "Direct to Flash (execute code at boot)", i.e. the code goes to .bootcde.
  // The default because in RAM the application's code runs the ESP32-C3's 4,095 JsVars out of
  // memory while it loads; from flash its code stays in flash and leaves the JsVars to the app.
  if (!opts.ram) args.push("--config", "SAVE_ON_SEND=1");
  args.push("dist/board.js");
  return args;
}

/** Arguments of the espruino CLI for writing the settings file to Storage. */
function settingsArgs(opts) {
  if (opts.file.indexOf(":") >= 0) throw usage("the settings file path must not contain ':' (the CLI splits --storage at it)");
  return portArgs(opts.port, opts.baud || BAUD).concat(
    ["--storage", `${SETTINGS_FILE}:${opts.file}`],
    ["-e", `print("${SETTINGS_FILE}: "+require("Storage").read("${SETTINGS_FILE}").length+" bytes; reset the board or run load() to use it")`]
  );
}

/**
 * Checks the settings with the board's own readSettings (board/settings.ts, transpiled here).
 * Errors name `name`, the file as the user gave it (default: `file`), not the name it gets in
 * the board's Storage.
 */
function checkSettings(file, name) {
  const label = name || file;
  const ts = require("typescript");
  const source = fs.readFileSync(path.join(ROOT, "board", "settings.ts"), "utf8");
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2019 } }).outputText;
  const mod = { exports: {} };
  new Function("module", "exports", "require", js)(mod, mod.exports, require);
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw usage(`cannot read the settings file ${label}: ${e.message}`);
  }
  if (!text.trim()) throw usage(`the settings file ${label} is empty`);
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw usage(`the settings file ${label} is not valid JSON: ${e.message}`);
  }
  return mod.exports.readSettings({ read: () => text, readJSON: () => json }, label);
}


/** `arg` as one word of a POSIX shell: quoted unless it is made of characters that need none. */
function shellQuote(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : "'" + arg.replace(/'/g, "'\\''") + "'";
}

/** The command that run() runs, as a line to paste into a shell (npx finds the local CLI). */
function commandLine(args) {
  return `cd ${shellQuote(ROOT)} && npx espruino ${args.map(shellQuote).join(" ")}`;
}

// The CLI prints what the board says on lines of their own, after this prefix.
const BOARD_LINE = /^--\] (.*)$/;
// What Espruino prints when code failed: out of memory, an exception nobody caught, its own errors.
const BOARD_FAILURE = /OUT OF MEMORY|\bUncaught\b|\bERROR\b/;

/**
 * Why an upload failed, from the CLI's output (`transcript`, stdout and stderr), or null when
 * it did not. The CLI exits 0 even when the board ran out of memory or it never connected.
 */
function uploadProblem(transcript, opts) {
  const lines = transcript.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const board = BOARD_LINE.exec(lines[i]);
    // Without the terminal's control sequences (ESC [ J and the like).
    const said = board && board[1].replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").trim();
    if (!said || !BOARD_FAILURE.test(said)) continue;
    const hint = /OUT OF MEMORY/.test(said) && opts.ram ? " (the application does not fit this board's RAM: leave out --ram to send it to flash)" : "";
    return `the board said "${said}"${hint}`;
  }
  // "Unable to connect!", "Prompt not detected - upload failed", a lost link: no such line.
  if (!lines.some((line) => /^Upload Complete/.test(line))) return "the espruino CLI did not complete the upload (check the port, and that the board runs Espruino)";
  return null;
}

/** Runs the CLI, its output shown as it comes and kept to be checked; resolves with the exit status. */
function run(args, opts) {
  console.log(commandLine(args));
  if (opts.dryRun) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    const child = spawn(CLI, args, { cwd: ROOT, stdio: ["inherit", "pipe", "pipe"] });
    let transcript = "";
    child.stdout.on("data", (d) => {
      process.stdout.write(d);
      transcript += d.toString("latin1");
    });
    child.stderr.on("data", (d) => {
      process.stderr.write(d);
      transcript += d.toString("latin1");
    });
    child.on("error", reject);
    child.on("close", (status) => {
      if (status !== 0) return resolve(status || 1);
      const problem = uploadProblem(transcript, opts);
      if (problem) console.error(`${path.basename(__filename)}: failed: ${problem}`);
      resolve(problem ? 1 : 0);
    });
  });
}

function main(argv) {
  const opts = parseArgs(argv);
  if (opts.command === "settings") {
    // npm runs scripts in the package folder; a relative path means the caller's folder.
    const given = opts.file;
    opts.file = path.resolve(process.env.INIT_CWD || process.cwd(), opts.file);
    checkSettings(opts.file, given);
    return run(settingsArgs(opts), opts);
  }
  // Built only when src/ or board/ changed since the last build (scripts/build-if-stale.js).
  if (opts.build) {
    const r = spawnSync(process.execPath, [path.join(__dirname, "build-if-stale.js")], { cwd: ROOT, stdio: "inherit" });
    if (r.status !== 0) return Promise.resolve(r.status || 1);
  }
  return run(uploadArgs(opts), opts);
}

if (require.main === module) {
  const failed = (e) => {
    console.error(`${path.basename(__filename)}: ${e.message}`);
    process.exitCode = 2;
  };
  try {
    main(process.argv.slice(2)).then((status) => (process.exitCode = status), failed);
  } catch (e) {
    failed(e);
  }
}

module.exports = { parseArgs, uploadArgs, settingsArgs, checkSettings, shellQuote, commandLine, uploadProblem, SETTINGS_FILE, MODULE_NAME };
