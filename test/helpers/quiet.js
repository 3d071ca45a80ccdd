// Preloaded into every test process (`node --require`, see package.json): node:test's mock
// timers make Node 20 print "ExperimentalWarning: The MockTimers API is an experimental
// feature..." once in every file that uses them, which reads like a problem with the run.
// That one warning is dropped; every other warning is printed as before.
"use strict";

const emitWarning = process.emitWarning;
process.emitWarning = function (warning) {
  const text = typeof warning === "string" ? warning : warning && warning.message;
  if (/^The MockTimers API is an experimental feature/.test(String(text))) return undefined;
  return emitWarning.apply(process, arguments);
};
