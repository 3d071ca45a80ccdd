"use strict";
// readSettings: the settings file in Storage, each missing or bad field named (BAD_ARGUMENT).
const test = require("node:test");
const assert = require("node:assert/strict");
const { board, fakeStorage, SETTINGS } = require("./helpers.js");

const { readSettings, SETTINGS_FILE } = board("settings");
const storageWith = (obj) => fakeStorage({ [SETTINGS_FILE]: JSON.stringify(obj) });

function throwsBad(fn, pattern) {
  assert.throws(fn, (e) => {
    assert.equal(e.code, "BAD_ARGUMENT");
    assert.match(e.message, pattern);
    return true;
  });
}

test("a complete file is read, with defaults for the optional numbers", () => {
  const s = readSettings(storageWith({ ...SETTINGS, port: undefined, heartbeat: undefined }));
  assert.equal(s.ssid, "net");
  assert.equal(s.password, "secret");
  assert.equal(s.server, "127.0.0.1");
  assert.equal(s.clientId, "esp32-test");
  assert.equal(s.commandTopic, "esp32-test/led");
  assert.equal(s.statusTopic, "esp32-test/status");
  assert.equal(s.port, 0);
  assert.equal(s.heartbeat, 60);
  assert.equal(s.keepalive, 60);
  assert.equal(s.user, undefined);
});

test("the example settings file in board/ is valid", () => {
  const text = require("node:fs").readFileSync(require("node:path").join(__dirname, "..", "..", "board", "settings.example.json"), "utf8");
  const s = readSettings(fakeStorage({ [SETTINGS_FILE]: text }));
  assert.equal(s.heartbeat, 30);
});

for (const field of ["ssid", "password", "server", "clientId", "commandTopic", "statusTopic"]) {
  test(`a missing "${field}" is named in the error`, () => {
    const obj = { ...SETTINGS };
    delete obj[field];
    throwsBad(() => readSettings(storageWith(obj)), new RegExp(`missing field "${field}"`));
  });
}

test("a missing file names the file; bad JSON and a non-object are refused", () => {
  throwsBad(() => readSettings(fakeStorage({})), /"mqtt_as\.json" is missing/);
  throwsBad(() => readSettings(fakeStorage({ [SETTINGS_FILE]: "{ssid:" })), /not valid JSON/);
  throwsBad(() => readSettings(fakeStorage({ [SETTINGS_FILE]: "42" })), /JSON object/);
  throwsBad(() => readSettings(fakeStorage({ "other.json": "{}" }), "other.json"), /^6 problems in other\.json: missing field "ssid"; missing field "password"; /);
  throwsBad(() => readSettings(fakeStorage({ [SETTINGS_FILE]: "[]" })), /JSON object/);
});

test("wrong types and empty required strings name the field", () => {
  throwsBad(() => readSettings(storageWith({ ...SETTINGS, server: 10 })), /field "server" .* string/);
  throwsBad(() => readSettings(storageWith({ ...SETTINGS, clientId: "" })), /field "clientId" .* empty/);
  throwsBad(() => readSettings(storageWith({ ...SETTINGS, port: "1883" })), /field "port"/);
  throwsBad(() => readSettings(storageWith({ ...SETTINGS, heartbeat: 1.5 })), /field "heartbeat"/);
  throwsBad(() => readSettings(storageWith({ ...SETTINGS, heartbeat: 0 })), /field "heartbeat"/);
  throwsBad(() => readSettings(storageWith({ ...SETTINGS, user: 5 })), /field "user"/);
});

test("an open network (empty WiFi password) and MQTT credentials are accepted", () => {
  const s = readSettings(storageWith({ ...SETTINGS, password: "", user: "u", mqttPassword: "p" }));
  assert.equal(s.password, "");
  assert.equal(s.user, "u");
  assert.equal(s.mqttPassword, "p");
});

// Issue 21: a wrong setting used to pass here and then fail in silence on the board.
test("topics: no wildcard in the status topic (it is published to, and is the will's); the command topic a valid filter", () => {
  for (const statusTopic of ["esp32-1/#", "esp32-1/+/status", "a+b"]) {
    throwsBad(() => readSettings(storageWith({ ...SETTINGS, statusTopic })), new RegExp(`^field "statusTopic" ${JSON.stringify(statusTopic).replace(/[+]/g, "\\+")} has a wildcard \\(\\+ or #\\): it is published to in mqtt_as\\.json$`));
  }
  throwsBad(() => readSettings(storageWith({ ...SETTINGS, commandTopic: "a/#/b" })), /^field "commandTopic" "a\/#\/b" has "#" before its last level/);
  throwsBad(() => readSettings(storageWith({ ...SETTINGS, commandTopic: "a/b#" })), /^field "commandTopic" "a\/b#" has a wildcard \(\+ or #\) that is not a whole level/);
  for (const commandTopic of ["esp32-1/+/led", "esp32-1/#", "#"]) assert.equal(readSettings(storageWith({ ...SETTINGS, commandTopic })).commandTopic, commandTopic);
});

test("numbers out of range name the field, the range and the value", () => {
  throwsBad(() => readSettings(storageWith({ ...SETTINGS, port: 70000 })), /^field "port" must be a whole number from 0 to 65535, not 70000 in mqtt_as\.json$/);
  throwsBad(() => readSettings(storageWith({ ...SETTINGS, keepalive: -1 })), /^field "keepalive" must be a whole number from 0 to 65535, not -1/);
  throwsBad(() => readSettings(storageWith({ ...SETTINGS, heartbeat: "30" })), /^field "heartbeat" must be a whole number from 1 to 86400, not "30"/);
});

test("unknown fields are named (a misspelt field would otherwise be ignored)", () => {
  throwsBad(() => readSettings(storageWith({ ...SETTINGS, statustopic: "x", hartbeat: 30 })), /^2 problems in mqtt_as\.json: unknown field "statustopic"; unknown field "hartbeat"$/);
});

test("every problem is reported at once, in one error", () => {
  const { server, ...rest } = SETTINGS;
  throwsBad(
    () => readSettings(storageWith({ ...rest, statusTopic: "esp32-1/#", port: "1883", extra: true })),
    /^4 problems in mqtt_as\.json: missing field "server"; field "statusTopic" "esp32-1\/#" has a wildcard \(\+ or #\): it is published to; field "port" must be a whole number from 0 to 65535, not "1883"; unknown field "extra"$/
  );
});
