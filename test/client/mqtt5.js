"use strict";
// Makes this process's client the MQTT 5 build, as dist/mqtt_as5.js is: tsc's build/ has
// MQTT5 false (the bundles fold the constant, src/client/version.ts), so the module cache
// answers for build/client/version.js with true. Required before any client module loads
// (test/client/mqtt5.test.js); then helpers.js makes clients with protocolVersion 5 and the
// FakeBroker speaks MQTT 5.
const Module = require("node:module");

const file = require.resolve("../../build/client/version.js");
if (require.cache[file] && !require.cache[file].exports.MQTT5) throw new Error("a client module loaded before test/client/mqtt5.js");
const version = new Module(file, module);
version.filename = file;
version.loaded = true;
version.exports = { MQTT5: true };
require.cache[file] = version;
