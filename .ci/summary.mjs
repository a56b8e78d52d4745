// Prints the plain "N passed, N failed" line CI reads, from vitest's JSON report.
// Each failed check before the tests (type check, linter) counts as one more failure; a missing report means the run broke.
import { readFileSync } from 'node:fs';

const [reportPath, checksFailed] = process.argv.slice(2);
let passed = 0;
let failed = Number(checksFailed) || 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite that failed to load has no tests in it but must still fail the run.
  for (const suite of report.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed += 1;
  }
} catch {
  failed += 1;
}
if (skipped) console.log(`(${skipped} skipped)`);
// The last line, exactly as CI reads it.
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
