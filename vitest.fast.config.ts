// `npm run test:fast`: the quick loop while editing, about half a minute on 2 cores. Every test but
// the whole drills and packaging, which take the rest of `npm test`'s minutes: the end-to-end
// workflows (test/e2e), the offline package and IAM synthesis, the browser check of the report, and
// the runner's and triggers' whole local runs. `npm test` (and CI) runs them all: only a workflow
// executed end to end proves it.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

export const WHOLE_RUNS = [
  'test/e2e/**',
  'test/deploy/package.test.ts',
  'test/deploy/iam.test.ts',
  'test/report/html-browser.test.ts',
  'test/report/evidence.test.ts',
  'test/runner/npm-start.test.ts',
  'test/runner/cli.test.ts',
  'test/runner/step-functions-run.test.ts',
  'test/runner/run-local.test.ts',
  'test/runner/multi-account-run.test.ts',
  'test/trigger/local-event.test.ts',
];

export default mergeConfig(base, defineConfig({ test: { exclude: [...WHOLE_RUNS, 'node_modules/**'] } }));
