// `npm test`'s reporter: quiet where all is well. It prints each failure in full, each skipped
// test with its reason, and the runner's closing totals as TAP's comment lines (`# tests N`,
// `# pass N`, `# fail N`, ...), which CI reads, instead of a line or more for every test.
import { inspect } from "node:util";

const TOTALS = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /;

export default async function* summary(source) {
  for await (const event of source) {
    const data = event.data || {};
    const where = data.file ? ` (${data.file}${data.line ? ":" + data.line : ""})` : "";
    if (event.type === "test:fail") {
      const error = data.details && data.details.error;
      // A suite fails when a test in it does: that test is reported already.
      if (error && error.failureType === "subtestsFailed") continue;
      const cause = error && error.cause !== undefined ? error.cause : error;
      yield `not ok - ${data.name}${where}\n${inspect(cause, { depth: 4 }).replace(/^/gm, "  ")}\n`;
    } else if (event.type === "test:pass" && data.skip !== undefined) {
      yield `# SKIP ${data.name}${typeof data.skip === "string" ? ": " + data.skip : ""}\n`;
    } else if (event.type === "test:diagnostic" && data.nesting === 0 && TOTALS.test(data.message)) {
      yield `# ${data.message}\n`;
    }
  }
}
