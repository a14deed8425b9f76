// ValidateInput: the execution input and its plan, checked before anything changes in DRS.
import { createHash } from 'node:crypto';
import { type Deployment, placeWaves } from '#shared/accounts/placement.ts';
import { InvalidInputError } from '#shared/errors.ts';
import { describeIssues, formatProblems, REPORT_INPUT } from '#shared/problems.ts';
import { knownKeysOf } from '#shared/schema-keys.ts';
import { ExecutionInput } from '#shared/plan/input.ts';
import type { Plan } from '#shared/plan/schema.ts';
import { DEFAULT_APPROVAL_TIMEOUT_MINUTES } from '#shared/plan/actions.ts';
import type { Run } from './state.ts';

/** Why the run asks for approval before its first wave, in the approver's words. */
function approvalReason(input: ExecutionInput): string {
  const by = input.trigger?.source === 'alarm' ? `alarm ${input.trigger.id ?? '?'}` : (input.trigger?.source ?? 'its input');
  return `started by ${by}: a person must approve before anything is recovered`;
}

const inputKeys = knownKeysOf(ExecutionInput);

/**
 * The plan's version as a run saw it: the first 12 hex digits of the SHA-256 of the plan as read
 * (every field, defaults not filled in). Two reports with the same version ran the same plan; an
 * auditor can tell a plan changed between two drills.
 */
export function planVersionOf(plan: Plan): string {
  return createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 12);
}

/** Parses the raw execution input; the error names every wrong field and how to fix it. */
export function parseExecutionInput(raw: unknown): ExecutionInput {
  const parsed = ExecutionInput.safeParse(raw, REPORT_INPUT);
  if (!parsed.success) {
    throw new InvalidInputError(`invalid execution input:\n${formatProblems('input', describeIssues(parsed.error.issues, { knownKeys: inputKeys }))}`);
  }
  return parsed.data;
}

/**
 * The run: the input applied to its plan (waves picked, drill options checked, accounts placed).
 * Without a deployment (a local check before any service is up) the accounts are not placed.
 */
export function prepareRun(input: ExecutionInput, plan: Plan, execution: string, startedAt: string, deployment?: Deployment): Run {
  // One input schema serves both workflows; a failback started here would recover instead.
  if (input.mode === 'failback') {
    throw new InvalidInputError('invalid execution input: mode "failback" runs on the failback state machine, not on the recovery one; start it there');
  }
  const planWaves = plan.waves.map((wave) => wave.name);
  const unknown = (input.waves ?? []).filter((name) => !planWaves.includes(name));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `invalid execution input: waves: ${unknown.map((name) => `"${name}"`).join(', ')} not in plan "${plan.name}"; its waves are ${planWaves.map((name) => `"${name}"`).join(', ')}`,
    );
  }
  const isDrill = input.mode === 'drill';
  if (!isDrill && (input.skipCleanup !== undefined || input.holdMinutes !== undefined)) {
    throw new InvalidInputError('invalid execution input: skipCleanup and holdMinutes apply to drills only (a recovery keeps its instances); remove them or use "mode": "drill"');
  }
  const waves = input.waves === undefined ? planWaves : planWaves.filter((name) => input.waves?.includes(name));
  return {
    ...(deployment === undefined ? {} : placeWaves(plan, waves, deployment)),
    plan: plan.name,
    mode: input.mode,
    isDrill,
    execution,
    startedAt,
    waves,
    planVersion: planVersionOf(plan),
    ...(waves.length < planWaves.length ? { skippedWaves: planWaves.filter((name) => !waves.includes(name)) } : {}),
    targets: plan.targets,
    sourceNetworks: plan.sourceNetworks?.length ?? 0,
    snapshotTime: input.snapshotTime,
    skipCleanup: input.skipCleanup ?? false,
    holdSeconds: Math.round((input.holdMinutes ?? 0) * 60),
    reason: input.reason,
    trigger: input.trigger,
    ...(input.requireApproval === undefined
      ? {}
      : { approval: { timeoutSeconds: Math.round((input.requireApproval.timeoutMinutes ?? DEFAULT_APPROVAL_TIMEOUT_MINUTES) * 60), reason: approvalReason(input) } }),
  };
}

