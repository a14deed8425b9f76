// The plan's approval gates and actions as data: what the schema refuses (with file and line),
// which gate a wave gets in which mode, how an automation's parameters are filled, and what the
// operators are told. The workflow around them: test/e2e/approvals.test.ts and actions.test.ts.
import { describe, expect, it } from 'vitest';
import { automationParameters, clientTokenOf, runWaveActions } from '#shared/actions/run.ts';
import { FunctionNotInvokedError, type ActionLedger, type LedgerEntry } from '#shared/actions/ports.ts';
import { approvalRequest, consoleUrlOf } from '#shared/approval/request.ts';
import { parsePlan } from '#shared/plan/load.ts';
import { prepareWaveFront } from '#shared/recovery/front.ts';
import { parseExecutionInput, prepareRun } from '#shared/recovery/run.ts';
import type { RunState } from '#shared/recovery/state.ts';

const plan = (web: string) => `name: shop
targets: { rtoMinutes: 60, rpoMinutes: 15 }
waves:
  - name: db
    servers: { tags: { Tier: db } }
  - name: web
    servers: { tags: { Tier: web } }
${web}`;

describe('approval gates and actions in a plan file', () => {
  it('an action with neither or both kinds is refused, naming the line and the fix', () => {
    const neither = plan('    after:\n      - name: smoke\n        timeoutMinutes: 5\n');
    const both = plan('    after:\n      - name: smoke\n        lambda: { function: f }\n        ssmAutomation: { document: Doc-One }\n');

    expect(() => parsePlan(neither, 'plans/shop.yaml')).toThrow('plans/shop.yaml:9: waves[1].after[0]: action "smoke" needs exactly one of `lambda` (a function) or `ssmAutomation` (a document)');
    expect(() => parsePlan(both, 'plans/shop.yaml')).toThrow('action "smoke" needs exactly one of');
  });

  it('two actions of a wave with one name, a lambda action longer than 14 minutes and a malformed function are refused', () => {
    const twice = plan('    before:\n      - name: check\n        lambda: { function: f }\n    after:\n      - name: check\n        lambda: { function: g }\n');
    const long = plan('    after:\n      - name: smoke\n        lambda: { function: f }\n        timeoutMinutes: 20\n');
    const malformed = plan('    after:\n      - name: smoke\n        lambda: { function: "not a function!" }\n');

    expect(() => parsePlan(twice, 'plans/shop.yaml')).toThrow('action name "check" is already used by before[0] of wave "web"; give each action of a wave its own name');
    expect(() => parsePlan(long, 'plans/shop.yaml')).toThrow('a lambda action may take at most 14 minutes (Lambda stops a function at 15): run longer work as an ssmAutomation action');
    expect(() => parsePlan(malformed, 'plans/shop.yaml')).toThrow(/a Lambda function is a name \(payments-dns-switch\), or its ARN/);
  });

  it('requireApproval is for drills and recoveries only', () => {
    expect(() => parseExecutionInput({ plan: 'shop', mode: 'failback', requireApproval: {} })).toThrow(
      'requireApproval applies to drills and recoveries: a failback is started by a person already; remove it',
    );
  });
});

describe('the wave front', () => {
  const gated = parsePlan(plan('    approval: { timeoutMinutes: 30, modes: [recovery] }\n    after:\n      - name: dns\n        modes: [recovery]\n        lambda: { function: dns-switch }\n      - name: smoke\n        ssmAutomation: { document: Smoke-Test }\n'), 'shop.yaml');
  const stateOf = (mode: 'drill' | 'recovery', input: Record<string, unknown> = {}, completed = 0): RunState => {
    const run = prepareRun(parseExecutionInput({ plan: 'shop', mode, ...input }), gated, 'shop-run-1', '2026-12-01T00:00:00Z');
    return { run, completed: Array.from({ length: completed }, () => ({}) as never) };
  };

  it("a wave's gate and actions apply in the modes they name", () => {
    expect(prepareWaveFront(stateOf('recovery', {}, 1), gated)).toMatchObject({ name: 'web', approval: { timeoutSeconds: 1800 }, actionsBefore: 0, actionsAfter: 2 });
    const drill = prepareWaveFront(stateOf('drill', {}, 1), gated);
    expect(drill.approval).toBeUndefined();
    expect(drill.actionsAfter).toBe(1);
  });

  it("the input's approval asks before the first wave only; with the plan's gate there too, one decision within the shorter timeout", () => {
    const first = prepareWaveFront(stateOf('recovery', { requireApproval: { timeoutMinutes: 10 }, trigger: { source: 'alarm', id: 'primary-down' } }), gated);
    expect(first.approval).toEqual({ timeoutSeconds: 600, reasons: ['started by alarm primary-down: a person must approve before anything is recovered'] });

    const both = parsePlan(plan('').replace("  - name: db\n", '  - name: db\n    approval: { timeoutMinutes: 120 }\n'), 'shop.yaml');
    const state = stateOf('recovery', { requireApproval: {} });
    const front = prepareWaveFront({ ...state, run: { ...state.run } }, both);
    expect(front.approval?.timeoutSeconds).toBe(3600);
    expect(front.approval?.reasons).toHaveLength(2);
  });
});

