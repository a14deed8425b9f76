// What starts a run without a person: an EventBridge Scheduler invocation carrying our documented
// payload, or a CloudWatch "Alarm State Change" event routed by an EventBridge rule.
import * as z from 'zod/mini';
import { describeIssues, formatProblems } from '#shared/problems.ts';
import { InvalidTriggerEventError } from './errors.ts';
import { EventBridgeEnvelope } from '#shared/events/envelope.ts';

const AlarmStateValue = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

// CloudWatch writes state timestamps as `2026-03-01T02:00:00.123+0000` (no colon in the offset),
// which is not ISO-8601 as zod checks it: kept as a string and only read for digits.
const AlarmState = z.object({ value: AlarmStateValue, reason: z.optional(z.string()), timestamp: z.string().check(z.minLength(1)) });

/** A "CloudWatch Alarm State Change" event (source aws.cloudwatch), as EventBridge delivers it. */
export const AlarmStateChangeEvent = z.extend(EventBridgeEnvelope, {
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  detail: z.object({
    alarmName: z.string().check(z.minLength(1)),
    state: AlarmState,
    // Absent on the first evaluation of a new alarm.
    previousState: z.optional(z.partial(AlarmState)),
  }),
});
export type AlarmStateChangeEvent = z.infer<typeof AlarmStateChangeEvent>;

/**
 * The schedule's payload. Scheduler substitutes `<aws.scheduler.scheduled-time>` and
 * `<aws.scheduler.schedule-arn>`; the scheduled time is the same on every retry of one
 * occurrence, which makes the execution name deterministic.
 */
export const ScheduledDrillEvent = z.strictObject({
  kind: z.literal('scheduled-drill'),
  plan: z.string().check(z.minLength(1)),
  scheduledTime: z.iso.datetime({ offset: true }),
  scheduleArn: z.optional(z.string().check(z.minLength(1))),
  holdMinutes: z.optional(z.number().check(z.minimum(0), z.maximum(24 * 60))),
  waves: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
});
export type ScheduledDrillEvent = z.infer<typeof ScheduledDrillEvent>;

export const TriggerEvent = z.union([ScheduledDrillEvent, AlarmStateChangeEvent]);
export type TriggerEvent = z.infer<typeof TriggerEvent>;

/** Parses the trigger's input; the error says which of the two documented shapes was expected. */
export function parseTriggerEvent(raw: unknown): TriggerEvent {
  const parsed = TriggerEvent.safeParse(raw);
  if (parsed.success) return parsed.data;
  const looksLikeAlarm = typeof raw === 'object' && raw !== null && 'detail-type' in raw;
  const attempt = (looksLikeAlarm ? AlarmStateChangeEvent : ScheduledDrillEvent).safeParse(raw);
  const problems = attempt.success ? [] : describeIssues(attempt.error.issues);
  throw new InvalidTriggerEventError(
    `not a ${looksLikeAlarm ? 'CloudWatch Alarm State Change event' : 'scheduled-drill payload'}:\n${formatProblems('event', problems)}`,
  );
}

export function isAlarmEvent(event: TriggerEvent): event is AlarmStateChangeEvent {
  return 'detail-type' in event;
}
