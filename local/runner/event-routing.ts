// The run's EventBridge, and the queue behind its rules: the events the local DRS service sends (as
// DRS sends them to the default bus) go to the functions whose rules match them, as
// deploy/serverless.cjs deploys them: DRS's launch results and SSM's ends of post-launch action
// runs through a queue, read in batches of up to 10 (Lambda's SQS event), by the function
// resuming waves. Delivery is best effort on AWS, so the
// routing can drop and repeat events (seeded, so a run is reproducible), and delivers each after a
// simulated delay. A delivery is due in simulated time; the runner delivers what is due whenever
// it waits (runCallbackTask), and at a frozen clock moves time to the next delivery.
import { randomUUID } from 'node:crypto';
import { SeededRandom } from '#local/drs/ids.ts';
import type { DrsServiceEvent } from '#local/drs/index.ts';
import { LAUNCH_RESULT_PATTERN } from '#shared/events/drs-launch-result.ts';
import { RUN_END_PATTERNS } from '#shared/events/ssm-run-end.ts';

/** How the routing delivers: after how long, and what it loses or repeats. */
export interface EventDelivery {
  /** Simulated milliseconds from an event to its target's invocation (EventBridge's delivery; default 0). */
  delayMs?: number;
  /** The share of events never delivered, 0..1 (default 0). */
  dropRate?: number;
  /** The share of delivered events delivered twice, 0..1 (default 0). */
  duplicateRate?: number;
  /** Seeds which events are dropped and repeated (default: the execution's name). */
  seed?: string;
  /** No routing at all: every wave waits out its fallback poll (default false). */
  off?: boolean;
}

/** A rule: events matching the pattern go through a queue to the function, `batchSize` at a time. */
export interface LocalRule {
  name: string;
  pattern: Record<string, unknown>;
  functionKey: string;
  batchSize: number;
}

/** The rules the stack deploys for DRS's events, and SSM's for the post-launch action runs DRS starts. */
export const DRS_EVENT_RULES: readonly LocalRule[] = [
  { name: 'LaunchResultRule', pattern: LAUNCH_RESULT_PATTERN, functionKey: 'resumeWave', batchSize: 10 },
  { name: 'ActionAutomationEndRule', pattern: RUN_END_PATTERNS.automation, functionKey: 'resumeWave', batchSize: 10 },
  { name: 'ActionCommandEndRule', pattern: RUN_END_PATTERNS.command, functionKey: 'resumeWave', batchSize: 10 },
];

/** Lambda's SQS event for a batch of queued events (the fields the event source mapping fills). */
function queueBatchOf(events: readonly DrsServiceEvent[], sentAtMs: number): { Records: unknown[] } {
  return {
    Records: events.map((event) => ({
      messageId: randomUUID(),
      receiptHandle: randomUUID(),
      body: JSON.stringify(event),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(sentAtMs) },
      messageAttributes: {},
      eventSource: 'aws:sqs',
      awsRegion: event.region,
    })),
  };
}

/** What happened to the events, for tests and benchmarks. */
export interface EventRoutingCounts {
  sent: number;
  matched: number;
  dropped: number;
  duplicated: number;
  delivered: number;
  failed: number;
}

export interface EventRouting {
  /** Delivers every event due by `nowMs`; resolves when their targets have returned. */
  deliverDue(nowMs: number): Promise<void>;
  /** When the next delivery is due (simulated epoch ms); undefined: none waiting. */
  nextDueAtMs(): number | undefined;
  counts: EventRoutingCounts;
  stop(): void;
}

/**
 * EventBridge's matching for the patterns we deploy: each key of the pattern must be in the
 * event; an array lists the values allowed, an object matches the nested object the same way.
 */
export function matchesPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (Array.isArray(expected)) return (Array.isArray(actual) ? actual : [actual]).some((value) => expected.includes(value));
    if (typeof expected === 'object' && expected !== null) return typeof actual === 'object' && actual !== null && matchesPattern(expected as Record<string, unknown>, actual as Record<string, unknown>);
    return false;
  });
}

/** Routes the events of `source` to `invoke` by `rules`, as `delivery` says. */
export function startEventRouting(
  source: { onEvent(listener: (event: DrsServiceEvent, atMs: number) => void): () => void },
  rules: readonly LocalRule[],
  invoke: (rule: LocalRule, batch: { Records: unknown[] }) => Promise<unknown>,
  delivery: EventDelivery & { seed: string },
): EventRouting {
  const random = new SeededRandom(delivery.seed);
  const queue: Array<{ atMs: number; rule: LocalRule; event: DrsServiceEvent }> = [];
  const counts: EventRoutingCounts = { sent: 0, matched: 0, dropped: 0, duplicated: 0, delivered: 0, failed: 0 };
  const delayMs = delivery.delayMs ?? 0;
  const stopListening = source.onEvent((event, sentAtMs) => {
    counts.sent += 1;
    for (const rule of rules) {
      if (!matchesPattern(rule.pattern, event as unknown as Record<string, unknown>)) continue;
      counts.matched += 1;
      if (random.next() < (delivery.dropRate ?? 0)) {
        counts.dropped += 1;
        continue;
      }
      const atMs = sentAtMs + delayMs;
      queue.push({ atMs, rule, event });
      if (random.next() < (delivery.duplicateRate ?? 0)) {
        counts.duplicated += 1;
        queue.push({ atMs: atMs + delayMs, rule, event });
      }
    }
  });
  return {
    counts,
    nextDueAtMs: () => (queue.length === 0 ? undefined : queue.reduce((earliest, item) => Math.min(earliest, item.atMs), Number.POSITIVE_INFINITY)),
    async deliverDue(nowMs) {
      const due = queue.filter((item) => item.atMs <= nowMs);
      if (due.length === 0) return;
      for (const item of due) queue.splice(queue.indexOf(item), 1);
      const batches: Array<{ rule: LocalRule; events: DrsServiceEvent[] }> = [];
      for (const rule of rules) {
        const ofRule = due.filter((item) => item.rule === rule).map((item) => item.event);
        for (let start = 0; start < ofRule.length; start += rule.batchSize) batches.push({ rule, events: ofRule.slice(start, start + rule.batchSize) });
      }
      // Invoked asynchronously by the event source mapping: a target's failure is its own, never the run's.
      await Promise.all(
        batches.map(({ rule, events }) =>
          invoke(rule, queueBatchOf(events, nowMs)).then(
            () => void (counts.delivered += events.length),
            () => void (counts.failed += events.length),
          ),
        ),
      );
    },
    stop: stopListening,
  };
}
