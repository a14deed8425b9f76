// Action steps, end to end: the recovery state machine run by the local runner, RunWaveActions'
// built handler invoking functions at the local Lambda service (local handler files) and running
// documents at the local SSM service, its ledger in the local DynamoDB lock table; DNS records and
// automations counted from the local services' state.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalDrs, type LocalDrs, type Scenario } from '#local/drs/index.ts';
import { startActionServicesFor, type ActionServices } from '#local/runner/action-services.ts';
import type { ActionInput } from '#shared/actions/input.ts';
import { causeOf, instancesInDrs, runPlan } from './harness.ts';

const FIXTURES = 'test/e2e/fixtures/actions';

/**
 * The default scenario, with test functions and documents added. A scenario given as an object
 * has no file: handler paths are relative to the project folder.
 */
async function scenarioWith(additions: { functions?: object[]; documents?: object[] } = {}): Promise<Scenario> {
  const scenario = parse(await readFile('scenarios/default.yaml', 'utf8')) as Scenario & { lambda: { functions: object[] }; ssm: { documents: object[] } };
  scenario.lambda.functions = [
    { name: 'payments-dns-switch', handler: 'actions/dns-switch/handler.ts', timeoutSeconds: 150 },
    { name: 'payments-register-targets', handler: `${FIXTURES}/fails.ts` },
    { name: 'payments-slow-check', handler: `${FIXTURES}/sleeps.ts`, timeoutSeconds: 1 },
    { name: 'payments-echo', handler: `${FIXTURES}/echoes.ts` },
    ...(additions.functions ?? []),
  ];
  scenario.ssm.documents = [
    ...scenario.ssm.documents,
    { name: 'Payments-PromoteReplica', parameters: [{ name: 'InstanceIds', type: 'StringList' }], outcome: 'Failed', durationSeconds: 300, failureMessage: 'Step fails when it is executing: promote: replica lag 45 s above 30 s' },
    ...(additions.documents ?? []),
  ];
  return scenario;
}

/** A plan of two waves (databases, web) with these actions after the web wave (and before it, if given). */
function planWith(after: string, before = ''): string {
  return `name: payments
targets: { rtoMinutes: 60, rpoMinutes: 15 }
waves:
  - name: databases
    servers: { tags: { Application: payments, Tier: db } }
  - name: web
    servers: { tags: { Application: payments, Tier: web } }
${before === '' ? '' : `    before:\n${before}`}    after:
${after}`;
}

let drs: (LocalDrs & { actions: ActionServices }) | undefined;
afterEach(async () => {
  await drs?.actions.stop();
  await drs?.stop();
  drs = undefined;
});

async function startServices(additions?: Parameters<typeof scenarioWith>[0]): Promise<LocalDrs & { actions: ActionServices }> {
  const service = await startLocalDrs({ scenario: await scenarioWith(additions), speed: 0 });
  return { ...service, actions: await startActionServicesFor(service, {}) };
}

const launchJobs = (service: LocalDrs, wave: string) => service.state().jobs.filter((job) => job.type === 'LAUNCH' && job.tags?.['drs-orchestrator:wave'] === wave);

