// A scenario file read as an object a test can change. Its Lambda functions' handler paths are
// relative to the file; an object has no file, so they are made relative to the project folder
// (where a run without a scenario file resolves them).
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import type { Scenario } from '#local/drs/index.ts';

export function scenarioObjectOf(path: string): Scenario {
  const scenario = parse(readFileSync(path, 'utf8')) as Scenario & { lambda?: { functions?: Array<{ handler: string }> } };
  for (const fn of scenario.lambda?.functions ?? []) fn.handler = relative(process.cwd(), join(dirname(path), fn.handler));
  return scenario;
}
