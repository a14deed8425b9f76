// The pure mapping from a trigger event and the stage configuration to the run to start.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkStageConfig, readStageConfig, StageConfig } from '#shared/trigger/config.ts';
import { stageConfigDocument } from '#shared/trigger/stage-yaml.ts';
import { UnknownAlarmError, UnknownPlanError } from '#shared/trigger/errors.ts';
import { parseTriggerEvent, type AlarmStateChangeEvent } from '#shared/trigger/events.ts';
import { decideTrigger, EXECUTION_NAME } from '#shared/trigger/mapping.ts';

const fixture = async (name: string): Promise<unknown> => JSON.parse(await readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8'));
const parseStageConfig = (text: string, source: string) => checkStageConfig(stageConfigDocument(text, source), source);
const stage = async () => parseStageConfig(await readFile(new URL('fixtures/stage.yaml', import.meta.url), 'utf8'), 'stage.yaml');

async function alarmEvent(change: (event: AlarmStateChangeEvent) => void = () => {}): Promise<AlarmStateChangeEvent> {
  const event = parseTriggerEvent(await fixture('alarm-event.json')) as AlarmStateChangeEvent;
  change(event);
  return event;
}

describe('an alarm state change', () => {
  it('going into ALARM starts its plan in its mode, with a valid name that repeats for every delivery', async () => {
    const config = await stage();
    const first = decideTrigger(await alarmEvent(), config);
    const again = decideTrigger(await alarmEvent(), config);

    expect(first).toEqual(again);
    expect(first).toMatchObject({
      action: 'start',
      input: { plan: 'payments', mode: 'recovery', trigger: { source: 'alarm', id: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:payments-primary-site-down' } },
    });
    if (first.action !== 'start') throw new Error('expected a start');
    expect(first.executionName).toMatch(EXECUTION_NAME);
    expect(first.executionName).toMatch(/^payments-recovery-alarm-20260301T021440-[0-9a-f]{8}$/);
    expect(first.input.reason).toContain('payments-primary-site-down');
  });

  it('a later transition of the same alarm gets a name of its own', async () => {
    const config = await stage();
    const first = decideTrigger(await alarmEvent(), config);
    const later = decideTrigger(await alarmEvent((event) => { event.detail.state.timestamp = '2026-03-08T09:00:00.000+0000'; }), config);
    expect(first.action === 'start' && later.action === 'start' && first.executionName !== later.executionName).toBe(true);
  });

  it.each(['OK', 'INSUFFICIENT_DATA'] as const)('going to %s is ignored', async (value) => {
    const decision = decideTrigger(await alarmEvent((event) => { event.detail.previousState = { value: 'ALARM' }; event.detail.state.value = value; }), await stage());
    expect(decision).toEqual({ action: 'ignored', reason: expect.stringContaining(`went to ${value}`) });
  });

  it('staying in ALARM is ignored: only a transition into ALARM starts a run', async () => {
    const decision = decideTrigger(await alarmEvent((event) => { event.detail.previousState = { value: 'ALARM' }; }), await stage());
    expect(decision).toEqual({ action: 'ignored', reason: expect.stringContaining('already in ALARM') });
  });

  it('of an alarm no trigger names is an error naming the alarm and the configured ones', async () => {
    const event = await alarmEvent((event) => { event.detail.alarmName = 'billing-primary-site-down'; });
    const config = await stage();
    expect(() => decideTrigger(event, config)).toThrowError(UnknownAlarmError);
    expect(() => decideTrigger(event, config)).toThrowError(/"billing-primary-site-down" starts no plan .*payments-primary-site-down/);
  });

  it('mapped to a plan the stage does not deploy is an error', async () => {
    const config: StageConfig = { ...(await stage()), plans: ['inventory'] };
    const event = await alarmEvent();
    expect(() => decideTrigger(event, config)).toThrowError(UnknownPlanError);
  });
});

describe('a scheduled drill', () => {
  it("starts a drill of the schedule's plan, named after the scheduled time", async () => {
    const decision = decideTrigger(parseTriggerEvent(await fixture('scheduled-drill.json')), await stage());
    expect(decision).toEqual({
      action: 'start',
      executionName: 'payments-drill-schedule-20260301T010000',
      input: {
        plan: 'payments',
        mode: 'drill',
        holdMinutes: 15,
        reason: 'scheduled drill for 2026-03-01T01:00:00Z',
        trigger: { source: 'schedule', id: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/drs-orchestrator-dev-payments-drill' },
      },
    });
  });

  it('of a plan the stage does not deploy is an error', async () => {
    const event = parseTriggerEvent({ ...((await fixture('scheduled-drill.json')) as object), plan: 'inventory' });
    const config = await stage();
    expect(() => decideTrigger(event, config)).toThrowError(/plan "inventory", which this stage does not deploy/);
  });
});

describe('the stage configuration', () => {
  it('refuses a trigger for a plan the stage does not deploy, naming the field', () => {
    const text = 'plans: [payments]\nalarms:\n  - { alarmName: a, plan: inventory, mode: recovery }\n';
    expect(() => parseStageConfig(text, 'dev.yaml')).toThrowError(/dev.yaml: alarms\[0\]\.plan: plan "inventory" is not deployed/);
  });

  it('refuses a schedule that is not a Scheduler cron expression', () => {
    const text = 'plans: [payments]\ndrills:\n  - { plan: payments, schedule: "0 2 * * 0", timezone: UTC }\n';
    expect(() => parseStageConfig(text, 'dev.yaml')).toThrowError(/drills\[0\]\.schedule: a schedule is an EventBridge Scheduler cron expression/);
  });

  it('reads the same from the JSON the package ships as from its YAML, and checks the JSON again', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'stage-json-'));
    const yamlFile = fileURLToPath(new URL('fixtures/stage.yaml', import.meta.url));
    await writeFile(join(folder, 'stage.json'), JSON.stringify(stageConfigDocument(await readFile(yamlFile, 'utf8'), yamlFile)));
    await writeFile(join(folder, 'edited.json'), JSON.stringify({ plans: [] }));

    expect(await readStageConfig(join(folder, 'stage.json'))).toEqual(await readStageConfig(yamlFile));
    await expect(readStageConfig(join(folder, 'edited.json'))).rejects.toThrowError(/edited\.json: plans: deploy at least one plan/);
  });
});