describe('action steps', () => {
  it('a recovery switches DNS after its web wave: the records hold the recovered web servers\' private IPs, INSYNC, and the report shows the result', async () => {
    drs = await startServices();
    const plan = (await readFile('plans/example.yaml', 'utf8'));

    const { result, report, events } = await runPlan({ input: { plan: 'payments', mode: 'recovery' }, plan, drs });

    expect(result.status).toBe('SUCCEEDED');
    const web = report.waves.find((wave) => wave.name === 'web')!;
    const ips = drs.state().recoveryInstances.filter((instance) => web.servers.some((server) => server.recoveryInstanceID === instance.recoveryInstanceID));
    expect(ips).toHaveLength(4);
    const zone = drs.actions.route53.state().hostedZones.find((candidate) => candidate.id === 'Z0PAYMENTSINTERNAL01')!;
    const record = zone.records.find((candidate) => candidate.name === 'web.payments.internal.' && candidate.type === 'A')!;
    const recovered = (drs.state() as unknown as { recoveryInstances: Array<{ recoveryInstanceID: string; recoveryInstanceProperties?: { networkInterfaces?: Array<{ ips: string[] }> } }> }).recoveryInstances
      .filter((instance) => web.servers.some((server) => server.recoveryInstanceID === instance.recoveryInstanceID))
      .map((instance) => instance.recoveryInstanceProperties?.networkInterfaces?.[0]?.ips[0])
      .sort();
    expect(record.values).toEqual(recovered);
    expect(record.values).not.toContain('192.168.10.21');
    const switched = web.actions?.find((action) => action.name === 'switch-dns');
    expect(switched).toMatchObject({ kind: 'lambda', target: 'payments-dns-switch', status: 'SUCCEEDED', phase: 'after' });
    expect(JSON.parse(switched!.outputs!)).toMatchObject({ status: 'INSYNC', records: [{ name: 'web.payments.internal.', values: recovered }] });
    expect(web.actions?.find((action) => action.name === 'smoke-test')).toMatchObject({ kind: 'ssmAutomation', status: 'SUCCEEDED', durationSeconds: 90 });
    expect(events.filter((event) => event['detail-type'] === 'Action Completed').map((event) => (event.detail as { action: string }).action)).toEqual(['smoke-test', 'switch-dns']);
  });

  it('a drill does not run an action limited to recoveries: the DNS records stay as they were', async () => {
    drs = await startServices();

    const { result, report } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, plan: await readFile('plans/example.yaml', 'utf8'), drs });

    expect(result.status).toBe('SUCCEEDED');
    expect(report.waves.find((wave) => wave.name === 'web')?.actions?.map((action) => action.name)).toEqual(['smoke-test']);
    expect(drs.actions.lambda.invocations()).toHaveLength(0);
    const record = drs.actions.route53.state().hostedZones[0]!.records.find((candidate) => candidate.name === 'web.payments.internal.' && candidate.type === 'A');
    expect(record?.values).toEqual(['192.168.10.21', '192.168.10.22']);
  });

  it('an action function gets the documented input: plan, mode, execution, wave and the wave\'s recovered servers', async () => {
    drs = await startServices();

    const { result } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, plan: planWith('      - name: echo\n        lambda: { function: payments-echo, parameters: { target-group: web } }\n'), drs });

    expect(result.status).toBe('SUCCEEDED');
    const [invocation] = drs.actions.lambda.invocations();
    const input = invocation!.payload as ActionInput;
    expect(input).toMatchObject({ plan: 'payments', mode: 'drill', execution: result.executionName, wave: 'web', phase: 'after', action: 'echo', parameters: { 'target-group': 'web' } });
    expect(input.servers).toHaveLength(4);
    for (const server of input.servers) {
      expect(server).toMatchObject({ account: '111122223333', region: 'us-east-1', tags: { Application: 'payments', Tier: 'web' } });
      expect(server.sourceServerId).toMatch(/^s-/);
      expect(server.hostname).toMatch(/^payments-web-\d/);
      expect(server.ec2InstanceId).toMatch(/^i-/);
      expect(server.recoveryInstanceId).toBe(server.ec2InstanceId);
      expect(server.privateIp).toMatch(/^10\.\d+\.\d+\.\d+$/);
    }
  });

  it('a failed function with onFailure stop stops the drill, which still cleans up; the cause names the action and the function\'s error', async () => {
    drs = await startServices();

    const { result, report } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, plan: planWith('      - name: register-targets\n        lambda: { function: payments-register-targets }\n'), drs });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ActionFailedError');
    expect(report.cause).toBe('action "register-targets" after wave "web" failed: Lambda function payments-register-targets: TargetRegistrationError: the load balancer refused the targets');
    expect(report.waves.find((wave) => wave.name === 'web')?.actions?.[0]).toMatchObject({ status: 'FAILED', onFailure: 'stop' });
    expect(instancesInDrs(drs, true)).toBe(0);
  });

  it('a failed function with onFailure continue is reported and the run goes on to succeed', async () => {
    drs = await startServices();

    const { result, report } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      plan: planWith('      - name: register-targets\n        lambda: { function: payments-register-targets }\n        onFailure: continue\n      - name: echo\n        lambda: { function: payments-echo }\n'),
      drs,
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(report.waves.find((wave) => wave.name === 'web')?.actions?.map((action) => `${action.name}: ${action.status}`)).toEqual(['register-targets: FAILED', 'echo: SUCCEEDED']);
  });

  it('a function that outruns its Lambda timeout is TIMED_OUT and stops the run', async () => {
    drs = await startServices();

    const { result, report } = await runPlan({ input: { plan: 'payments', mode: 'drill' }, plan: planWith('      - name: slow-check\n        lambda: { function: payments-slow-check }\n'), drs });

    expect(result.status).toBe('FAILED');
    const action = report.waves.find((wave) => wave.name === 'web')?.actions?.[0];
    expect(action).toMatchObject({ status: 'TIMED_OUT' });
    expect(action?.failureReason).toMatch(/Task timed out after 1\.\d\d seconds/);
  });

  it('an SSM Automation that fails before the web wave (onFailure stop) stops the run before the wave launches', async () => {
    drs = await startServices();

    const { result, report } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      plan: planWith('      - name: echo\n        lambda: { function: payments-echo }\n', "      - name: promote-replica\n        ssmAutomation:\n          document: Payments-PromoteReplica\n          parameters: { InstanceIds: '{{ec2InstanceIds}}' }\n"),
      drs,
    });

    expect(result.status).toBe('FAILED');
    expect(causeOf(result)).toContain('action "promote-replica" before wave "web" failed: SSM Automation Payments-PromoteReplica');
    expect(report.cause).toContain('promote: replica lag 45 s above 30 s');
    expect(launchJobs(drs, 'web')).toHaveLength(0);
    const [automation] = drs.actions.ssm.state().executions;
    expect(automation).toMatchObject({ document: 'Payments-PromoteReplica', status: 'Failed' });
    // Before the wave, its servers have no instances yet: the list is empty, not made up.
    expect(automation!.parameters).toEqual({ InstanceIds: [] });
  });

  it('a retried step starts nothing twice: the automation is started once and the function invoked once', async () => {
    drs = await startServices();

    // Each time, the step's handler ran (and started or invoked its action), then Lambda lost its answer: Step Functions retries it.
    const { result, report } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      plan: planWith("      - name: smoke-test\n        ssmAutomation:\n          document: Payments-SmokeTest\n          parameters: { InstanceIds: '{{ec2InstanceIds}}' }\n      - name: echo\n        lambda: { function: payments-echo }\n"),
      drs,
      lambdaFaults: { RunWaveActions: { failAfterInvocation: 1 } },
    });
    const again = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      plan: planWith('      - name: echo\n        lambda: { function: payments-echo }\n'),
      drs,
      lambdaFaults: { RunWaveActions: { failAfterInvocation: 1 } },
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.lambdaInvocations.RunWaveActions).toBeGreaterThan(report.waves[1]!.actions!.length);
    expect(drs.actions.ssm.state().executions.filter((execution) => execution.document === 'Payments-SmokeTest')).toHaveLength(1);
    expect(again.result.status).toBe('SUCCEEDED');
    expect(again.result.lambdaInvocations.RunWaveActions).toBe(2);
    expect(drs.actions.lambda.invocations().filter((invocation) => (invocation.payload as ActionInput).execution === again.result.executionName)).toHaveLength(1);
  });

  it('bad action definitions are refused before anything is launched: an unknown function, a missing document, a missing or unknown parameter', async () => {
    drs = await startServices();

    const { result } = await runPlan({
      input: { plan: 'payments', mode: 'drill' },
      plan: planWith(
        [
          '      - name: register\n        lambda: { function: payments-not-deployed }\n',
          '      - name: smoke\n        ssmAutomation: { document: Payments-NoSuchDocument }\n',
          "      - name: check\n        ssmAutomation:\n          document: Payments-SmokeTest\n          parameters: { Wave: '{{wave}}', Region: us-east-1 }\n",
        ].join(''),
      ),
      drs,
    });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('PreflightFailedError');
    const cause = causeOf(result);
    expect(cause).toContain('wave "web" after action "register": Lambda function payments-not-deployed does not exist in this account and Region');
    expect(cause).toContain('wave "web" after action "smoke": SSM document Payments-NoSuchDocument does not exist');
    expect(cause).toContain('wave "web" after action "check": document Payments-SmokeTest has no parameter Region');
    expect(cause).toContain('wave "web" after action "check": document Payments-SmokeTest requires InstanceIds');
    expect(drs.state().jobs).toHaveLength(0);
  });
});
