// Prints one plain closing line, "jest: N passed, N failed[, N skipped]", that CI reads to
// know how many tests ran (jest's own summary is not a format it reads). It is written at
// process exit so that it really is the last line, after jest's summary.
class SummaryLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `jest: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.once('exit', () => process.stdout.write(`${line}\n`));
  }
}
module.exports = SummaryLineReporter;
