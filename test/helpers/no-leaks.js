// Preloaded into every test process (`node --require`): a file whose tests leave a timer,
// socket or server open fails instead of hanging the run. The check is an unref'd timer
// started after the last test: it fires only if something else keeps the process alive.
"use strict";

const GRACE_MS = 5000; // the file's own after() hooks (closing brokers) run in this time

// Only in the processes that run a test file: the runner itself must not grow a test of its own.
if (process.env.NODE_TEST_CONTEXT) require("node:test").after(() => {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== "PipeWrap" && r !== "TTYWrap");
    console.error(`left open ${GRACE_MS} ms after the last test: ${open.join(", ") || "(unknown)"}`);
    process.exit(1);
  }, GRACE_MS).unref();
});
