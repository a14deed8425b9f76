// The recovery plan schema: the one definition of what a plan file may hold. Everything inward
// uses the inferred types. zod/mini (tree-shakable: a handler bundles only the checks it uses).
// The execution input is in input.ts, what both share in common.ts, wave settings in settings.ts.
import * as z from 'zod/mini';
import { SnapshotChoice } from './common.ts';
import { STEP_NAME, waveGateAndActions } from './actions.ts';

const SOURCE_SERVER_ID = /^s-[0-9a-zA-Z]{17}$/;
const SOURCE_NETWORK_ID = /^sn-[0-9a-zA-Z]{17}$/;
/** DRS tag keys and values: 1..128 / 0..256 characters. */
const tagKey = z.string().check(z.minLength(1), z.maxLength(128));
const tagValue = z.string().check(z.maxLength(256));

/** Settings a wave may set for itself and a plan may set for all its waves. */
const waveSettings = {
  snapshot: z.optional(SnapshotChoice),
  waitForPostLaunchActions: z
    .optional(z.boolean())
    .check(z.describe('Wait until every required post-launch action SUCCEEDED before the next wave (default true).')),
  failureBudget: z
    .optional(z.int().check(z.minimum(0)))
    .check(z.describe('Servers of the wave that may fail (launch or required action) before the plan stops (default 0).')),
  timeoutMinutes: z
    .optional(z.number().check(z.positive(), z.maximum(24 * 60 * 7)))
    .check(z.describe('How long the wave may take, launch and post-launch actions included (default 120).')),
  pauseAfterMinutes: z
    .optional(z.number().check(z.minimum(0), z.maximum(24 * 60)))
    .check(z.describe('Wait this long after the wave before starting the next one (default 0).')),
  ssmAgentTimeoutMinutes: z
    .optional(z.number().check(z.positive(), z.maximum(24 * 60)))
    .check(
      z.describe(
        'How long after its launch a server with post-launch actions may go without DRS discovering its SSM agent before it counts as failed (DRS runs no action without the agent; default 10).',
      ),
    ),
};

/** Where a selector's servers are recovered: an account of the stage configuration and a Region. */
const placement = {
  account: z
    .optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$|^\d{12}$/, 'an account is the alias (or 12-digit ID) of an account in the stage configuration\'s accounts')))
    .check(z.describe('The account the servers are recovered in, by its alias in the stage configuration (default: the account the orchestrator runs in).')),
  region: z
    .optional(z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a Region looks like us-east-1')))
    .check(z.describe("The Region the servers are recovered in (default: the account's first Region).")),
};

export const ServerSelector = z
  .strictObject({
    ...placement,
    ids: z
      .optional(
        z
          .array(z.string().check(z.regex(SOURCE_SERVER_ID, 'a source server ID looks like s-1234567890abcdefg (s- and 17 letters or digits)')))
          .check(z.minLength(1)),
      )
      .check(z.describe('Explicit DRS source server IDs (of the account, or of a staging server it extends).')),
    tags: z
      .optional(
        z
          .record(tagKey, tagValue)
          .check(z.refine((tags) => Object.keys(tags).length > 0, 'give at least one tag, e.g. {Application: payments, Tier: db}')),
      )
      .check(z.describe('Every DRS source server carrying all of these tags.')),
    hostnames: z
      .optional(z.array(z.string().check(z.minLength(1), z.maxLength(255))).check(z.minLength(1)))
      .check(z.describe('Source servers by the hostname (or FQDN) DRS identified them with.')),
  })
  .check(
    z.refine((selector) => selector.ids !== undefined || selector.tags !== undefined || selector.hostnames !== undefined, {
      message: 'a wave needs servers: give `ids` (source server IDs), `tags` (a tag selector) and/or `hostnames`',
    }),
  );
export type ServerSelector = z.infer<typeof ServerSelector>;

export const Wave = z.strictObject({
  name: z.string().check(z.regex(STEP_NAME, 'a wave name is 1-64 letters, digits, spaces, dots, dashes or underscores')),
  description: z.optional(z.string().check(z.maxLength(1024))),
  ...placement,
  servers: z
    .union([ServerSelector, z.array(ServerSelector).check(z.minLength(1, 'list at least one selector'))])
    .check(z.describe('One server selector, or several (e.g. one per account) whose servers the wave recovers together.')),
  ...waveSettings,
  ...waveGateAndActions,
});
export type Wave = z.infer<typeof Wave>;

/** A source network (VPC) recovered through its CloudFormation stack before the first wave. */
export const SourceNetwork = z.strictObject({
  id: z
    .string()
    .check(
      z.regex(SOURCE_NETWORK_ID, 'a source network ID looks like sn-1234567890abcdefg (sn- and 17 letters or digits)'),
      z.describe('The DRS source network ID.'),
    ),
  cfnStackName: z
    .optional(
      z
        .string()
        .check(
          z.maxLength(128),
          z.regex(/^[a-zA-Z][-a-zA-Z0-9]*$/, 'a CloudFormation stack name starts with a letter and holds letters, digits and dashes'),
        ),
    )
    .check(z.describe('The CloudFormation stack DRS deploys the recovered network with (default: the one DRS knows).')),
  deployAsNew: z
    .optional(z.boolean())
    .check(z.describe('Deploy a new copy of the network even when one was deployed before (default false).')),
  keepAfterDrill: z
    .optional(z.boolean())
    .check(
      z.describe(
        'Keep the network after a drill: its CloudFormation stack stays, e.g. for the next drill to update it (default false: a drill deletes the stack it created; a stack deployed before the drill, and every network of a recovery, is always kept).',
      ),
    ),
});
export type SourceNetwork = z.infer<typeof SourceNetwork>;

