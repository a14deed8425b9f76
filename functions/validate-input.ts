// ValidateInput: execution input + its plan → the run. Fails before anything changes in DRS.
import * as z from 'zod/mini';
import { loadDeployedPlan } from '#shared/plan/deployed.ts';
import { parseExecutionInput, prepareRun } from '#shared/recovery/run.ts';
import { accounts } from '#shared/aws/accounts.ts';
import { publishProgress } from '#shared/aws/events.ts';
import { homeRegion } from '#shared/aws/region.ts';
import { runDetail } from '#shared/events/progress.ts';
import { logger } from '#shared/powertools.ts';
import { stepHandler } from '#shared/step.ts';

const ValidateInputEvent = z.object({ input: z.unknown(), execution: z.string(), startedAt: z.string() });

export const handler = stepHandler(ValidateInputEvent, async ({ input, execution, startedAt }) => {
  const request = parseExecutionInput(input);
  const plan = await loadDeployedPlan(request.plan);
  const run = prepareRun(request, plan, execution, startedAt, { accounts, homeRegion });
  logger.info('run accepted', { plan: run.plan, mode: run.mode, waves: run.waves });
  await publishProgress('Run Started', runDetail(run, { waves: run.waves, reason: run.reason, trigger: run.trigger }));
  return { run };
});