describe('an automation action', () => {
  const state = { run: prepareRun(parseExecutionInput({ plan: 'shop', mode: 'recovery' }), parsePlan(plan(''), 'shop.yaml'), 'shop-run-1', '2026-12-01T00:00:00Z') };
  const step = { run: state.run, plan: parsePlan(plan(''), 'shop.yaml'), front: { index: 1, name: 'web', actionsBefore: 0, actionsAfter: 1, phase: 'after' as const }, now: '2026-12-01T00:30:00Z', servers: async () => [] };
  const servers = [
    { sourceServerId: 's-1', account: '111122223333', region: 'us-east-1', ec2InstanceId: 'i-1', privateIp: '10.0.0.1', tags: {} },
    { sourceServerId: 's-2', account: '111122223333', region: 'us-east-1', tags: {} },
  ];

  it('gets the recovered instances for the list placeholders, the run for the word placeholders, and the stage automation role where the document declares it', () => {
    const action = { name: 'smoke', ssmAutomation: { document: 'Smoke', parameters: { InstanceIds: '{{ec2InstanceIds}}', Targets: ['{{privateIps}}', '10.9.9.9'], Note: '{{plan}}/{{wave}} by {{execution}}' } } };

    expect(automationParameters(step, action, servers, ['InstanceIds', 'Targets', 'Note', 'AutomationAssumeRole'], 'arn:aws:iam::111122223333:role/auto')).toEqual({
      InstanceIds: ['i-1'],
      Targets: ['10.0.0.1', '10.9.9.9'],
      Note: ['shop/web by shop-run-1'],
      AutomationAssumeRole: ['arn:aws:iam::111122223333:role/auto'],
    });
    expect(automationParameters(step, action, servers, ['InstanceIds', 'Targets', 'Note'], 'arn:aws:iam::111122223333:role/auto')).not.toHaveProperty('AutomationAssumeRole');
  });

  it('sends the same ClientToken, a UUID, on every attempt of one action, and another for another', () => {
    const token = clientTokenOf('action#shop-run-1#web#after#smoke');

    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(clientTokenOf('action#shop-run-1#web#after#smoke')).toBe(token);
    expect(clientTokenOf('action#shop-run-2#web#after#smoke')).not.toBe(token);
  });
});

describe('a Lambda action Lambda throttled', () => {
  it('gives its ledger entry back and fails the step as a service fault the workflow retries; the retry invokes it', async () => {
    const shop = parsePlan(plan('    after:\n      - name: echo\n        lambda: { function: echo }\n'), 'shop.yaml');
    const run = prepareRun(parseExecutionInput({ plan: 'shop', mode: 'drill' }), shop, 'shop-run-1', '2026-12-01T00:00:00Z');
    const entries = new Map<string, LedgerEntry>();
    const ledger: ActionLedger = {
      claim: async (key) => (entries.has(key) ? false : (entries.set(key, {}), true)),
      read: async (key) => entries.get(key),
      update: async (key, entry) => void entries.set(key, entry),
      release: async (key) => void entries.delete(key),
    };
    let invocations = 0;
    const lambda = {
      invoke: async () => {
        invocations += 1;
        if (invocations === 1) throw new FunctionNotInvokedError('Lambda throttled the Invoke of echo');
        return { ok: true as const, result: '{}' };
      },
      check: async () => ({ ok: true as const }),
    };
    const step = { run, plan: shop, front: { index: 1, name: 'web', actionsBefore: 0, actionsAfter: 1, phase: 'after' as const }, now: '2026-12-01T00:30:00Z', servers: async () => [] };
    const ports = { lambda, ssm: {} as never, ledger };

    const first = await runWaveActions(step, ports).catch((error: unknown) => error);
    const retried = await runWaveActions(step, ports);

    expect(first).toMatchObject({ name: 'ServiceUnavailableError' });
    expect(invocations).toBe(2);
    expect(retried).toMatchObject({ actionsDone: true, results: [{ name: 'echo', status: 'SUCCEEDED' }] });
  });
});

describe("the operators' approval request", () => {
  it('says what waits, why, until when, and the exact commands and console link; its subject fits SNS', () => {
    const run = prepareRun(parseExecutionInput({ plan: 'shop', mode: 'recovery' }), parsePlan(plan(''), 'shop.yaml'), 'shop-recovery-alarm-1', '2026-12-01T00:00:00Z');
    const arn = 'arn:aws:states:eu-west-1:111122223333:execution:drs-orchestrator-dev-recovery:shop-recovery-alarm-1';
    const front = { index: 0, name: 'db', actionsBefore: 0, actionsAfter: 0, approval: { timeoutSeconds: 3600, reasons: ['started by alarm primary-down'], instructions: 'Call the DBA first.' } };

    const request = approvalRequest(run, front, 'token-1', arn, '2026-12-01T00:00:05Z');

    expect(request.pending).toMatchObject({ execution: 'shop-recovery-alarm-1', token: 'token-1', wave: 'db', deadline: '2026-12-01T01:00:05.000Z' });
    expect(request.approveCommand).toBe('npm run aws -- approve --execution shop-recovery-alarm-1 --region eu-west-1 --comment "<why>"');
    expect(request.message).toContain('waits for approval before wave "db" (its first wave: nothing has been recovered yet)');
    expect(request.message).toContain('Before approving: Call the DBA first.');
    expect(request.message).toContain('without a decision the recovery stops as not approved');
    expect(request.consoleUrl).toBe(consoleUrlOf(arn));
    expect(request.consoleUrl).toBe(`https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn}`);
    expect(request.subject.length).toBeLessThanOrEqual(100);
  });
});
