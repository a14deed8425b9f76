// `npm run local -- --event <file>`: the sample alarm event, mapped by the trigger's decideTrigger,
// runs the mapped plan in the mapped mode through the real state machine and the local DRS service.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocal } from '#local/runner/run-local.ts';
import { localRunForEvent } from '#local/runner/trigger-event.ts';
import { InvalidInputError } from '#shared/errors.ts';

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const triggersFile = fixture('stage.yaml');
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'trigger-local-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('a local run from an event file', () => {
  it('an alarm going into ALARM runs a recovery of its plan, named and reasoned as on AWS', async () => {
    const decided = await localRunForEvent(fixture('alarm-event.json'), { triggersFile });
    if (decided.action !== 'start') throw new Error(`expected a start, got: ${decided.reason}`);

    const result = await runLocal({
      input: decided.input,
      executionName: decided.executionName,
      plansDir: join(decided.planFile, '..'),
      reportsDir: scratch,
      // Simulated time stands still but for the workflow's waits (and the approval's 60 s): exact, and
      // no busy machine's slow handlers run into the waves' timeouts.
      speed: 0,
      // A recovery an alarm starts waits for a person (the stage's default): approved here as
      // `npm run local -- --approve-after 60` does.
      approveAfterSeconds: 60,
    });

    expect(decided.planFile).toMatch(/plans\/example\.yaml$/);
    expect(result, `${result.error}: ${result.cause}`).toMatchObject({ status: 'SUCCEEDED', executionName: decided.executionName });
    const report = JSON.parse(await readFile(result.reportPath ?? '', 'utf8'));
    expect(report).toMatchObject({ plan: 'payments', mode: 'recovery' });
    expect(JSON.stringify(report)).toContain('payments-primary-site-down');
    expect(report.waves[0].gate).toMatchObject({ decision: 'APPROVED', reasons: [expect.stringContaining('started by alarm')] });
  });

  it('an alarm going back to OK runs nothing', async () => {
    const event = JSON.parse(await readFile(fixture('alarm-event.json'), 'utf8'));
    event.detail.previousState.value = 'ALARM';
    event.detail.state.value = 'OK';
    const file = join(scratch, 'ok-event.json');
    await writeFile(file, JSON.stringify(event));

    expect(await localRunForEvent(file, { triggersFile })).toEqual({ action: 'ignored', reason: expect.stringContaining('went to OK') });
  });

  it('an alarm no trigger names is invalid input, with the trigger error in the message', async () => {
    const event = JSON.parse(await readFile(fixture('alarm-event.json'), 'utf8'));
    event.detail.alarmName = 'inventory-primary-site-down';
    const file = join(scratch, 'unknown-event.json');
    await writeFile(file, JSON.stringify(event));

    await expect(localRunForEvent(file, { triggersFile })).rejects.toThrowError(InvalidInputError);
    await expect(localRunForEvent(file, { triggersFile })).rejects.toThrowError(/UnknownAlarmError: alarm "inventory-primary-site-down" starts no plan/);
  });
});
