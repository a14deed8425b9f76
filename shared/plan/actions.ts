// The plan's approval gates and action steps: who must approve before a wave starts, and what runs
// before and after it (a Lambda function, an SSM Automation document). Kept apart from the wave's
// other settings: only the plan schema and the gate and action steps read them.
import * as z from 'zod/mini';
import { MODES } from './common.ts';

/** The name of a wave or an action: part of the keys the action ledger and the report use. */
export const STEP_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;

/** A Lambda function runs at most 15 minutes; the step that invokes it needs a minute's margin. */
export const MAX_LAMBDA_ACTION_MINUTES = 14;
export const DEFAULT_ACTION_TIMEOUT_MINUTES = { lambda: 5, ssmAutomation: 60 } as const;
export const DEFAULT_APPROVAL_TIMEOUT_MINUTES = 60;
/** A gate may wait a day at most: a run lasts a week at most, and a recovery nobody approves for a day is a decision too. */
export const MAX_APPROVAL_TIMEOUT_MINUTES = 24 * 60;

const modes = z
  .optional(z.array(z.enum(MODES)).check(z.minLength(1, 'list at least one mode: drill, recovery')))
  .check(z.describe('The run modes it applies to (default both: drill and recovery).'));

/** A function name, a partial ARN or a whole one, optionally with a version or alias. */
const LAMBDA_FUNCTION = /^(arn:aws[a-z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d:\d{12}:function:)?[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;
/** SSM document names: letters, digits, `_-.`, 3-128 characters; AWS-owned and shared documents by ARN. */
const SSM_DOCUMENT = /^([a-zA-Z0-9_\-.]{3,128}|arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:document\/[a-zA-Z0-9_\-.]{3,128})$/;

export const ApprovalGate = z
  .strictObject({
    timeoutMinutes: z
      .optional(z.number().check(z.positive(), z.maximum(MAX_APPROVAL_TIMEOUT_MINUTES)))
      .check(z.describe(`How long the gate waits for a decision (default ${DEFAULT_APPROVAL_TIMEOUT_MINUTES}): then a recovery stops as not approved and a drill cleans up.`)),
    modes,
    instructions: z
      .optional(z.string().check(z.minLength(1), z.maxLength(1024)))
      .check(z.describe('What the approver should check before approving; sent with the request.')),
  })
  .check(z.describe('A person must approve before the wave starts (npm run aws -- approve|reject).'));
export type ApprovalGate = z.infer<typeof ApprovalGate>;

export const LambdaAction = z.strictObject({
  function: z
    .string()
    .check(
      z.regex(LAMBDA_FUNCTION, 'a Lambda function is a name (payments-dns-switch), or its ARN (arn:aws:lambda:us-east-1:111122223333:function:payments-dns-switch)'),
      z.describe('The function to invoke: its name in the orchestrator\'s account and Region, or its ARN.'),
    ),
  parameters: z
    .optional(z.record(z.string(), z.unknown()))
    .check(z.describe('Settings passed to the function unchanged, as `parameters` of its input.')),
});
export type LambdaAction = z.infer<typeof LambdaAction>;

export const SsmAutomationAction = z.strictObject({
  document: z
    .string()
    .check(z.regex(SSM_DOCUMENT, 'an SSM document is a name (3-128 letters, digits, _ - .) or a document ARN'), z.describe('The Automation document to start.')),
  version: z.optional(z.string().check(z.minLength(1), z.maxLength(64))).check(z.describe('The document version (default: the default version).')),
  parameters: z
    .optional(z.record(z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,128}$/, 'a parameter name is letters, digits, _ . -')), z.union([z.string(), z.array(z.string())])))
    .check(
      z.describe(
        'The document\'s parameters. Values may name what the wave recovered: {{ec2InstanceIds}}, {{privateIps}}, {{sourceServerIds}} (a whole value: the list), {{plan}}, {{mode}}, {{execution}}, {{wave}}.',
      ),
    ),
});
export type SsmAutomationAction = z.infer<typeof SsmAutomationAction>;

export const WaveAction = z
  .strictObject({
    name: z.string().check(z.regex(STEP_NAME, 'an action name is 1-64 letters, digits, spaces, dots, dashes or underscores')),
    lambda: z.optional(LambdaAction),
    ssmAutomation: z.optional(SsmAutomationAction),
    timeoutMinutes: z
      .optional(z.number().check(z.positive(), z.maximum(24 * 60)))
      .check(z.describe(`How long the action may take (default ${DEFAULT_ACTION_TIMEOUT_MINUTES.lambda} for lambda, at most ${MAX_LAMBDA_ACTION_MINUTES}; ${DEFAULT_ACTION_TIMEOUT_MINUTES.ssmAutomation} for ssmAutomation).`)),
    onFailure: z
      .optional(z.enum(['stop', 'continue']))
      .check(z.describe('stop (default): a failed or timed-out action stops the plan (a drill cleans up); continue: it is reported and the plan goes on.')),
    modes,
  })
  .check(
    z.superRefine((action, ctx) => {
      const kinds = [action.lambda, action.ssmAutomation].filter((kind) => kind !== undefined).length;
      if (kinds !== 1) {
        ctx.addIssue({ code: 'custom', path: [], message: `action "${action.name}" needs exactly one of \`lambda\` (a function) or \`ssmAutomation\` (a document)` });
      }
      if (action.lambda !== undefined && action.timeoutMinutes !== undefined && action.timeoutMinutes > MAX_LAMBDA_ACTION_MINUTES) {
        ctx.addIssue({
          code: 'custom',
          path: ['timeoutMinutes'],
          message: `a lambda action may take at most ${MAX_LAMBDA_ACTION_MINUTES} minutes (Lambda stops a function at 15): run longer work as an ssmAutomation action`,
        });
      }
    }),
  );
export type WaveAction = z.infer<typeof WaveAction>;

/** The wave fields of gates and actions, spread into the wave schema. */
export const waveGateAndActions = {
  approval: z.optional(ApprovalGate),
  before: z
    .optional(z.array(WaveAction).check(z.minLength(1)))
    .check(z.describe('Actions run, in order, before the wave launches (after its approval).')),
  after: z
    .optional(z.array(WaveAction).check(z.minLength(1)))
    .check(z.describe('Actions run, in order, once the wave is launched and its post-launch actions are done; their input lists the recovered instances.')),
};

/** Whether a gate or an action applies to a run of this mode. */
export function appliesTo(step: { modes?: readonly string[] }, mode: string): boolean {
  return step.modes === undefined || step.modes.includes(mode);
}

/** The timeout of an action in seconds: its own, else its kind's default. */
export function actionTimeoutSeconds(action: WaveAction): number {
  const minutes = action.timeoutMinutes ?? (action.lambda !== undefined ? DEFAULT_ACTION_TIMEOUT_MINUTES.lambda : DEFAULT_ACTION_TIMEOUT_MINUTES.ssmAutomation);
  return Math.round(minutes * 60);
}
