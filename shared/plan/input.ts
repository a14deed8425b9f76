// The execution input: what the console, the schedule, an alarm and the CLI send to start a run.
import * as z from 'zod/mini';
import { DEFAULT_APPROVAL_TIMEOUT_MINUTES, MAX_APPROVAL_TIMEOUT_MINUTES } from './actions.ts';
import { Instant, RUN_MODES, RunTrigger } from './common.ts';

/** Fields only a failback run takes (checked against the mode below). */
const FAILBACK_FIELDS = ['recoveryExecution', 'check', 'terminateRecoveryInstances', 'confirmTermination'] as const;

/** What the console, the schedule, an alarm and the CLI send to start a run. */
export const ExecutionInput = z
  .strictObject({
    plan: z.string().check(z.minLength(1), z.describe('The plan name (the `name` in its plan file).')),
    mode: z
      .enum(RUN_MODES)
      .check(z.describe('drill: launch drill instances and terminate them afterwards; recovery: launch for real and keep them; failback: return a recovery to its origin (the failback workflow).')),
    waves: z
      .optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1)))
      .check(z.describe('Run only these waves (by name), in the plan order.')),
    snapshotTime: z
      .optional(Instant)
      .check(z.describe('Recover every wave from the newest point-in-time snapshot at or before this instant.')),
    skipCleanup: z.optional(z.boolean()).check(z.describe('Drill only: keep the drill instances (terminate them yourself later).')),
    holdMinutes: z
      .optional(z.number().check(z.minimum(0), z.maximum(24 * 60)))
      .check(z.describe('Drill only: keep the drill instances up this long before clean-up, e.g. for manual tests.')),
    reason: z.optional(z.string().check(z.maxLength(512))).check(z.describe('Why this run was started (shown in the report).')),
    trigger: z.optional(RunTrigger).check(z.describe('Who started the run; set by the triggers.')),
    requireApproval: z
      .optional(
        z.strictObject({
          timeoutMinutes: z
            .optional(z.number().check(z.positive(), z.maximum(MAX_APPROVAL_TIMEOUT_MINUTES)))
            .check(z.describe(`How long the gate waits for a decision (default ${DEFAULT_APPROVAL_TIMEOUT_MINUTES}).`)),
        }),
      )
      .check(
        z.describe(
          'A person must approve before the first wave (and before anything changes in DRS); set by the alarm trigger for the alarms the stage configuration says need approval. The plan\'s own gates apply either way.',
        ),
      ),
    recoveryExecution: z
      .optional(z.string().check(z.minLength(1), z.maxLength(80)))
      .check(z.describe('Failback only: the recovery execution to fail back (default: the plan\'s latest recovery).')),
    check: z
      .optional(z.literal(true))
      .check(z.describe('Failback only: report which recovery instances are ready to fail back, and change nothing.')),
    terminateRecoveryInstances: z
      .optional(z.boolean())
      .check(z.describe('Failback only: terminate the recovery instances of each wave once it failed back and is re-protected (needs confirmTermination).')),
    confirmTermination: z
      .optional(z.string())
      .check(z.describe('Failback only: the plan name again, confirming terminateRecoveryInstances.')),
  })
  .check(
    z.superRefine((input, ctx) => {
      if (input.mode === 'failback') {
        if (input.requireApproval !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['requireApproval'], message: 'requireApproval applies to drills and recoveries: a failback is started by a person already; remove it' });
        }
        return;
      }
      for (const field of FAILBACK_FIELDS) {
        if (input[field] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [field], message: `${field} applies to failback only: remove it or use "mode": "failback"` });
        }
      }
    }),
  );
export type ExecutionInput = z.infer<typeof ExecutionInput>;

