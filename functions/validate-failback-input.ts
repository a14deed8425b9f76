// ValidateFailbackInput: execution input + plan + the recovery to fail back → the failback run.
import * as z from 'zod/mini';
import { drs } from '#shared/aws/drs.ts';
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
  const run = await prepareFailback(request, await loadDeployedPlan(request.plan), execution, startedAt, drs);
  logger.info('failback accepted', { plan: run.plan, recoveryExecution: run.recoveryExecution, waves: run.waves.map((wave) => wave.name), check: run.check });
  if (!run.check) await publishProgress('Run Started', failbackDetail(run, { waves: run.waves.map((wave) => wave.name), reason: run.reason, trigger: run.trigger }));
  return { run };
});
