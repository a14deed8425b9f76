// Generates large scenarios (thousands of servers across applications and tiers) for benchmarks
// and quota tests. Deterministic: the same options give the same scenario. Past DRS's 300
// replicating servers per account and Region, servers replicate in staging accounts and are
// extended into their target account, as the DRS user guide's "Using multiple staging accounts";
// larger estates recover into several target accounts, each with its own staging accounts.
import { DEFAULT_ACCOUNT_ID, DEFAULT_FUNCTION_ROLE_ARN, defaultIdentity, type Identity } from '#local/identity/index.ts';
import { MAX_REPLICATING_SERVERS_PER_ACCOUNT_REGION, type Scenario } from './scenario.ts';

type LaunchConfigurationInput = NonNullable<NonNullable<Scenario['sourceServers']>[number]['launchConfiguration']>;

export interface GeneratedServer {
  hostname: string;
  application: string;
  tier: string;
  index: number;
}

export interface GenerateScenarioOptions {
  servers: number;
  applications?: number;
  tiers?: string[];
  seed?: number;
  /** Give every server of the first tier a required launch action. */
  launchActions?: boolean;
  startTime?: string;
  /** Each server's `launchConfiguration`: the same for all, or chosen per server (undefined: none). */
  launchConfiguration?: LaunchConfigurationInput | ((server: GeneratedServer) => LaunchConfigurationInput | undefined);
  /** The account's default launch settings (`defaultLaunchConfiguration`). */
  defaultLaunchConfiguration?: Scenario['defaultLaunchConfiguration'];
  /**
   * Staging accounts the servers replicate in, in all (`5000000000NN`, alias `staging-NN`, at most
   * 300 servers each), shared out evenly over the target accounts. Default: for each target
   * account, none up to 300 servers, else as few as hold them.
   */
  stagingAccounts?: number;
  /**
   * Target accounts the servers are spread over in consecutive blocks (`6000000000NN`, alias
   * `target-N`), each with its own staging accounts and a role `drs-orchestrator-access` that the
   * home account's function role may assume. Default: none; the home (recovery) account
   * 111122223333 is the one target account.
   */
  targets?: number;
  /** The external ID the target accounts' roles require (sts:ExternalId); default none. */
  externalId?: string;
  /**
   * Whether each staging server is also in its target account as an extended source server
   * (default true); false leaves them to be extended by the run (ListExtensibleSourceServers).
   */
  extended?: boolean;
}

/** The ID of the n-th generated staging account (1-based). */
export const generatedStagingAccountId = (n: number) => `5000000${String(n).padStart(5, '0')}`;
/** The ID of the n-th generated target account (1-based). */
export const generatedTargetAccountId = (n: number) => `6000000${String(n).padStart(5, '0')}`;
/** The role every generated target account has for the orchestrator: `arn:aws:iam::<target>:role/drs-orchestrator-access`. */
export const generatedTargetRoleArn = (accountId: string) => `arn:aws:iam::${accountId}:role/drs-orchestrator-access`;

/** Where generated servers recover: one target account, its share of the servers and its staging accounts. */
interface TargetLayout {
  accountId: string;
  /** Undefined for the home account (the scenario's accountId). */
  alias?: string;
  firstServer: number;
  servers: number;
  stagingIds: string[];
}

/** Shares `total` out over `parts` as evenly as possible, the first parts taking the remainder. */
const shareOut = (total: number, parts: number) => Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));

function layoutOf(options: GenerateScenarioOptions): TargetLayout[] {
  const limit = MAX_REPLICATING_SERVERS_PER_ACCOUNT_REGION;
  const targetCount = options.targets ?? 0;
  if (!Number.isInteger(targetCount) || targetCount < 0) throw new RangeError(`targets is a whole number of target accounts, got ${targetCount}`);
  const serverShares = shareOut(options.servers, Math.max(targetCount, 1));
  const stagingShares =
    options.stagingAccounts === undefined
      ? serverShares.map((servers) => (servers > limit ? Math.ceil(servers / limit) : 0))
      : shareOut(options.stagingAccounts, serverShares.length);
  let firstServer = 0;
  let nextStaging = 1;
  return serverShares.map((servers, t) => {
    const staging = stagingShares[t]!;
    if (staging > 0 && servers > staging * limit) {
      const where = targetCount > 0 ? ` of target account target-${t + 1}` : '';
      throw new RangeError(`${servers} servers${where} need at least ${Math.ceil(servers / limit)} staging accounts (DRS replicates at most ${limit} per account and Region)`);
    }
    const layout: TargetLayout = {
      accountId: targetCount > 0 ? generatedTargetAccountId(t + 1) : DEFAULT_ACCOUNT_ID,
      ...(targetCount > 0 ? { alias: `target-${t + 1}` } : {}),
      firstServer,
      servers,
      stagingIds: Array.from({ length: staging }, () => generatedStagingAccountId(nextStaging++)),
    };
    firstServer += servers;
    return layout;
  });
}

