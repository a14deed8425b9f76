// Approval gates, end to end: the recovery state machine run by the local runner, RequestApproval's
// built handler storing the task token in the local DynamoDB lock table and publishing to the local
// SNS topic, and the decision sent as `npm run aws -- approve|reject --local` sends it (the
// unmodified SDKs over HTTP: DynamoDB, STS, Step Functions). Counted from the local services' state.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { SFNClient } from '@aws-sdk/client-sfn';
import { decide, listRuns, LocalServices, runStatus, stopRun } from '../../cli/aws.ts';
import { startLocalDrs, type LocalDrs } from '#local/drs/index.ts';
import { startActionServicesFor, type ActionServices } from '#local/runner/action-services.ts';
import { LOCAL_SERVICES_FILE_NAME } from '#local/runner/approvals.ts';
import { localRunForEvent } from '#local/runner/trigger-event.ts';
import { NoPendingApprovalError } from '#shared/approval/decide.ts';
import { instancesInDrs, runPlan } from './harness.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../trigger/fixtures/${name}`, import.meta.url));
const TRIGGERS = fixture('stage.yaml');

/** The DRS service with the gates' and actions' services a run would start (kept to look at: SNS). */
let drs: (LocalDrs & { actions: ActionServices }) | undefined;
afterEach(async () => {
  await drs?.actions.stop();
  await drs?.stop();
  drs = undefined;
});

async function startServices(): Promise<LocalDrs & { actions: ActionServices }> {
  const service = await startLocalDrs({ speed: 0 });
  return { ...service, actions: await startActionServicesFor(service, { scenarioFile: service.scenarioFile }) };
}

/** The example plan with a gate before its web wave (in drills and recoveries alike). */
async function planWithGateBeforeWeb(timeoutMinutes = 30): Promise<string> {
  const plan = await readFile('plans/example.yaml', 'utf8');
  return plan.replace(
    '    description: Stateless; one web server may fail without stopping the plan.',
    `    description: Stateless; one web server may fail without stopping the plan.\n    approval:\n      timeoutMinutes: ${timeoutMinutes}\n      instructions: Check the application tier answers on :8443 first.`,
  );
}

/**
 * Decides the gate as `npm run aws -- approve|reject --execution <name> --local <file>` does, once
 * the gate's request is stored (RequestApproval runs right after the token is issued).
 */
async function decideWhenAsked(execution: string, reportsDir: string, approve: boolean, comment: string): Promise<void> {
  for (;;) {
    try {
      await decide({ execution, comment, stage: 'local', local: join(reportsDir, LOCAL_SERVICES_FILE_NAME) }, approve, () => {});
      return;
    } catch (error) {
      if (!(error instanceof NoPendingApprovalError)) throw error;
      await sleep(20);
    }
  }
}

const launchJobs = (service: LocalDrs, wave: string) => service.state().jobs.filter((job) => job.type === 'LAUNCH' && job.tags?.['drs-orchestrator:wave'] === wave);

