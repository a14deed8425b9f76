// The orphan sweeper end to end: the built sweep handler, invoked as Lambda would, against the
// local DRS service and the local Step Functions service that holds the runs' executions. What is
// left is counted from the local DRS service's state, not from the sweep's own answer.
import { readFile } from 'node:fs/promises';
import { StartRecoveryCommand } from '@aws-sdk/client-drs';
import { describe, expect, it } from 'vitest';
import { startLocalDrs, type LocalDrs as LocalDrsService } from '#local/drs/index.ts';
import { drsClientFor } from '#local/drs/client.ts';
import { startLocalStepFunctions } from '#local/stepfunctions/index.ts';
import { startLocalSts } from '#local/sts/index.ts';
import { localStateMachineArns } from '#local/runner/run-local.ts';
import { sweepLocal } from '#local/runner/sweep.ts';
import { jobTags } from '#shared/drs/run-ref.ts';
import { parseProgressEvent } from '#shared/events/catalogue/index.ts';
import { instancesInDrs, runPlan } from './harness.ts';
import { tempDir } from '../runner/helpers.ts';

/**
 * A local DRS service with the STS and Step Functions services every run on it shares, as
 * `npm run local` starts them: the runs' executions stay known to the sweep after the runs end.
 */
async function startServices() {
  const drs = await startLocalDrs({ speed: 0 });
  const sts = await startLocalSts({ identity: drs.identity });
  const stepFunctions = await startLocalStepFunctions({ identity: drs.identity, now: () => drs.now() });
  return {
    drs: { ...drs, sts: { endpoint: sts.endpoint }, stepFunctions: { endpoint: stepFunctions.endpoint, executions: stepFunctions.executions } },
    stop: () => Promise.all([drs.stop(), sts.stop(), stepFunctions.stop()]),
  };
}
type Services = Awaited<ReturnType<typeof startServices>>;

/** Sweeps once with the built handler; its answer and the `Orphans Swept` event it published. */
async function sweep({ drs }: Services, options: { dryRun?: boolean; terminateUnknown?: boolean } = {}) {
  const { result, eventsFile } = await sweepLocal({ drs, reportsDir: await tempDir('sweep'), dryRun: options.dryRun, settings: { terminateUnknown: options.terminateUnknown ?? false } });
  const events = (await readFile(eventsFile, 'utf8')).split('\n').filter((line) => line !== '').map((line) => parseProgressEvent(JSON.parse(line)));
  return { result, events };
}

/** Launches drill instances of these servers outside any run of ours (a drill from the DRS console), or as a run with `tags` would. */
async function launchDrill(drs: LocalDrsService, hostnames: string[], tags: Record<string, string> = {}) {
  const ids = drs.state().sourceServers.filter((server) => hostnames.includes(server.sourceProperties?.identificationHints?.hostname ?? '')).map((server) => server.sourceServerID);
  await drsClientFor(drs).send(new StartRecoveryCommand({ isDrill: true, sourceServers: ids.map((sourceServerID) => ({ sourceServerID })), tags }));
  // Job start, snapshot, conversion, launch: well within an hour of simulated time.
  drs.advanceBy(3600);
}

const drillInstances = (drs: LocalDrsService) => drs.state().recoveryInstances.filter((instance) => instance.isDrill === true);

