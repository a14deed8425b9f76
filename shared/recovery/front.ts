// The front of the next wave: whether a person must approve it and which actions run before and
// after it. PrepareWave writes it at `$.next` before anything of the wave happens; the gate and the
// action steps add their outcomes to it, and CompleteWave folds them into the wave's summary.
import * as z from 'zod/mini';
import { appliesTo, DEFAULT_APPROVAL_TIMEOUT_MINUTES } from '#shared/plan/actions.ts';
import type { Plan } from '#shared/plan/schema.ts';
import type { RunState } from './state.ts';

export const ACTION_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED'] as const;

/** What one action did: the report's row, the timeline's bar, a progress event's detail. */
export const ActionResult = z.object({
  name: z.string(),
  phase: z.enum(['before', 'after']),
  kind: z.enum(['lambda', 'ssmAutomation']),
  /** The function or document it ran. */
  target: z.string(),
  status: z.enum(ACTION_STATUSES),
  onFailure: z.enum(['stop', 'continue']),
  startedAt: z.string(),
  endedAt: z.string(),
  durationSeconds: z.number(),
  automationExecutionId: z.optional(z.string()),
  /** The function's result or the automation's outputs, as JSON, capped (the state is compact). */
  outputs: z.optional(z.string()),
  failureReason: z.optional(z.string()),
});
export type ActionResult = z.infer<typeof ActionResult>;

/** An SSM Automation the step started and polls. */
export const RunningAction = z.object({
  name: z.string(),
  startedAt: z.string(),
  automationExecutionId: z.string(),
});
export type RunningAction = z.infer<typeof RunningAction>;

/** What the approve and reject commands send (SendTaskSuccess's output, SendTaskFailure's cause). */
export const Decision = z.object({
  /** The approver's identity, from STS GetCallerIdentity: the ARN of who ran the command. */
  approver: z.string(),
  comment: z.optional(z.string()),
  /** When the gate asked (from its stored request). */
  requestedAt: z.string(),
});
export type Decision = z.infer<typeof Decision>;

/** A person's approval at the gate, stamped with when it reached the workflow (ApprovalGranted). */
export const GateDecision = z.object({ decision: Decision, decidedAt: z.string() });
export type GateDecision = z.infer<typeof GateDecision>;

export const WaveFront = z.object({
  index: z.int(),
  name: z.string(),
  /** Set when a person must approve before the wave: why, and how long the gate waits. */
  approval: z.optional(z.object({ timeoutSeconds: z.number(), reasons: z.array(z.string()).check(z.minLength(1)), instructions: z.optional(z.string()) })),
  gate: z.optional(GateDecision),
  /** When a rejection reached the workflow (ApprovalRejected; the decision is the failure's cause). */
  rejected: z.optional(z.object({ at: z.string() })),
  actionsBefore: z.int(),
  actionsAfter: z.int(),
  /** The actions running now: before or after the wave (a Pass state sets it). */
  phase: z.optional(z.enum(['before', 'after'])),
  actionsDone: z.optional(z.boolean()),
  pollSeconds: z.optional(z.int()),
  running: z.optional(RunningAction),
  results: z.optional(z.array(ActionResult)),
  /** A failed action whose onFailure is stop: the failure the run stops with. */
  stopRun: z.optional(z.object({ error: z.string(), cause: z.string() })),
});
export type WaveFront = z.infer<typeof WaveFront>;

/**
 * The front of the wave that comes next: its approval gate (the plan's, for this mode; before the
 * first wave also the one the input asked for) and how many actions it runs before and after.
 */
export function prepareWaveFront(state: RunState, plan: Plan): WaveFront {
  const { run } = state;
  const index = state.completed?.length ?? 0;
  const name = run.waves[index];
  const wave = plan.waves.find((candidate) => candidate.name === name);
  if (wave === undefined) throw new Error(`wave "${name}" is not in plan "${plan.name}"`);
  const reasons: string[] = [];
  const timeouts: number[] = [];
  if (index === 0 && run.approval !== undefined) {
    reasons.push(run.approval.reason);
    timeouts.push(Math.max(1, run.approval.timeoutSeconds));
  }
  const gate = wave.approval !== undefined && appliesTo(wave.approval, run.mode) ? wave.approval : undefined;
  if (gate !== undefined) {
    reasons.push(`plan "${plan.name}" requires approval before wave "${wave.name}" in a ${run.mode}`);
    timeouts.push(Math.max(1, Math.round((gate.timeoutMinutes ?? DEFAULT_APPROVAL_TIMEOUT_MINUTES) * 60)));
  }
  const count = (actions: typeof wave.before) => (actions ?? []).filter((action) => appliesTo(action, run.mode)).length;
  return {
    index,
    name: wave.name,
    // Two reasons for one gate: one decision, within the shorter of their timeouts.
    ...(reasons.length === 0 ? {} : { approval: { timeoutSeconds: Math.min(...timeouts), reasons, ...(gate?.instructions === undefined ? {} : { instructions: gate.instructions }) } }),
    actionsBefore: count(wave.before),
    actionsAfter: count(wave.after),
  };
}
