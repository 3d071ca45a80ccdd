"use strict";
// publishPacket() and publishString() remember the last topic they took. The first call of
// all, before any topic is remembered, must check its topic as every other call does: a
// topic that is undefined, given first, is refused (BAD_ARGUMENT, or left to publishPacket),
// not read as the remembered topic that does not exist yet. On Node's paths and on Espruino's.
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { BUILD, strippedContext } = require("./espruino-context.js");
const { installEspruinoGlobals } = require("../espruino/vm-shim.js");

/** encode-client.js loaded afresh: on Node's paths, or in a context with Espruino's E. */
function fresh(espruino) {
  const { context, load } = strippedContext();
  if (espruino) installEspruinoGlobals(context);
  return load(path.join(BUILD, "encode-client.js"));
}

for (const espruino of [false, true]) {
  const where = espruino ? "Espruino's paths" : "Node's paths";

  test(`publishPacket, ${where}: an undefined topic in the first call is BAD_ARGUMENT`, () => {
    const { publishPacket } = fresh(espruino);
    for (const qos of [0, 1]) {
      assert.throws(() => publishPacket(undefined, new Uint8Array(1), qos, false, false, qos ? 1 : undefined), { code: "BAD_ARGUMENT" });
    }
  });

  test(`publishString, ${where}: an undefined topic in the first call is left to publishPacket`, () => {
    assert.equal(fresh(espruino).publishString(undefined, "x", false), undefined);
  });
}
