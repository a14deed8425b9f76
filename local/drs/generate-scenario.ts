// Generates large scenarios (thousands of servers across applications and tiers) for benchmarks
// and quota tests. Deterministic: the same options give the same scenario. Past DRS's 300
// replicating servers per account and Region, servers replicate in staging accounts and are
// extended into the recovery account, as the DRS user guide's "Using multiple staging accounts".
import { DEFAULT_ACCOUNT_ID, defaultIdentity } from '#local/identity/index.ts';
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
   * Staging accounts the servers replicate in, at most 300 each (`5000000000NN`, alias
   * `staging-NN`), every server extended into the recovery account. Default: none up to 300
   * servers, else as few as hold them.
   */
  stagingAccounts?: number;
}

/** The ID of the n-th generated staging account (1-based). */
export const generatedStagingAccountId = (n: number) => `5000000${String(n).padStart(5, '0')}`;

export function generateScenario(options: GenerateScenarioOptions): Scenario {
  const limit = MAX_REPLICATING_SERVERS_PER_ACCOUNT_REGION;
  const stagingCount = options.stagingAccounts ?? (options.servers > limit ? Math.ceil(options.servers / limit) : 0);
  if (stagingCount > 0 && options.servers > stagingCount * limit) {
    throw new RangeError(`${options.servers} servers need at least ${Math.ceil(options.servers / limit)} staging accounts (DRS replicates at most ${limit} per account and Region)`);
  }
  const stagingIds = Array.from({ length: stagingCount }, (_, i) => generatedStagingAccountId(i + 1));
  const applications = options.applications ?? Math.max(1, Math.ceil(options.servers / 100));
  const tiers = options.tiers ?? ['db', 'app', 'web'];
  const sourceServers: NonNullable<Scenario['sourceServers']> = [];
  for (let i = 0; i < options.servers; i++) {
    const application = `app${String((i % applications) + 1).padStart(3, '0')}`;
    const tier = tiers[Math.floor(i / applications) % tiers.length]!;
    const hostname = `${application}-${tier}-${String(Math.floor(i / applications) + 1).padStart(4, '0')}`;
    const launchConfiguration =
      typeof options.launchConfiguration === 'function' ? options.launchConfiguration({ hostname, application, tier, index: i }) : options.launchConfiguration;
    // Consecutive blocks of at most 300 servers per staging account.
    const stagingAccount = stagingIds[Math.floor(i / Math.ceil(options.servers / Math.max(stagingCount, 1)))];
    const replication = { state: 'CONTINUOUS' as const, lagSeconds: 5 + (i % 26) };
    if (stagingAccount) sourceServers.push({ hostname, account: stagingAccount, tags: { Application: application, Tier: tier }, replication });
    sourceServers.push({
      hostname,
      tags: { Application: application, Tier: tier },
      ...(stagingAccount ? { stagingAccountId: stagingAccount } : {}),
      replication,
      snapshots: { pointInTime: { everyMinutes: 10, count: 6 } },
      ...(options.launchActions && tier === tiers[0]
        ? { launchActions: [{ name: `${application}-verify`, type: 'SSM_COMMAND' as const, order: 100, category: 'VALIDATION' as const }] }
        : {}),
      // A copy per server: a shared object would come out of the YAML writer as anchors.
      ...(launchConfiguration ? { launchConfiguration: structuredClone(launchConfiguration) } : {}),
    });
  }
  return {
    seed: options.seed ?? 42,
    ...(options.startTime ? { startTime: options.startTime } : {}),
    region: 'us-east-1',
    accountId: '111122223333',
    ...(options.defaultLaunchConfiguration ? { defaultLaunchConfiguration: options.defaultLaunchConfiguration } : {}),
    sourceServers,
    ...(stagingCount > 0
      ? {
          identity: { accounts: [...defaultIdentity.accounts, ...stagingIds.map((id, i) => ({ id, alias: `staging-${String(i + 1).padStart(2, '0')}` }))] },
          stagingAccounts: stagingIds.map((accountId) => ({ accountId, targetAccount: DEFAULT_ACCOUNT_ID })),
        }
      : { stagingAccounts: ['444455556666'] }),
  };
}
