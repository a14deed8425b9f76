// The scenario a local DRS service starts from: its accounts (the identity world), source servers
// per account and Region, networks, staging accounts, phase durations with jitter and faults. One
// zod schema; errors name the field.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { defaultCredentials, defaultIdentity, parseIdentity, type DeclaredPrincipal, type ParsedIdentity } from '#local/identity/index.ts';
import { faultSchema } from './faults.ts';
import { strictBlock } from './strict.ts';

/** DRS replicates at most 300 source servers per account and Region (DRS user guide, "Using multiple staging accounts"). */
export const MAX_REPLICATING_SERVERS_PER_ACCOUNT_REGION = 300;

const tagsSchema = z.record(z.string(), z.string()).default({});
const accountId = z.string().regex(/^[0-9]{12}$/, 'an AWS account ID is 12 digits');

/** A phase duration: seconds, or `{ seconds, jitter }` to override the scenario's jitter. */
const durationSchema = z.union([
  z.number().nonnegative(),
  strictBlock('a duration', { seconds: z.number().nonnegative(), jitter: z.number().min(0).max(1).optional() }),
]);

const launchActionSchema = strictBlock('a launch action', {
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 /_-]*$/, 'a launch action name is letters, digits, space, / _ -'),
  actionCode: z.string().optional(),
  type: z.enum(['SSM_AUTOMATION', 'SSM_COMMAND']).default('SSM_COMMAND'),
  order: z.number().int().min(2).max(10_000),
  optional: z.boolean().default(false),
  active: z.boolean().default(true),
  category: z.enum(['MONITORING', 'VALIDATION', 'CONFIGURATION', 'SECURITY', 'OTHER']).default('OTHER'),
  actionVersion: z.string().default('$DEFAULT'),
  description: z.string().default(''),
  parameters: z.record(z.string(), z.array(strictBlock('a launch action parameter', { type: z.enum(['SSM_STORE', 'DYNAMIC']), value: z.string() }))).optional(),
  durationSeconds: z.number().nonnegative().optional(),
  /** true, or the failure reason: every run of this action fails. */
  fails: z.union([z.boolean(), z.string()]).optional(),
});

/** Launch settings DRS keeps per server and as the account's defaults for newly added servers. */
const launchSettings = {
  launchDisposition: z.enum(['STOPPED', 'STARTED']).optional(),
  targetInstanceTypeRightSizingMethod: z.enum(['NONE', 'BASIC', 'IN_AWS']).optional(),
  copyPrivateIp: z.boolean().optional(),
  copyTags: z.boolean().optional(),
  licensing: strictBlock('licensing', { osByol: z.boolean() }).optional(),
  postLaunchEnabled: z.boolean().optional(),
  recoveryMode: z.enum(['FAST', 'OPTIMAL']).optional(),
};

/** A source server's launch configuration (GetLaunchConfiguration); unset members take the defaults. */
export const launchConfigurationSchema = strictBlock('a launch configuration', {
  ...launchSettings,
  name: z.string().max(128).optional(),
  ec2LaunchTemplateID: z.string().regex(/^lt-[0-9a-f]{17}$/, 'an EC2 launch template ID is lt- and 17 hex digits').optional(),
  launchIntoInstanceProperties: strictBlock('launchIntoInstanceProperties', {
    launchIntoEC2InstanceID: z.string().regex(/^i-[0-9a-fA-F]{8,}$/, 'an EC2 instance ID is i- and at least 8 hex digits'),
  }).optional(),
});

/** The account's default launch settings, copied to every server the scenario adds. */
const defaultLaunchConfigurationSchema = strictBlock('defaultLaunchConfiguration', launchSettings);

const snapshotsSchema = z.union([
  strictBlock('snapshots', {
    pointInTime: strictBlock('pointInTime', {
      everyMinutes: z.number().positive().default(10),
      count: z.number().int().min(0).default(6),
    }),
  }),
  strictBlock('snapshots', { times: z.array(z.iso.datetime({ offset: true })) }),
]);