export const Plan = z
  .strictObject({
    name: z
      .string()
      .check(z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a plan name is 1-40 lower-case letters, digits or dashes (it is part of execution names)')),
    description: z.optional(z.string().check(z.maxLength(1024))),
    targets: z
      .strictObject({
        rtoMinutes: z.number().check(z.positive(), z.describe('Recovery time objective: run start to last server ready.')),
        rpoMinutes: z.number().check(z.positive(), z.describe('Recovery point objective: the most data loss accepted (replication lag).')),
      })
      .check(z.describe('The recovery objectives the plan is measured against.')),
    defaults: z.optional(z.strictObject(waveSettings)).check(z.describe('Settings every wave takes unless it sets its own.')),
    sourceNetworks: z
      .optional(z.array(SourceNetwork))
      .check(z.describe('Source networks (VPCs) to recover before the first wave; a failure stops the plan.')),
    waves: z.array(Wave).check(z.minLength(1, 'a plan needs at least one wave')),
  })
  .check(z.superRefine((plan, ctx) => crossCheck(plan, (issue) => ctx.addIssue({ code: 'custom', ...issue }))));
export type Plan = z.infer<typeof Plan>;

type CrossIssue = { path: PropertyKey[]; message: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The checks across a plan's parts: a source network, a wave name, an action name within a wave
 * and a source server each once. They read the document defensively, so that they also run on a
 * plan with other problems (crossCheckIssues), and report them all in one pass.
 */
function crossCheck(plan: unknown, report: (issue: CrossIssue) => void): void {
  if (!isRecord(plan)) return;
  const seenNetwork = new Set<string>();
  listOf(plan.sourceNetworks).forEach((network, index) => {
    const id = isRecord(network) ? textOf(network.id) : undefined;
    if (id === undefined) return;
    if (seenNetwork.has(id)) report({ path: ['sourceNetworks', index, 'id'], message: `source network ${id} is listed twice; list each network once` });
    seenNetwork.add(id);
  });
  const waves = listOf(plan.waves);
  const seenWave = new Map<string, number>();
  const seenServer = new Map<string, number>();
  waves.forEach((wave, index) => {
    if (!isRecord(wave)) return;
    const name = textOf(wave.name);
    const earlier = name === undefined ? undefined : seenWave.get(name);
    if (earlier !== undefined) {
      report({ path: ['waves', index, 'name'], message: `wave name "${name}" is already used by waves[${earlier}]; give each wave its own name` });
    }
    if (name !== undefined) seenWave.set(name, index);
    const seenAction = new Map<string, string>();
    for (const phase of ['before', 'after'] as const) {
      listOf(wave[phase]).forEach((action, actionIndex) => {
        const actionName = isRecord(action) ? textOf(action.name) : undefined;
        if (actionName === undefined) return;
        const other = seenAction.get(actionName);
        if (other !== undefined) {
          report({
            path: ['waves', index, phase, actionIndex, 'name'],
            message: `action name "${actionName}" is already used by ${other} of wave "${name ?? '?'}"; give each action of a wave its own name`,
          });
        }
        seenAction.set(actionName, `${phase}[${actionIndex}]`);
      });
    }
    const selectors = Array.isArray(wave.servers) ? wave.servers : [wave.servers];
    selectors.forEach((selector, selectorIndex) => {
      if (!isRecord(selector)) return;
      const path = Array.isArray(wave.servers) ? ['waves', index, 'servers', selectorIndex] : ['waves', index, 'servers'];
      listOf(selector.ids).forEach((id, idIndex) => {
        if (typeof id !== 'string') return;
        const other = seenServer.get(id);
        if (other !== undefined) {
          const otherName = isRecord(waves[other]) ? textOf(waves[other].name) : undefined;
          report({ path: [...path, 'ids', idIndex], message: `source server ${id} is already in wave "${otherName ?? `waves[${other}]`}"; a server belongs to one wave only` });
        }
        seenServer.set(id, index);
      });
    });
  });
}

/**
 * The cross checks of a plan that failed its schema (zod runs a refinement only on valid data),
 * as zod issues, without those already among `found`.
 */
export function crossCheckIssues(data: unknown, found: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const known = new Set(found.map((issue) => `${issue.path.join('.')}:${issue.message}`));
  const issues: z.core.$ZodIssue[] = [];
  crossCheck(data, (issue) => {
    if (!known.has(`${issue.path.join('.')}:${issue.message}`)) issues.push({ code: 'custom', input: undefined, ...issue } as z.core.$ZodIssue);
  });
  return issues;
}
