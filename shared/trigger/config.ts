// The stage configuration (deploy/stages/<stage>.yaml): which plans a stage deploys, when each is
// drilled, which CloudWatch alarms start which plan in which mode, when orphaned drill instances
// are swept, and which accounts the runs may reach. One schema for the package check, the
// resource generator's input and the trigger function.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import * as z from 'zod/mini';
import { AccountsConfig } from '#shared/accounts/config.ts';
import { describeIssues, formatProblems } from '#shared/problems.ts';
import { DEFAULT_APPROVAL_TIMEOUT_MINUTES, MAX_APPROVAL_TIMEOUT_MINUTES } from '#shared/plan/actions.ts';
import { MODES } from '#shared/plan/common.ts';
import { DEFAULT_SWEEP_SETTINGS, SweepSettings } from '#shared/sweep/settings.ts';
import { InvalidStageConfigError } from '#shared/trigger/errors.ts';

/** An IAM role ARN; the account may be `${AWS::AccountId}`, which the deploy substitutes. */
const ROLE_ARN = /^arn:[^:]+:iam::(\d{12}|\$\{AWS::AccountId\}):role\/.+$/;

const planName = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a plan name is 1-40 lower-case letters, digits or dashes'));

export const ScheduledDrill = z.strictObject({
  plan: planName,
  // EventBridge Scheduler cron: six fields, minutes hours day-of-month month day-of-week year.
  schedule: z
    .string()
    .check(z.regex(/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/, 'a schedule is an EventBridge Scheduler cron expression, e.g. cron(0 2 ? * SUN *)')),
  timezone: z.string().check(z.minLength(1), z.describe('IANA time zone of the cron expression, e.g. Europe/Berlin.')),
  enabled: z._default(z.boolean(), true),
  holdMinutes: z
    .optional(z.number().check(z.minimum(0), z.maximum(24 * 60)))
    .check(z.describe('Keep the drill instances up this long before clean-up.')),
  waves: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))).check(z.describe('Drill only these waves.')),
});
export type ScheduledDrill = z.infer<typeof ScheduledDrill>;

export const AlarmTrigger = z.strictObject({
  alarmName: z.string().check(z.minLength(1), z.maxLength(255)),
  plan: planName,
  mode: z.enum(MODES),
  approval: z
    .optional(
      z.strictObject({
        required: z.boolean().check(z.describe('Whether a person must approve before the run recovers anything.')),
        timeoutMinutes: z
          .optional(z.number().check(z.positive(), z.maximum(MAX_APPROVAL_TIMEOUT_MINUTES)))
          .check(z.describe(`How long the gate waits (default ${DEFAULT_APPROVAL_TIMEOUT_MINUTES}): then a recovery stops as not approved, a drill cleans up.`)),
      }),
    )
    .check(
      z.describe(
        'Approval before the first wave of the runs this alarm starts. Default: required for recoveries (a false alarm must not launch a second live copy), not for drills.',
      ),
    ),
});
export type AlarmTrigger = z.infer<typeof AlarmTrigger>;

/** Whether runs the alarm starts wait for a person's approval: its setting, else required for recoveries only. */
export function alarmNeedsApproval(trigger: AlarmTrigger): boolean {
  return trigger.approval?.required ?? trigger.mode === 'recovery';
}

