// The stage's `sweep:` settings (deploy/stages/<stage>.yaml): when the orphan sweeper runs, and
// what it may do with drill instances the orchestrator did not launch. Part of the stage
// configuration's schema (shared/trigger/config.ts), and what the sweep function reads from
// SWEEP_SETTINGS: one schema for both, in a module of its own so the function does not build the
// whole stage configuration's schema at cold start.
import * as z from 'zod/mini';
import { ConfigurationError } from '#shared/errors.ts';
import { describeIssues, formatProblems } from '#shared/problems.ts';
import '#shared/zod-locale.ts';

/** EventBridge Scheduler's recurring expressions: rate(1 day), rate(12 hours), cron(0 3 * * ? *). */
const SCHEDULE = /^(rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\))$/;

export const SweepSettings = z.strictObject({
  schedule: z
    ._default(z.string().check(z.regex(SCHEDULE, 'a schedule is an EventBridge Scheduler rate or cron expression, e.g. rate(1 day) or cron(0 3 * * ? *)')), 'rate(1 day)')
    .check(z.describe('When the orphan sweeper runs (EventBridge Scheduler, UTC).')),
  olderThanHours: z
    ._default(z.number().check(z.minimum(1, 'give at least 1 hour: a younger drill instance may belong to a drill someone is running right now'), z.maximum(24 * 365)), 24)
    .check(z.describe('Drill instances the orchestrator did not launch (or launched for a run that kept them) are listed once they are this old.')),
  terminateUnknown: z
    ._default(z.boolean(), false)
    .check(z.describe('Also terminate the listed drill instances the orchestrator did not launch. Off: they are listed (and alarmed on), never terminated.')),
});
export type SweepSettings = z.infer<typeof SweepSettings>;

/** The settings a stage gets when it says nothing. */
export const DEFAULT_SWEEP_SETTINGS: SweepSettings = { schedule: 'rate(1 day)', olderThanHours: 24, terminateUnknown: false };

/** The settings in an environment variable (JSON), checked at cold start: a wrong one names the field. */
export function parseSweepSettings(json: string, variable: string): SweepSettings {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (error) {
    throw new ConfigurationError(`environment variable ${variable} is not JSON: ${(error as Error).message}`);
  }
  const parsed = z.safeParse(SweepSettings, document);
  if (!parsed.success) throw new ConfigurationError(`environment variable ${variable}:\n${formatProblems('sweep', describeIssues(parsed.error.issues))}`);
  return parsed.data;
}
