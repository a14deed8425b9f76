// InspectPlan: the dry run. An execution input (plan, mode, waves, snapshot time) resolved against
// DRS as preflight resolves it, in every account of the run: each wave's servers with their
// replication, lag and snapshot, and every problem and warning preflight would raise. It reads
// only; nothing is launched. Invoked by `npm run aws -- plan` (and locally by
// `npm run local -- --dry-run`), never by a workflow.
import { drs } from '#shared/aws/drs.ts';
import { drsForRun } from '#shared/aws/run-drs.ts';
import { accounts } from '#shared/aws/accounts.ts';
import { homeRegion } from '#shared/aws/region.ts';
import { checkActions, runActions } from '#shared/actions/check.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { inspectPlan } from '#shared/recovery/preflight.ts';
import { parseExecutionInput, prepareRun } from '#shared/recovery/run.ts';
import { stepHandler } from '#shared/step.ts';
import * as z from 'zod/mini';

/** `now`: the time the inspection is for (the local run passes its simulated clock's); default the real time. */
const InspectPlanEvent = z.object({ input: z.unknown(), now: z.optional(z.iso.datetime()) });

export const handler = stepHandler(InspectPlanEvent, async (event) => {
  const request = parseExecutionInput(event.input);
  const plan = await loadDeployedPlan(request.plan);
  const now = event.now ?? new Date().toISOString();
  // A run that is never started: its name only labels the sessions it assumes in member accounts.
  const run = prepareRun(request, plan, `${plan.name}-dry-run`, now, { accounts, homeRegion });
  const actions = runActions(plan, run.waves, run.mode);
  const actionChecks = actions.length === 0 ? Promise.resolve([]) : import('#shared/aws/actions.ts').then(({ actionPorts }) => checkActions(actions, actionPorts()));
  const inspection = await inspectPlan(run, plan, await drsForRun(run), drs, actionChecks);
  return { plan: plan.name, mode: run.mode, inspectedAt: now, targets: plan.targets, ...(run.skippedWaves === undefined ? {} : { skippedWaves: run.skippedWaves }), ...inspection };
});