export function generateScenario(options: GenerateScenarioOptions): Scenario {
  const layout = layoutOf(options);
  const extended = options.extended ?? true;
  const applications = options.applications ?? Math.max(1, Math.ceil(options.servers / 100));
  const tiers = options.tiers ?? ['db', 'app', 'web'];
  const sourceServers: NonNullable<Scenario['sourceServers']> = [];
  for (const target of layout) {
    // A target account other than the home account is named on its servers.
    const inTarget = target.alias === undefined ? {} : { account: target.accountId };
    for (let i = target.firstServer; i < target.firstServer + target.servers; i++) {
      const application = `app${String((i % applications) + 1).padStart(3, '0')}`;
      const tier = tiers[Math.floor(i / applications) % tiers.length]!;
      const hostname = `${application}-${tier}-${String(Math.floor(i / applications) + 1).padStart(4, '0')}`;
      const launchConfiguration =
        typeof options.launchConfiguration === 'function' ? options.launchConfiguration({ hostname, application, tier, index: i }) : options.launchConfiguration;
      // Consecutive blocks of at most 300 of the target's servers per staging account.
      const stagingAccount = target.stagingIds[Math.floor((i - target.firstServer) / Math.ceil(target.servers / Math.max(target.stagingIds.length, 1)))];
      const replication = { state: 'CONTINUOUS' as const, lagSeconds: 5 + (i % 26) };
      const snapshots = { pointInTime: { everyMinutes: 10, count: 6 } };
      const tags = { Application: application, Tier: tier };
      if (stagingAccount) sourceServers.push({ hostname, account: stagingAccount, tags, replication, ...(extended ? {} : { snapshots }) });
      if (stagingAccount && !extended) continue;
      sourceServers.push({
        hostname,
        ...inTarget,
        tags: { ...tags },
        ...(stagingAccount ? { stagingAccountId: stagingAccount } : {}),
        replication,
        snapshots,
        ...(options.launchActions && tier === tiers[0]
          ? { launchActions: [{ name: `${application}-verify`, type: 'SSM_COMMAND' as const, order: 100, category: 'VALIDATION' as const }] }
          : {}),
        // A copy per server: a shared object would come out of the YAML writer as anchors.
        ...(launchConfiguration ? { launchConfiguration: structuredClone(launchConfiguration) } : {}),
      });
    }
  }
  const targets = layout.filter((target) => target.alias !== undefined);
  const staging = layout.flatMap((target) => target.stagingIds.map((accountId) => ({ accountId, targetAccount: target.accountId })));
  const identity: Identity = {
    accounts: [
      defaultIdentity.accounts[0]!,
      ...targets.map((target) => ({
        id: target.accountId,
        alias: target.alias,
        roles: [{ arn: generatedTargetRoleArn(target.accountId), trust: { principals: [DEFAULT_FUNCTION_ROLE_ARN], ...(options.externalId ? { externalId: options.externalId } : {}) } }],
      })),
      ...staging.map(({ accountId }, i) => ({ id: accountId, alias: `staging-${String(i + 1).padStart(2, '0')}` })),
    ],
  };
  return {
    seed: options.seed ?? 42,
    ...(options.startTime ? { startTime: options.startTime } : {}),
    region: 'us-east-1',
    accountId: DEFAULT_ACCOUNT_ID,
    ...(options.defaultLaunchConfiguration ? { defaultLaunchConfiguration: options.defaultLaunchConfiguration } : {}),
    sourceServers,
    // One account holding every server: the default world and its staging account, as before.
    ...(targets.length > 0 || staging.length > 0 ? { identity, stagingAccounts: staging } : { stagingAccounts: ['444455556666'] }),
  };
}
