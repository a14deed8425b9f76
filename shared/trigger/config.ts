// The stage configuration (deploy/stages/<stage>.yaml): which plans a stage deploys, when each is
// drilled, and which CloudWatch alarms start which plan in which mode. One schema for the package
// check, the resource generator's input and the trigger function.
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { describeIssues, formatProblems } from '../plan/load.ts';
import { MODES } from '../plan/schema.ts';

/** Thrown when a stage configuration does not parse or does not match the schema. */
export class InvalidStageConfigError extends Error {
  override name = 'InvalidStageConfigError';
}

const planName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a plan name is 1-40 lower-case letters, digits or dashes');

export const ScheduledDrill = z.strictObject({
  plan: planName,
  // EventBridge Scheduler cron: six fields, minutes hours day-of-month month day-of-week year.
  schedule: z
    .string()
    .regex(/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/, 'a schedule is an EventBridge Scheduler cron expression, e.g. cron(0 2 ? * SUN *)'),
  timezone: z.string().min(1).describe('IANA time zone of the cron expression, e.g. Europe/Berlin.'),
  enabled: z.boolean().default(true),
  holdMinutes: z.number().min(0).max(24 * 60).optional().describe('Keep the drill instances up this long before clean-up.'),
  waves: z.array(z.string().min(1)).min(1).optional().describe('Drill only these waves.'),
});
export type ScheduledDrill = z.infer<typeof ScheduledDrill>;

export const AlarmTrigger = z.strictObject({
  alarmName: z.string().min(1).max(255),
  plan: planName,
  mode: z.enum(MODES),
});
export type AlarmTrigger = z.infer<typeof AlarmTrigger>;

export const StageConfig = z
  .strictObject({
    plans: z.array(planName).min(1, 'deploy at least one plan').describe('Names of the plans this stage deploys (their `name` fields).'),
    eventBusName: z.string().min(1).default('default').describe('The EventBridge bus progress events go to.'),
    logRetentionDays: z.int().positive().default(30),
    reportRetentionDays: z.int().positive().default(400).describe('Reports are evidence: keep them beyond a yearly audit.'),
    drills: z.array(ScheduledDrill).default([]),
    alarms: z.array(AlarmTrigger).default([]),
    launch: z
      .strictObject({
        passRoleArns: z
          .array(z.string().regex(/^arn:[^:]+:iam::[^:]*:role\/.+$/, "an IAM role ARN; ${AWS::AccountId} is substituted"))
          .optional()
          .describe('Instance roles the launch templates attach (iam:PassRole); default: the DRS recovery instance roles.'),
        launchActionsPolicy: z
          .boolean()
          .default(false)
          .describe('Attach AWSElasticDisasterRecoveryLaunchActionsPolicy to StartWave: automation post-launch actions run with its credentials.'),
      })
      .default({ launchActionsPolicy: false }),
  })
  .superRefine((config, ctx) => {
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
  });
export type StageConfig = z.infer<typeof StageConfig>;

/** Parses and validates a stage configuration; the error names every wrong field. */
export function parseStageConfig(text: string, source: string): StageConfig {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new InvalidStageConfigError(`${source}: not valid YAML: ${document.errors[0].message.split('\n')[0]}`);
  }
  const parsed = StageConfig.safeParse(document.toJS());
  if (!parsed.success) throw new InvalidStageConfigError(formatProblems(source, describeIssues(parsed.error.issues)));
  return parsed.data;
}

export async function readStageConfig(path: string): Promise<StageConfig> {
  return parseStageConfig(await readFile(path, 'utf8'), path);
}
