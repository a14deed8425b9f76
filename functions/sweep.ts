// Sweep: drill instances no run will terminate (their run ended, its clean-up failed), in every
// account and Region of the deployment → terminated; other old drill instances → listed. Invoked
// by its EventBridge Scheduler schedule, or by hand (`npm run aws -- sweep`).
import { recoveryScopes } from '#shared/accounts/config.ts';
import { accounts, drsOfScope, labelOf } from '#shared/aws/accounts.ts';
import { publishProgress } from '#shared/aws/events.ts';
import { homeRegion } from '#shared/aws/region.ts';
import { requiredEnv } from '#shared/config.ts';
import { loadMetrics, logger } from '#shared/powertools.ts';
import { stepHandler } from '#shared/step.ts';
import { SweepIncompleteError } from '#shared/sweep/errors.ts';
import type { ExecutionStatusPort } from '#shared/sweep/port.ts';
import { SweepRequest } from '#shared/sweep/request.ts';
import { parseSweepSettings } from '#shared/sweep/settings.ts';
import { sweepOrphans } from '#shared/sweep/sweep.ts';

const settings = parseSweepSettings(requiredEnv('SWEEP_SETTINGS'), 'SWEEP_SETTINGS');
const stateMachines = {
  recovery: requiredEnv('RECOVERY_STATE_MACHINE_ARN'),
  failback: requiredEnv('FAILBACK_STATE_MACHINE_ARN'),
  stoppedRun: requiredEnv('STOPPED_RUN_STATE_MACHINE_ARN'),
};
// Member accounts are reached through their roles under this session name: CloudTrail there says
// the sweeper did it.
const scopes = recoveryScopes(accounts, homeRegion).map((scope) => ({ label: labelOf(scope), drs: drsOfScope(scope, 'orphan-sweep') }));

/**
 * Step Functions' view of the runs, for one sweep. It is asked only about the drill instances the
 * sweep finds, and most sweeps find none: the client (#shared/aws/sfn.ts) loads at the first question.
 */
function runsOfThisSweep(): ExecutionStatusPort {
  let executions: Promise<ExecutionStatusPort> | undefined;
  return {
    async statusOf(execution) {
      executions ??= Promise.all([import('#shared/aws/sfn.ts'), import('#shared/aws/sweep-executions.ts')]).then(([{ sfn }, { stepFunctionsExecutions }]) => stepFunctionsExecutions(sfn, stateMachines));
      return (await executions).statusOf(execution);
    },
  };
}

// Not a workflow step, but the same middleware: Powertools context, tracing, metrics, parsed input.
export const handler = stepHandler(SweepRequest, async ({ dryRun = false, scheduledTime }) => {
  const now = scheduledTime === undefined ? new Date() : new Date(scheduledTime);
  const result = await sweepOrphans(scopes, runsOfThisSweep(), { ...settings, dryRun, now });
  const { found, terminated, leftRunning, unknownListed, failed, problems } = result;
  // Orphans cost money until terminated: the OrphansFound alarm (deploy/alarms.cjs) tells someone.
  const { metrics, MetricUnit } = await loadMetrics();
  metrics.addMetric('OrphansFound', MetricUnit.Count, found);
  metrics.addMetric('OrphansTerminated', MetricUnit.Count, terminated);
  await publishProgress('Orphans Swept', { dryRun, found, terminated, leftRunning, unknownListed, failed });
  logger.info('orphan sweep', { dryRun, found, terminated, leftRunning, unknownListed, failed, instances: result.instances.filter((instance) => instance.action !== 'left') });
  if (problems.length > 0) {
    throw new SweepIncompleteError(`the sweep (${found} found, ${terminated} terminated) could not reach every account:\n- ${problems.join('\n- ')}`);
  }
  return result;
});
