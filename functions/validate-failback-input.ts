// ValidateFailbackInput: execution input + plan + the recovery to fail back → the failback run.
import * as z from 'zod/mini';
import { placeWaves } from '#shared/accounts/placement.ts';
import { accounts } from '#shared/aws/accounts.ts';
import { drsForRun } from '#shared/aws/run-drs.ts';
import { homeRegion } from '#shared/aws/region.ts';
import { publishProgress } from '#shared/aws/events.ts';
import { failbackDetail } from '#shared/failback/events.ts';
import { prepareFailback } from '#shared/failback/run.ts';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { logger } from '#shared/powertools.ts';
import { parseExecutionInput } from '#shared/recovery/run.ts';
import { stepHandler } from '#shared/step.ts';

const ValidateFailbackEvent = z.object({ input: z.unknown(), execution: z.string(), startedAt: z.string() });

export const handler = stepHandler(ValidateFailbackEvent, async ({ input, execution, startedAt }) => {
  const request = parseExecutionInput(input);
  const plan = await loadDeployedPlan(request.plan);
  // The accounts the plan recovers in hold its recovery instances: fail back in each of them.
  const { scopes } = placeWaves(plan, plan.waves.map((wave) => wave.name), { accounts, homeRegion });
  const run = await prepareFailback(request, plan, execution, startedAt, await drsForRun({ execution, scopes }), scopes);
  logger.info('failback accepted', { plan: run.plan, recoveryExecution: run.recoveryExecution, waves: run.waves.map((wave) => wave.name), check: run.check });
  if (!run.check) await publishProgress('Run Started', failbackDetail(run, { waves: run.waves.map((wave) => wave.name), reason: run.reason, trigger: run.trigger }));
  return { run };
});
