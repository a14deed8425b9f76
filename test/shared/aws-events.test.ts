// The composition root's progress events on AWS: with EVENT_BUS_NAME set, each event is one
// PutEvents on that bus (the EventBridge client is loaded at the first publish), and an event
// EventBridge refuses never fails the step that published it.
import { EventBridgeClient, type PutEventsCommandInput, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { EVENT_SOURCE } from '#shared/events/definition.ts';

// The EventBridge client is pinned to an SDK older than aws-sdk-client-mock's types: its send is
// stubbed directly (typed as the one command sent), answering each PutEvents with what the test sets.
const putEvents = vi.fn<(input: PutEventsCommandInput) => Omit<PutEventsCommandOutput, '$metadata'>>();
const send = vi.spyOn(EventBridgeClient.prototype, 'send') as unknown as MockInstance<(command: { input: PutEventsCommandInput }) => Promise<PutEventsCommandOutput>>;
send.mockImplementation(async (command) => ({ $metadata: {}, ...putEvents(command.input) }));
let aws: typeof import('#shared/aws/events.ts');

const detail = { plan: 'payments', mode: 'drill', execution: 'payments-drill-1', wave: 'web', servers: 3, jobs: 1 } as const;

beforeAll(async () => {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('EVENT_BUS_NAME', 'drs-orchestrator-test');
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  aws = await import('#shared/aws/events.ts');
});

beforeEach(() => {
  putEvents.mockReset();
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('progress events on an EventBridge bus', () => {
  it('publishes each event as one PutEvents entry on EVENT_BUS_NAME, its detail as the catalogue defines it', async () => {
    putEvents.mockReturnValue({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

    await aws.publishProgress('Wave Started', detail);

    expect(putEvents.mock.calls).toEqual([
      [{ Entries: [{ EventBusName: 'drs-orchestrator-test', Source: EVENT_SOURCE, DetailType: 'Wave Started', Detail: JSON.stringify(detail) }] }],
    ]);
  });

  it('an event EventBridge refuses is not thrown: publishing is best effort', async () => {
    putEvents.mockReturnValue({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });

    await expect(aws.publishProgress('Wave Started', detail)).resolves.toBeUndefined();
    expect(putEvents).toHaveBeenCalledTimes(1);
  });
});
