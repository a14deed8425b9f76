// Trigger event + stage configuration → the run to start (its deterministic execution name and
// input), or why nothing starts. Pure: the Lambda trigger and `npm run local -- --event` share it.
import { createHash } from 'node:crypto';
import type { ExecutionInput } from '#shared/plan/input.ts';
import { alarmNeedsApproval, type StageConfig } from './config.ts';
import { UnknownAlarmError, UnknownPlanError } from './errors.ts';
import { isAlarmEvent, type AlarmStateChangeEvent, type ScheduledDrillEvent, type TriggerEvent } from './events.ts';

export type TriggerDecision =
  | { action: 'start'; executionName: string; input: ExecutionInput }
  | { action: 'ignored'; reason: string };

/** Step Functions execution names: 1..80 of [A-Za-z0-9-_], unique per state machine for 90 days. */
export const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** `2026-03-01T02:00:00.123+0000` or `2026-03-01T02:00:00Z` → `20260301T020000` (UTC as given). */
export function compactTimestamp(timestamp: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(timestamp);
  if (match === null) throw new Error(`not a timestamp: ${timestamp}`);
  return `${match[1]}${match[2]}${match[3]}T${match[4]}${match[5]}${match[6]}`;
}

const REASON_LIMIT = 512;
const clip = (text: string) => (text.length > REASON_LIMIT ? `${text.slice(0, REASON_LIMIT - 1)}…` : text);

function requireDeployed(plan: string, config: StageConfig, what: string): void {
  if (!config.plans.includes(plan)) {
    throw new UnknownPlanError(`${what} names plan "${plan}", which this stage does not deploy (deployed: ${config.plans.join(', ')}); nothing was started`);
  }
}

function alarmDecision(event: AlarmStateChangeEvent, config: StageConfig): TriggerDecision {
  const { alarmName, state, previousState } = event.detail;
  const trigger = config.alarms.find((candidate) => candidate.alarmName === alarmName);
  if (trigger === undefined) {
    const known = config.alarms.map((candidate) => candidate.alarmName);
    throw new UnknownAlarmError(
      `alarm "${alarmName}" starts no plan in this stage (configured alarms: ${known.length > 0 ? known.join(', ') : '(none)'}); nothing was started`,
    );
  }
  requireDeployed(trigger.plan, config, `alarm "${alarmName}"`);
  if (state.value !== 'ALARM') {
    return { action: 'ignored', reason: `alarm "${alarmName}" went to ${state.value}; only a transition into ALARM starts a run` };
  }
  if (previousState?.value === 'ALARM') {
    return { action: 'ignored', reason: `alarm "${alarmName}" was already in ALARM; only a transition into ALARM starts a run` };
  }
  // The alarm name and the state's timestamp identify one transition: every delivery of it maps
  // to the same name, so Step Functions starts it once. The hash keeps two alarms of one plan
  // firing in the same second apart; the readable alarm name is in the input's trigger.
  const transition = createHash('sha256').update(`${alarmName}\n${state.timestamp}`).digest('hex').slice(0, 8);
  return {
    action: 'start',
    executionName: `${trigger.plan}-${trigger.mode}-alarm-${compactTimestamp(state.timestamp)}-${transition}`,
    input: {
      plan: trigger.plan,
      mode: trigger.mode,
      reason: clip(`CloudWatch alarm "${alarmName}" went into ALARM at ${state.timestamp}${state.reason ? `: ${state.reason}` : ''}`),
      trigger: { source: 'alarm', id: event.resources[0] ?? alarmName },
      ...(alarmNeedsApproval(trigger) ? { requireApproval: trigger.approval?.timeoutMinutes === undefined ? {} : { timeoutMinutes: trigger.approval.timeoutMinutes } } : {}),
    },
  };
}

function scheduleDecision(event: ScheduledDrillEvent, config: StageConfig): TriggerDecision {
  requireDeployed(event.plan, config, 'the drill schedule');
  return {
    action: 'start',
    executionName: `${event.plan}-drill-schedule-${compactTimestamp(event.scheduledTime)}`,
    input: {
      plan: event.plan,
      mode: 'drill',
      ...(event.waves === undefined ? {} : { waves: event.waves }),
      ...(event.holdMinutes === undefined ? {} : { holdMinutes: event.holdMinutes }),
      reason: `scheduled drill for ${event.scheduledTime}`,
      trigger: { source: 'schedule', ...(event.scheduleArn === undefined ? {} : { id: event.scheduleArn }) },
    },
  };
}

/**
 * What a trigger event asks for under a stage's configuration. Throws UnknownAlarmError or
 * UnknownPlanError when the event names something the stage does not configure or deploy.
 */
export function decideTrigger(event: TriggerEvent, config: StageConfig): TriggerDecision {
  return isAlarmEvent(event) ? alarmDecision(event, config) : scheduleDecision(event, config);
}