const sourceServerShape = {
  hostname: z.string().min(1),
  /** The account (ID or alias of the identity world) whose DRS holds the server; default the scenario's accountId. */
  account: z.string().optional(),
  /** The Region whose DRS holds the server; default the scenario's region. */
  region: z.string().optional(),
  id: z.string().regex(/^s-[0-9a-zA-Z]{17}$/, 'a source server ID is s- and 17 letters or digits').optional(),
  fqdn: z.string().optional(),
  tags: tagsSchema,
  originEnvironment: z.enum(['ON_PREMISES', 'AWS']).default('ON_PREMISES'),
  /** AWS origin: the Region and EC2 instance the server replicates from. */
  originRegion: z.string().optional(),
  originAccountId: accountId.optional(),
  ec2InstanceID: z.string().regex(/^i-[0-9a-f]{8,17}$/).optional(),
  os: z.string().default('Linux - Amazon Linux 2023'),
  recommendedInstanceType: z.string().default('m5.large'),
  replication: strictBlock('replication', {
      state: z.enum(['STOPPED', 'INITIATING', 'INITIAL_SYNC', 'BACKLOG', 'CREATING_SNAPSHOT', 'CONTINUOUS', 'PAUSED', 'RESCAN', 'STALLED', 'DISCONNECTED']).default('CONTINUOUS'),
      lagSeconds: z.number().nonnegative().default(10),
    })
    .prefault({}),
  snapshots: snapshotsSchema.prefault({ pointInTime: {} }),
  launchActions: z.array(launchActionSchema).default([]),
  /** Every launch of this server fails with this raw error. */
  launchFails: z.string().optional(),
  /** Which staging account holds the server's staging area (multi-account). */
  stagingAccountId: accountId.optional(),
  launchConfiguration: launchConfigurationSchema.optional(),
  /** A staging account's server: extending it into a target account fails (EXTENSION_ERROR) with this message. */
  extensionError: z.string().min(1).optional(),
};
const sourceServerSchema = strictBlock('a source server', sourceServerShape).refine((s) => s.originEnvironment !== 'AWS' || s.originRegion, { message: 'originRegion is required when originEnvironment is AWS', path: ['originRegion'] });

const sourceNetworkSchema = strictBlock('a source network', {
  id: z.string().regex(/^sn-[0-9a-zA-Z]{17}$/).optional(),
  vpcId: z.string().regex(/^vpc-[0-9a-fA-F]{8,}$/, 'a VPC ID is vpc- and hex digits'),
  name: z.string().optional(),
  cfnStackName: z.string().optional(),
  originRegion: z.string().optional(),
  tags: tagsSchema,
  /** true, or the raw error: every recovery of this network fails. */
  fails: z.union([z.boolean(), z.string()]).optional(),
});

const stagingAccountSchema = z.union([
  accountId.transform((accountId) => ({ accountId, targetAccount: undefined as string | undefined, extensibleSourceServers: [] as { hostname: string; tags: Record<string, string> }[] })),
  strictBlock('a staging account', {
    accountId,
    /** The account that may extend this staging account's servers (ID or alias); default the scenario's accountId. */
    targetAccount: z.string().optional(),
    /** Short form: servers of the staging account (in the scenario's Region), as `account:` servers would be. */
    extensibleSourceServers: z.array(strictBlock('an extensible source server', { hostname: z.string().min(1), tags: tagsSchema })).default([]),
  }),
]);

/**
 * An account (ID or alias) where DRS was never initialized, in one Region or (no `region`) in
 * every Region: every operation but InitializeService answers UninitializedAccountException.
 */
