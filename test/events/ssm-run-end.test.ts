// SSM's ends of post-launch action runs: what the local DRS service sends when a run it simulates
// ends has the shape of SSM's documented events, matches the deployed rules, and names the run.
import { describe, expect, it } from 'vitest';
import { actionRunEndEvent } from '#local/drs/service-events.ts';
import { matchesPattern } from '#local/runner/event-routing.ts';
import { RUN_END_PATTERNS, RunEndEvent, runIdOf } from '#shared/events/ssm-run-end.ts';

const RUN = '0f8e6a52-3c1d-4b7e-9a2f-5d6c7b8a9e01';
const end = (type: 'SSM_AUTOMATION' | 'SSM_COMMAND', succeeded: boolean) =>
  actionRunEndEvent({ accountId: '111122223333', region: 'eu-west-1', runId: RUN, type, documentName: 'AWSMigration-VerifyMountedVolumes', succeeded, atMs: Date.parse('2026-03-01T02:09:48.250Z') });

describe("SSM's ends of post-launch action runs", () => {
  it('an automation execution: its ExecutionId is the run, only its rule matches it', () => {
    const event = end('SSM_AUTOMATION', true);

    expect(event).toMatchObject({ source: 'aws.ssm', 'detail-type': 'EC2 Automation Execution Status-change Notification', time: '2026-03-01T02:09:48Z', detail: { ExecutionId: RUN, Status: 'Success' } });
    expect(runIdOf(RunEndEvent.parse(event))).toBe(RUN);
    expect(matchesPattern(RUN_END_PATTERNS.automation, event as never)).toBe(true);
    expect(matchesPattern(RUN_END_PATTERNS.command, event as never)).toBe(false);
  });

  it('a command: its command-id is the run, a failure ends it too', () => {
    const event = end('SSM_COMMAND', false);

    expect(event.detail).toMatchObject({ 'command-id': RUN, status: 'Failed' });
    expect(runIdOf(RunEndEvent.parse(event))).toBe(RUN);
    expect(matchesPattern(RUN_END_PATTERNS.command, event as never)).toBe(true);
  });

  it('a status that is no end matches no rule, and is refused by name', () => {
    const inProgress = { ...end('SSM_AUTOMATION', true), detail: { ExecutionId: RUN, Status: 'InProgress' } };

    expect(matchesPattern(RUN_END_PATTERNS.automation, inProgress as never)).toBe(false);
    expect(RunEndEvent.safeParse(inProgress).success).toBe(false);
  });
});
