// `npm run local -- --event <file>`: a schedule payload or an alarm event, mapped by the same
// decideTrigger as the Lambda trigger, becomes a local run of the mapped plan in the mapped mode.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidInputError } from '#shared/errors.ts';
import { findPlanByName } from '#shared/plan/load.ts';
import type { ExecutionInput } from '#shared/plan/input.ts';
import { readStageConfig } from '#shared/trigger/config.ts';
import { parseTriggerEvent } from '#shared/trigger/events.ts';
import { decideTrigger } from '#shared/trigger/mapping.ts';

/** The stage configuration local events are mapped with, unless TRIGGERS_FILE names another. */
export const DEFAULT_LOCAL_TRIGGERS_FILE = 'deploy/stages/dev.yaml';

export type LocalEventRun =
  | { action: 'start'; planFile: string; executionName: string; input: ExecutionInput }
  | { action: 'ignored'; reason: string };

/**
 * The local run an event file asks for. The trigger's errors (unknown alarm or plan, an event of
 * neither documented shape) become InvalidInputError: the CLI reports them as invalid input.
 */
export async function localRunForEvent(
  eventFile: string,
  options: { triggersFile?: string; plansDir?: string } = {},
): Promise<LocalEventRun> {
  const triggersFile = resolve(options.triggersFile ?? process.env.TRIGGERS_FILE ?? DEFAULT_LOCAL_TRIGGERS_FILE);
  try {
    const event = parseTriggerEvent(JSON.parse(await readFile(eventFile, 'utf8')));
    const decision = decideTrigger(event, await readStageConfig(triggersFile));
    if (decision.action === 'ignored') return decision;
    const planFile = (await findPlanByName(resolve(options.plansDir ?? 'plans'), decision.input.plan)).path;
    return { action: 'start', planFile, executionName: decision.executionName, input: decision.input };
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    const name = error instanceof Error ? error.name : 'Error';
    throw new InvalidInputError(`--event ${eventFile} (mapped with ${triggersFile}): ${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