const uninitializedSchema = z.union([
  z.string().transform((account) => ({ account, region: undefined as string | undefined })),
  strictBlock('an uninitialized entry', {
    account: z.string(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a Region looks like us-east-1').optional(),
  }),
]);

const durationsSchema = strictBlock('durations', {
    jitter: z.number().min(0).max(1).default(0.2),
    jobStartSeconds: durationSchema.default(10),
    snapshotSeconds: durationSchema.default(60),
    conversionSeconds: durationSchema.default(240),
    launchSeconds: durationSchema.default(120),
    ssmAgentDiscoverySeconds: durationSchema.default(45),
    actionSeconds: durationSchema.default(90),
    terminateSeconds: durationSchema.default(60),
    failbackReadySeconds: durationSchema.default(1800),
    reverseReplicationSeconds: durationSchema.default(900),
    networkSeconds: durationSchema.default(180),
  })
  .prefault({});

export const scenarioSchema = strictBlock('a scenario', {
  seed: z.number().int().default(1),
  /** Simulated time at start; default: the real time now. */
  startTime: z.iso.datetime({ offset: true }).optional(),
  region: z.string().default('us-east-1'),
  /** The account the service answers for by default (drsClientFor, inspection): the recovery (target) account. */
  accountId: accountId.default('111122223333'),
  /** The accounts and their principals' credentials (local/identity's fragment); default the default identity world. */
  identity: z.unknown().optional(),
  /** For the local CloudFormation service the runner starts beside this one (local/cloudformation's block: stacks, deleteSeconds, faults); not read here. */
  cloudFormation: z.unknown().optional(),
  /**
   * For the services the runner starts beside this one for approval gates and action steps, each
   * checked by its own service, not here: SSM Automation documents (local/ssm), the operators' SNS
   * topics (local/sns), Route 53 zones (local/route53), Lambda functions run from local handler
   * files (local/lambda; paths relative to the scenario file).
   */
  ssm: z.unknown().optional(),
  sns: z.unknown().optional(),
  route53: z.unknown().optional(),
  lambda: z.unknown().optional(),
  sourceServers: z.array(sourceServerSchema).default([]),
  sourceNetworks: z.array(sourceNetworkSchema).default([]),
  stagingAccounts: z.array(stagingAccountSchema).default([]),
  /** Accounts (and Regions) where DRS was never initialized (InitializeService not called). */
  uninitialized: z.array(uninitializedSchema).default([]),
  durations: durationsSchema,
  /** DRS's "default launch settings": what every source server the scenario adds starts with. */
  defaultLaunchConfiguration: defaultLaunchConfigurationSchema.default({}),
  faults: z.array(faultSchema).default([]),
});

/** A scenario as written (defaults optional). */
export type Scenario = z.input<typeof scenarioSchema>;
/** A scenario with every default filled in. */
export type ParsedScenario = z.output<typeof scenarioSchema>;
export type ScenarioSourceServer = ParsedScenario['sourceServers'][number];
export type ScenarioLaunchConfiguration = z.output<typeof launchConfigurationSchema>;
export type ScenarioLaunchSettings = ParsedScenario['defaultLaunchConfiguration'];
export type PhaseDuration = z.output<typeof durationSchema>;

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/** Validates a scenario object; the error message names each wrong field. */
export function parseScenario(scenario: unknown, source = 'scenario', lineOf?: (path: readonly PropertyKey[]) => number | undefined): ParsedScenario {
  const result = scenarioSchema.safeParse(scenario);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => ({ line: lineOf?.(issue.path), text: `${issue.path.join('.') || '(root)'}: ${issue.message}` }))
      .sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER))
      .map(({ line, text }) => `  ${line === undefined ? '' : `line ${line}: `}${text}`);
    throw new ScenarioError(`${source} is not a valid scenario:\n${problems.join('\n')}`);
  }
  const scenarioIdentity = identityOf(result.data, source);
  const problems = resolveAccounts(result.data, scenarioIdentity);
  if (problems.length > 0) throw new ScenarioError(`${source} is not a valid scenario:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return result.data;
}

/** The scenario's identity world, validated (its errors name the field under `identity`). */
export function identityOf(scenario: ParsedScenario, source = 'scenario'): ParsedIdentity {
  try {
    return parseIdentity(scenario.identity ?? defaultIdentity, `${source}: identity`);
  } catch (error) {
    throw new ScenarioError((error as Error).message, { cause: error });
  }
}

/**
 * The principal clients of the scenario's account sign as (drsClientFor, the local runner's
 * handlers): the default world's function role when `accountId` declares its keys, else the
 * account's first principal; undefined when the account declares none.
 */
export function homePrincipalOf(identity: ParsedIdentity, accountId: string): DeclaredPrincipal | undefined {
  const principals = identity.accounts.find((account) => account.id === accountId)?.principals ?? [];
  return principals.find((principal) => principal.accessKeyId === defaultCredentials.accessKeyId) ?? principals[0];
}

/**
 * Replaces account aliases by IDs and checks every account named is in the identity world, and
 * DRS's replication limit per account and Region. Returns the problems, each naming its field.
 */
function resolveAccounts(scenario: ParsedScenario, identity: ParsedIdentity): string[] {
  const problems: string[] = [];
  const byAlias = new Map(identity.accounts.flatMap((a) => (a.alias ? [[a.alias, a.id] as const] : [])));
  const known = new Set(identity.accounts.map((a) => a.id));
  const declared = `declared accounts: ${identity.accounts.map((a) => (a.alias ? `${a.id} (${a.alias})` : a.id)).join(', ')}`;
  const resolve = (name: string, path: string): string => {
    const id = byAlias.get(name) ?? name;
    if (!known.has(id)) problems.push(`${path}: unknown account ${name}; ${declared}`);
    return id;
  };
  resolve(scenario.accountId, 'accountId');
  scenario.uninitialized.forEach((entry, index) => {
    entry.account = resolve(entry.account, `uninitialized.${index}.account`);
  });
  // DRS holds no servers where it was never initialized: a server there is a contradiction.
  const notInitialized = (account: string, region: string, path: string) => {
    const index = scenario.uninitialized.findIndex((entry) => entry.account === account && (entry.region === undefined || entry.region === region));
    if (index >= 0) {
      problems.push(`${path}: account ${account} is not initialized for DRS in ${region} (uninitialized.${index}), so nothing can replicate there; remove the server or the uninitialized entry`);
    }
  };
  if (scenario.sourceNetworks.length > 0) notInitialized(scenario.accountId, scenario.region, 'sourceNetworks');
  const replicating = new Map<string, number>();
  scenario.sourceServers.forEach((server, index) => {
    server.account = resolve(server.account ?? scenario.accountId, `sourceServers.${index}.account`);
    server.region ??= scenario.region;
    notInitialized(server.account, server.region, `sourceServers.${index}`);
    // An extended server replicates in its staging account; a stopped one does not replicate.
    if (server.stagingAccountId || server.replication.state === 'STOPPED') return;
    const key = `${server.account} in ${server.region}`;
    replicating.set(key, (replicating.get(key) ?? 0) + 1);
  });
  scenario.stagingAccounts.forEach((staging, index) => {
    resolve(staging.accountId, `stagingAccounts.${index}.accountId`);
    staging.targetAccount = resolve(staging.targetAccount ?? scenario.accountId, `stagingAccounts.${index}.targetAccount`);
    if (staging.extensibleSourceServers.length > 0) notInitialized(staging.accountId, scenario.region, `stagingAccounts.${index}.extensibleSourceServers`);
    const key = `${staging.accountId} in ${scenario.region}`;
    replicating.set(key, (replicating.get(key) ?? 0) + staging.extensibleSourceServers.length);
  });
  for (const [where, count] of replicating) {
    if (count > MAX_REPLICATING_SERVERS_PER_ACCOUNT_REGION) {
      problems.push(
        `sourceServers: account ${where} has ${count} replicating source servers; DRS replicates at most ${MAX_REPLICATING_SERVERS_PER_ACCOUNT_REGION} per account and Region. ` +
          'Spread them over staging accounts (`account:` on each server, `stagingAccounts:` naming the target) and extend them into the target account ' +
          '(DRS user guide, "Using multiple staging accounts")',
      );
    }
  }
  return problems;
}

/** A scenario source server with its defaults, from the few members given. */
export function scenarioServerOf(server: z.input<typeof sourceServerSchema>): ScenarioSourceServer {
  return sourceServerSchema.parse(server);
}

/** Reads a YAML or JSON scenario file. */
export async function loadScenario(path: string): Promise<ParsedScenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ScenarioError(code === 'ENOENT' ? `${path}: no such scenario file: check the path (the shipped ones are in scenarios/)` : `${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if (path.endsWith('.json')) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new ScenarioError(`${path} cannot be parsed: ${(error as Error).message}`, { cause: error });
    }
    return parseScenario(data, path);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  if (document.errors.length > 0) {
    throw new ScenarioError(`${path} cannot be parsed:\n${document.errors.map((error) => `  ${error.message}`).join('\n')}`);
  }
  const lineOf = (at: readonly PropertyKey[]) => {
    // The deepest node that exists along the path: an unknown key points at its map.
    for (let depth = at.length; depth >= 0; depth -= 1) {
      const node = document.getIn(at.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return parseScenario(document.toJS() ?? {}, path, lineOf);
}

export const defaultScenarioPath = fileURLToPath(new URL('../../scenarios/default.yaml', import.meta.url));