export const StageConfig = z
  .strictObject({
    plans: z
      .array(planName)
      .check(z.minLength(1, 'deploy at least one plan'), z.describe('Names of the plans this stage deploys (their `name` fields).')),
    eventBusName: z
      ._default(z.string().check(z.minLength(1)), 'default')
      .check(z.describe('The EventBridge bus progress events go to.')),
    logRetentionDays: z._default(z.int().check(z.positive()), 30),
    traceAwsCalls: z
      ._default(z.boolean(), false)
      .check(
        z.describe(
          'Record each DRS, S3, EventBridge and Step Functions call as an X-Ray subsegment (Powertools Tracer). Lambda and Step Functions trace each step either way; this loads the X-Ray SDK at every cold start.',
        ),
      ),
    reportRetentionDays: z
      ._default(z.int().check(z.positive()), 400)
      .check(z.describe('Reports are evidence: keep them beyond a yearly audit.')),
    drills: z._default(z.array(ScheduledDrill), []),
    alarms: z._default(z.array(AlarmTrigger), []),
    launch: z._default(
      z.strictObject({
        passRoleArns: z
          .optional(z.array(z.string().check(z.regex(ROLE_ARN, "an IAM role ARN; ${AWS::AccountId} is substituted"))))
          .check(z.describe('Instance roles the launch templates attach (iam:PassRole); default: the DRS recovery instance roles.')),
        launchActionsPolicy: z
          ._default(z.boolean(), false)
          .check(z.describe('Attach AWSElasticDisasterRecoveryLaunchActionsPolicy to StartWave: automation post-launch actions run with its credentials.')),
      }),
      { launchActionsPolicy: false },
    ),
    actions: z._default(
      z.strictObject({
        automationRoleArn: z
          .optional(z.string().check(z.regex(ROLE_ARN, 'an IAM role ARN; ${AWS::AccountId} is substituted')))
          .check(
            z.describe(
              "The role SSM Automation actions assume (their documents' AutomationAssumeRole): the only role the orchestrator may pass to SSM. None: automations run with the orchestrator's own permissions.",
            ),
          ),
      }),
      {},
    ),
    sweep: z
      ._default(SweepSettings, DEFAULT_SWEEP_SETTINGS)
      .check(z.describe('The orphan sweeper: when it looks for drill instances no run will terminate, and what it may do with those the orchestrator did not launch.')),
    accounts: z
      ._default(AccountsConfig, [])
      .check(
        z.describe(
          'The accounts runs may recover in or extend source servers from, by alias (a wave\'s or a selector\'s `account:`): the workflow functions get them as ACCOUNTS and may assume their roleArns. Empty: only the account the orchestrator runs in.',
        ),
      ),
  })
  .check(
    z.superRefine((config, ctx) => {
      const deployed = new Set(config.plans);
      config.drills.forEach((drill, index) => {
        if (!deployed.has(drill.plan)) {
          ctx.addIssue({ code: 'custom', path: ['drills', index, 'plan'], message: `plan "${drill.plan}" is not deployed by this stage; add it to \`plans\`` });
        }
      });
      const seenAlarm = new Map<string, number>();
      config.alarms.forEach((alarm, index) => {
        if (!deployed.has(alarm.plan)) {
          ctx.addIssue({ code: 'custom', path: ['alarms', index, 'plan'], message: `plan "${alarm.plan}" is not deployed by this stage; add it to \`plans\`` });
        }
        const earlier = seenAlarm.get(alarm.alarmName);
        if (earlier !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['alarms', index, 'alarmName'],
            message: `alarm "${alarm.alarmName}" already starts alarms[${earlier}]; one alarm starts one plan`,
          });
        }
        seenAlarm.set(alarm.alarmName, index);
      });
    }),
  );
export type StageConfig = z.infer<typeof StageConfig>;

/** Validates a stage configuration's document; the error names every wrong field. */
export function checkStageConfig(document: unknown, source: string): StageConfig {
  const parsed = StageConfig.safeParse(document);
  if (!parsed.success) throw new InvalidStageConfigError(formatProblems(source, describeIssues(parsed.error.issues)));
  return parsed.data;
}

/**
 * A stage configuration file: the YAML one in deploy/stages/, or the JSON deploy/prepare.ts
 * compiles from it for the trigger function, read without loading the YAML parser.
 */
export async function readStageConfig(path: string): Promise<StageConfig> {
  const text = await readFile(path, 'utf8');
  if (extname(path) === '.json') return checkStageConfig(JSON.parse(text), path);
  const { stageConfigDocument } = await import('#shared/trigger/stage-yaml.ts');
  return checkStageConfig(stageConfigDocument(text, path), path);
}
