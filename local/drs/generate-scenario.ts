// Generates large scenarios (thousands of servers across applications and tiers) for benchmarks
// and quota tests. Deterministic: the same options give the same scenario.
import type { Scenario } from './scenario.ts';

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
}

export function generateScenario(options: GenerateScenarioOptions): Scenario {
  const applications = options.applications ?? Math.max(1, Math.ceil(options.servers / 100));
  const tiers = options.tiers ?? ['db', 'app', 'web'];
  const sourceServers: NonNullable<Scenario['sourceServers']> = [];
  for (let i = 0; i < options.servers; i++) {
    const application = `app${String((i % applications) + 1).padStart(3, '0')}`;
    const tier = tiers[Math.floor(i / applications) % tiers.length]!;
    const hostname = `${application}-${tier}-${String(Math.floor(i / applications) + 1).padStart(4, '0')}`;
    const launchConfiguration =
      typeof options.launchConfiguration === 'function' ? options.launchConfiguration({ hostname, application, tier, index: i }) : options.launchConfiguration;
    sourceServers.push({
      hostname,
      tags: { Application: application, Tier: tier },
      replication: { state: 'CONTINUOUS', lagSeconds: 5 + (i % 26) },
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
    stagingAccounts: ['444455556666'],
  };
}
