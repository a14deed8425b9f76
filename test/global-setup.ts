// Builds the Lambda bundles once for the whole test run: the end-to-end tests invoke the built
// handlers, exactly as the local runner and Lambda do. And gives the run a temporary folder of its
// own (TMPDIR, which the test files' processes inherit), removed at the end: the runs' reports,
// plans and builds that tests write under os.tmpdir() do not pile up in the system's.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFunctions } from '#deploy/build.ts';

export default async function setup(): Promise<() => Promise<void>> {
  const runFolder = await mkdtemp(join(tmpdir(), 'drs-test-run-'));
  process.env.TMPDIR = runFolder;
  await buildFunctions();
  return async () => {
    await rm(runFolder, { recursive: true, force: true });
  };
}
