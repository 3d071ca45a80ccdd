// The Espruino interpreter built for Linux that some tests run on: its path comes from the
// environment variable ESPRUINO (DESIGN.md); where it is unset those tests are skipped, all
// with the one reason below.
"use strict";

// Absolute: the tests run it in temporary folders (its Storage lives in the working folder),
// where a relative path such as ../shared/espruino/espruino-esp32 would not resolve.
const ESPRUINO = process.env.ESPRUINO ? require("node:path").resolve(process.env.ESPRUINO) : "";
const NO_ESPRUINO = "ESPRUINO is not set (the path of an Espruino interpreter built for Linux)";

module.exports = { ESPRUINO, NO_ESPRUINO };
