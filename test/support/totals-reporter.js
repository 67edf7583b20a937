/**
 * Prints jest's totals as one plain line, `N passed, M failed[, K skipped]`, which CI reads; jest's own
 * summary is not in a form it recognises.
 */
class TotalsReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line =
      `${results.numPassedTests} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : '');
    process.stdout.write(`\n${line}\n`);
  }
}
module.exports = TotalsReporter;
