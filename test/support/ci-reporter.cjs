// Mocha's spec output for people, plus the counts CI reads: a JSON file (like mocha's JSON
// reporter) and a plain `N passed, N failed` line at the very end.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');
const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class CiReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const results = { passes: [], failures: [], pending: [] };
    const entry = (t, err) => ({ title: t.fullTitle(), file: t.file, duration: t.duration, ...(err ? { error: String(err.stack || err) } : {}) });
    runner.on(EVENT_TEST_PASS, (t) => results.passes.push(entry(t)));
    runner.on(EVENT_TEST_FAIL, (t, err) => results.failures.push(entry(t, err)));
    runner.on(EVENT_TEST_PENDING, (t) => results.pending.push(entry(t)));
    runner.once(EVENT_RUN_END, () => {
      const out = process.env.VROUTERD_TEST_RESULTS || path.join('build', 'test-results.json');
      fs.mkdirSync(path.dirname(out), { recursive: true });
      const stats = { passes: results.passes.length, failures: results.failures.length, pending: results.pending.length };
      fs.writeFileSync(out, JSON.stringify({ stats, ...results }, null, 1));
      // Printed after the spec epilogue (which runs on the same event, registered first).
      process.nextTick(() => {
        const skipped = stats.pending ? `, ${stats.pending} skipped` : '';
        console.log(`${stats.passes} passed, ${stats.failures} failed${skipped}`);
      });
    });
  }
}
module.exports = CiReporter;
