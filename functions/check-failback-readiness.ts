// CheckFailbackReadiness: the readiness table (JSON and Markdown), and counts in the state.
import { drsForRun } from '#shared/aws/run-drs.ts';
import { regionalDrs } from '#shared/aws/drs.ts';
import { reportStore } from '#shared/aws/reports.ts';
import { checkReadiness, renderReadinessMarkdown } from '#shared/failback/readiness.ts';
import { FailbackState } from '#shared/failback/state.ts';
import { logger } from '#shared/powertools.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(FailbackState, async ({ run }) => {
  const readiness = await checkReadiness(run, await drsForRun(run), regionalDrs);
  const json = await reportStore.put(`${run.execution}.json`, `${JSON.stringify(readiness, null, 2)}\n`, 'application/json');
  const markdown = await reportStore.put(`${run.execution}.md`, renderReadinessMarkdown(readiness), 'text/markdown');
  logger.info('failback readiness reported', { ready: readiness.ready, notReady: readiness.notReady, json });
  return { ready: readiness.ready, notReady: readiness.notReady, json, markdown };
});