describe('the orphan sweeper', () => {
  it('a drill whose clean-up step fails past its retries leaves instances; the sweeper terminates them, a dry run first terminates nothing, and a recovery keeps its instances', async () => {
    const services = await startServices();
    const { drs } = services;
    const recovery = await runPlan({ input: { plan: 'payments', mode: 'recovery', waves: ['web'] }, drs });
    expect(recovery.result.status).toBe('SUCCEEDED');
    // DRS answers every TerminateRecoveryInstances of the clean-up with a 500: its first attempt
    // and its 8 retries (the ASL's Retry of InternalServerException), then the Catch.
    drs.injectFault({ type: 'serverError', operations: ['TerminateRecoveryInstances'], count: 9 });

    const drill = await runPlan({ input: { plan: 'payments', mode: 'drill', waves: ['databases', 'application'] }, drs });

    expect(drill.result.status).toBe('FAILED');
    expect(drill.result.lambdaInvocations.CleanUpDrill).toBe(9);
    expect(drill.report.cleanup?.error).toContain('Internal server error');
    expect(drillInstances(drs)).toHaveLength(7);
    // The report counts what is left from DRS: the failed clean-up never got to count.
    expect(drill.report.cleanup).toMatchObject({ instancesLaunched: 7, instancesTerminated: 0, instancesLeft: 7 });
    expect(instancesInDrs(drs, false)).toBe(4);
    drs.clearFaults();
    // The sweep runs later, on its schedule: by then DRS has marked the drill's last launch job
    // COMPLETED (the event-driven hand-off reached the clean-up the moment its servers launched).
    drs.advanceBy(60);
    const terminateCalls = drs.countCalls('TerminateRecoveryInstances');

    const dryRun = await sweep(services, { dryRun: true });

    expect(dryRun.result).toMatchObject({ dryRun: true, found: 7, terminated: 0, leftRunning: 0, unknownListed: 0, failed: 0 });
    expect(dryRun.result.instances.every((instance) => instance.action === 'would terminate' && instance.execution === drill.result.executionName)).toBe(true);
    expect(drs.countCalls('TerminateRecoveryInstances')).toBe(terminateCalls);
    expect(drillInstances(drs)).toHaveLength(7);

    const swept = await sweep(services);
    drs.advanceBy(600); // the TERMINATE job runs

    expect(swept.result).toMatchObject({ dryRun: false, found: 7, terminated: 7, failed: 0, problems: [] });
    expect(drillInstances(drs)).toHaveLength(0);
    expect(instancesInDrs(drs, false)).toBe(4);
    expect(swept.events.map((event) => [event['detail-type'], event.detail])).toEqual([
      ['Orphans Swept', { dryRun: false, found: 7, terminated: 7, leftRunning: 0, unknownListed: 0, failed: 0 }],
    ]);
    expect(dryRun.events[0].detail).toMatchObject({ dryRun: true, found: 7, terminated: 0 });
    await services.stop();
  });

  it('leaves the drill instances of an execution still running, and terminates them once it has ended', async () => {
    const services = await startServices();
    const { drs } = services;
    const name = 'payments-drill-20260301T020000-still';
    const running = drs.stepFunctions.executions.start({
      stateMachineArn: localStateMachineArns(drs).recovery,
      name,
      input: JSON.stringify({ plan: 'payments', mode: 'drill' }),
      startDate: drs.now(),
    });
    // What that run's StartWave launched, tagged with its plan, execution, wave and mode.
    await launchDrill(drs, ['payments-web-1', 'payments-web-2'], jobTags({ plan: 'payments', execution: name, mode: 'drill', startedAt: drs.now().toISOString() }, 'web'));

    const whileRunning = await sweep(services);

    expect(whileRunning.result).toMatchObject({ found: 0, terminated: 0, leftRunning: 2 });
    expect(drillInstances(drs)).toHaveLength(2);

    running.end({ status: 'FAILED', stopDate: drs.now(), error: 'CleanUpIncompleteError' });
    const afterEnd = await sweep(services);
    drs.advanceBy(600);

    expect(afterEnd.result).toMatchObject({ found: 2, terminated: 2, leftRunning: 0 });
    expect(drillInstances(drs)).toHaveLength(0);
    await services.stop();
  });

  it('lists a drill instance the orchestrator did not launch once it is older than olderThanHours, and terminates it only with terminateUnknown', async () => {
    const services = await startServices();
    const { drs } = services;
    await launchDrill(drs, ['payments-db-1']);
    drs.advanceBy(25 * 3600);
    await launchDrill(drs, ['payments-db-2']);

    const listed = await sweep(services);

    expect(listed.result).toMatchObject({ found: 1, terminated: 0, unknownListed: 1 });
    expect(listed.result.instances.map((instance) => instance.action).sort()).toEqual(['left', 'listed']);
    expect(listed.result.instances.find((instance) => instance.action === 'listed')?.reason).toMatch(/not launched by the orchestrator; older than 24 h/);
    expect(drillInstances(drs)).toHaveLength(2);

    const terminated = await sweep(services, { terminateUnknown: true });
    drs.advanceBy(600);

    expect(terminated.result).toMatchObject({ found: 1, terminated: 1, unknownListed: 1 });
    // The young one is still there: it may be a drill someone is running now.
    expect(drillInstances(drs)).toHaveLength(1);
    await services.stop();
  });
});
