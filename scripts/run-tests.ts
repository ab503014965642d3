/**
 * `npm test`: every project's tests through Nx, then one summary line over all of them
 * ("N passed, N failed, N skipped") read from the vitest JSON reports.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const reportDir = join(process.cwd(), 'test-output', 'vitest');
rmSync(reportDir, { recursive: true, force: true });

const nxArgs = [
  'nx',
  'run-many',
  '-t',
  'test',
  '--parallel=1',
  '--outputStyle=stream',
  ...process.argv.slice(2),
];
const run = spawnSync('npx', nxArgs, {
  stdio: 'inherit',
  env: { ...process.env, NX_DAEMON: 'false' },
});

let passed = 0;
let failed = 0;
let skipped = 0;
const projects: string[] = [];
if (existsSync(reportDir)) {
  for (const file of readdirSync(reportDir).filter((f) => f.endsWith('.json'))) {
    const report = JSON.parse(readFileSync(join(reportDir, file), 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
    };
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    projects.push(file.replace(/\.json$/, ''));
  }
}
const exitCode = run.status ?? 1;
if (exitCode !== 0 && failed === 0) failed = 1; // a project crashed before reporting
console.log(`\nprojects: ${projects.sort().join(', ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(exitCode);
