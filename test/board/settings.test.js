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
  throwsBad(() => readSettings(fakeStorage({ "other.json": "{}" }), "other.json"), /missing field "ssid" in other\.json/);
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