describe('approval gates', () => {
  it('a recovery an alarm starts waits for approval before anything is recovered, is approved with the approve command, and the report names the approver and the wait', async () => {
    // Prepare: the sample alarm event, mapped as the trigger maps it (recoveries from alarms need approval).
    const mapped = await localRunForEvent(fixture('alarm-event.json'), { triggersFile: TRIGGERS });
    if (mapped.action !== 'start') throw new Error('the sample alarm starts nothing');
    drs = await startServices();
    const service = drs;
    const decisions: Promise<void>[] = [];
    let jobsWhenAsked = -1;

    // Act
    const { result, report, events } = await runPlan({
      input: mapped.input,
      drs,
      onTaskToken: (task, reportsDir) => {
        if (task.stateName !== 'RequestApproval') return; // the waves' event-driven waits
        jobsWhenAsked = service.state().jobs.length;
        const execution = task.executionArn.split(':').at(-1)!;
        decisions.push(decideWhenAsked(execution, reportsDir, true, 'primary site confirmed down by the network team'));
      },
    });
    await Promise.all(decisions);

    // Assert: it asked before any DRS job, then recovered every wave.
    expect(mapped.input.requireApproval).toEqual({});
    expect(jobsWhenAsked).toBe(0);
    expect(result.status).toBe('SUCCEEDED');
    expect(report.status).toBe('SUCCEEDED');
    const gate = report.waves[0]!.gate!;
    expect(gate.decision).toBe('APPROVED');
    expect(gate.approver).toBe('arn:aws:iam::111122223333:user/operator');
    expect(gate.comment).toBe('primary site confirmed down by the network team');
    expect(gate.reasons[0]).toContain('started by alarm arn:aws:cloudwatch:eu-west-1:123456789012:alarm:payments-primary-site-down');
    expect(gate.waitedSeconds).toBeGreaterThanOrEqual(0);
    expect(report.waves.slice(1).every((wave) => wave.gate === undefined)).toBe(true);
    // The operators were told, with the exact commands.
    const requested = events.find((event) => event['detail-type'] === 'Approval Requested');
    expect(requested?.detail).toMatchObject({ wave: 'databases', approveCommand: expect.stringContaining(`approve --execution ${result.executionName}`) });
    const published = drs.actions.sns.published();
    expect(published).toHaveLength(1);
    expect(published[0]!.subject).toBe('Approve recovery of payments before wave databases?');
    expect(published[0]!.message).toContain(`npm run aws -- reject --execution ${result.executionName}`);
    // The token is gone from the lock table once decided: a second approve finds nothing to decide.
    const services = join(result.reportPath!, '..', LOCAL_SERVICES_FILE_NAME);
    await expect(decide({ execution: result.executionName, stage: 'local', local: services }, true, () => {})).rejects.toThrow(/not found|waits for no approval/);
  });

  it('a scheduled drill of the same plan asks nobody', async () => {
    const mapped = await localRunForEvent(fixture('scheduled-drill.json'), { triggersFile: TRIGGERS });
    if (mapped.action !== 'start') throw new Error('the sample schedule starts nothing');
    let asked = 0;

    // WaitForLaunch's tokens are the waves' event-driven waits: nobody is asked for those.
    const { result, report } = await runPlan({ input: mapped.input, onTaskToken: (task) => (asked += task.stateName === 'RequestApproval' ? 1 : 0) });

    expect(mapped.input.requireApproval).toBeUndefined();
    expect(asked).toBe(0);
    expect(result.status).toBe('SUCCEEDED');
    expect(report.waves.every((wave) => wave.gate === undefined)).toBe(true);
  });

  it('a drill rejected before its web wave launches nothing of it, cleans up what it launched and ends REJECTED with the approver and the comment', async () => {
    drs = await startServices();
    const decisions: Promise<void>[] = [];

    const { result, report } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      plan: await planWithGateBeforeWeb(),
      drs,
      onTaskToken: (task, reportsDir) => {
        if (task.stateName === 'RequestApproval') decisions.push(decideWhenAsked(task.executionArn.split(':').at(-1)!, reportsDir, false, 'web tier is being patched'));
      },
    });
    await Promise.all(decisions);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ApprovalRejected');
    expect(report.status).toBe('REJECTED');
    expect(report.cause).toMatch(/^wave "web" was rejected at its approval gate by arn:aws:iam::111122223333:user\/operator: "web tier is being patched"; nothing of it was started$/);
    expect(launchJobs(drs, 'web')).toHaveLength(0);
    expect(launchJobs(drs, 'application')).toHaveLength(1);
    expect(report.waves.find((wave) => wave.name === 'web')?.gate).toMatchObject({ decision: 'REJECTED', comment: 'web tier is being patched' });
    expect(instancesInDrs(drs, true)).toBe(0);
    expect(report.cleanup).toMatchObject({ instancesLeft: 0, instancesTerminated: 7 });
  });

  it('run control: a drill waiting at its gate is listed RUNNING with list, described by status, and stop ends it ABORTED with nothing left behind', async () => {
    drs = await startServices();
    const control: Array<Promise<{ listed: Awaited<ReturnType<typeof listRuns>>; status: Awaited<ReturnType<typeof runStatus>> }>> = [];

    const { result, report } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      plan: await planWithGateBeforeWeb(),
      drs,
      onTaskToken: (task, reportsDir) => {
        if (task.stateName !== 'RequestApproval') return;
        // As `npm run aws -- list|status|stop --local` do, through the local Step Functions service.
        control.push(
          (async () => {
            const local = LocalServices.parse(JSON.parse(await readFile(join(reportsDir, LOCAL_SERVICES_FILE_NAME), 'utf8')));
            const sfn = new SFNClient({ region: local.region, credentials: local.credentials, endpoint: local.endpoints.stepFunctions });
            const workflows = local.stateMachines!;
            const listed = await listRuns(sfn, workflows, { plan: 'payments' });
            const execution = task.executionArn.split(':').at(-1)!;
            const status = await runStatus(sfn, workflows, execution);
            await stopRun(sfn, workflows, execution, 'the drill window closed');
            return { listed, status };
          })(),
        );
      },
    });
    const [{ listed, status }] = await Promise.all(control);

    expect(listed).toEqual([expect.objectContaining({ execution: result.executionName, workflow: 'recovery', status: 'RUNNING' })]);
    expect(status).toMatchObject({ execution: result.executionName, status: 'RUNNING', plan: 'payments', mode: 'drill' });
    expect(result.status).toBe('ABORTED');
    expect(report.status).toBe('ABORTED');
    expect(launchJobs(drs, 'web')).toHaveLength(0);
    expect(instancesInDrs(drs, true)).toBe(0);
  });

  it('a gate nobody decides in time stops the run as NOT_APPROVED; the drill cleans up', async () => {
    drs = await startServices();

    // 600 simulated seconds a real one: the one-minute gate times out within a tenth of a second.
    const { result, report } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, plan: await planWithGateBeforeWeb(1), drs, speed: 600 });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ApprovalTimedOutError');
    expect(report.status).toBe('NOT_APPROVED');
    expect(report.cause).toBe('no decision on wave web within 60 seconds (the gate timeout), so nothing of the wave was started');
    expect(report.waves.find((wave) => wave.name === 'web')?.gate).toMatchObject({ decision: 'NOT_APPROVED', waitedSeconds: 60 });
    expect(launchJobs(drs, 'web')).toHaveLength(0);
    expect(instancesInDrs(drs, true)).toBe(0);
  });

  it('--approve-after approves every gate after the simulated delay, through the approve command\'s path', async () => {
    const { result, report } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, plan: await planWithGateBeforeWeb(), approveAfterSeconds: 120 });

    expect(result.status).toBe('SUCCEEDED');
    const gate = report.waves.find((wave) => wave.name === 'web')!.gate!;
    expect(gate).toMatchObject({ decision: 'APPROVED', waitedSeconds: 120, comment: 'approved automatically after 120 s (npm run local -- --approve-after)' });
    expect(gate.reasons).toEqual(['plan "payments" requires approval before wave "web" in a drill']);
  });
});
