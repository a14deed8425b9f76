// ResumeWave: DRS's "Source Server Launch Result" events and SSM's ends of automation executions
// and commands (post-launch action runs), which EventBridge rules put on a queue that Lambda reads
// in batches (deploy/serverless.cjs). Per job (or run), removes its servers from the wave wait the
// job belongs to and resumes the workflows whose wait they end. Results of jobs no run
// waits for (other runs' finished waves, launches from the console) change nothing. A job whose
// results could not be handled is reported as failed items: the queue delivers them again.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { waveWaits } from '#shared/aws/lock-table.ts';
import { LaunchResultEvent, launchResultOf } from '#shared/events/drs-launch-result.ts';
import { RunEndEvent, runIdOf } from '#shared/events/ssm-run-end.ts';
import { onLaunchResults } from '#shared/handoff/resume.ts';
import { logger, traceLambdaHandler } from '#shared/powertools.ts';
import { describeIssues, formatProblems } from '#shared/problems.ts';
import '#shared/zod-locale.ts';

// Most launch results end no wait (a wave waits for its last server): Step Functions
// (#shared/aws/sfn.ts) loads only to resume a workflow.
const sendTaskSuccess = async (taskToken: string, output: string) => (await import('#shared/aws/sfn.ts')).sendTaskSuccess(taskToken, output);

/** The SQS event Lambda's event source mapping delivers: only what is read of it. */
const QueueBatch = z.object({ Records: z.array(z.object({ messageId: z.string(), body: z.string() })) });

interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

async function resumeWave(event: unknown): Promise<BatchResponse> {
  const batch = QueueBatch.parse(event);
  const results = batch.Records.flatMap((record): Array<{ jobID: string; sourceServerID: string; actionRun?: boolean; messageId: string; time: string }> => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      body = undefined;
    }
    const runEnd = RunEndEvent.safeParse(body);
    if (runEnd.success) {
      const runId = runIdOf(runEnd.data);
      // A run waits as a job of its own, its one server the run itself (shared/handoff/launch-wait.ts, actionWaitOf).
      return [{ jobID: runId, sourceServerID: runId, actionRun: true, messageId: record.messageId, time: runEnd.data.time }];
    }
    const parsed = LaunchResultEvent.safeParse(body);
    // Only the rules' events reach the queue: anything else is misrouted, and delivering it again
    // would not change it. An error in the log, not a retry.
    if (!parsed.success) {
      logger.error('neither a DRS launch result nor the end of an SSM run: dropped', {
        messageId: record.messageId,
        problems: formatProblems('the queued event', describeIssues(parsed.error.issues)),
      });
      return [];
    }
    return [{ ...launchResultOf(parsed.data), messageId: record.messageId, time: parsed.data.time }];
  });
  const latest = results.reduce((max, result) => (result.time > max ? result.time : max), '');
  const outcome = await onLaunchResults(results, { waits: waveWaits, sendTaskSuccess, now: () => (latest === '' ? new Date() : new Date(latest)) });
  for (const failure of outcome.retry) logger.error('launch results of a job not handled: delivered again', { jobID: failure.jobID, error: failure.error });
  logger.info('launch results handled', { results: results.length, resumed: outcome.resumed });
  return { batchItemFailures: outcome.retry.flatMap((failure) => failure.messageIds.map((itemIdentifier) => ({ itemIdentifier }))) };
}

export const handler = middy(resumeWave)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(traceLambdaHandler) as unknown as (event: unknown, context: Context) => Promise<BatchResponse>;
