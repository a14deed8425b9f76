import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DescribeSourceServersCommand } from '@aws-sdk/client-drs';
import { ScenarioError, defaultScenarioPath, generateScenario, loadScenario, parseScenario, startLocalDrs } from '#local/drs/index.ts';
import { drsClientFor } from '#local/drs/client.ts';

describe('scenarios', () => {
  it('ships a default scenario: payments in three tiers plus two reporting servers', async () => {
    const scenario = await loadScenario(defaultScenarioPath);

    const byTier = (tier: string) => scenario.sourceServers.filter((s) => s.tags.Application === 'payments' && s.tags.Tier === tier).map((s) => s.hostname);
    expect(byTier('db')).toEqual(['payments-db-1', 'payments-db-2', 'payments-db-3']);
    expect(byTier('app')).toEqual(['payments-app-1', 'payments-app-2', 'payments-app-3', 'payments-app-4']);
    expect(byTier('web')).toEqual(['payments-web-1', 'payments-web-2', 'payments-web-3', 'payments-web-4']);
    expect(scenario.sourceServers.filter((s) => s.tags.Application === 'reporting')).toHaveLength(2);
    expect(scenario.sourceServers.filter((s) => s.originEnvironment === 'AWS').map((s) => s.originRegion)).toEqual(['us-west-2', 'us-west-2']);
  });

  it('names the wrong field when a scenario is invalid', () => {
    const attempt = () =>
      parseScenario({ sourceServers: [{ hostname: 'a', replication: { state: 'HEALTHY' } }, { hostname: 'b', originEnvironment: 'AWS' }] }, 'bad.yaml');

    expect(attempt).toThrow(ScenarioError);
    expect(attempt).toThrow(/sourceServers\.0\.replication\.state/);
    expect(attempt).toThrow(/sourceServers\.1\.originRegion/);
  });

  it('derives the same source server IDs from the same hostnames on every start', async () => {
    const scenario = { startTime: '2026-01-05T02:00:00Z', sourceServers: [{ hostname: 'web-a' }, { hostname: 'web-b' }] };
    const first = await startLocalDrs({ scenario, speed: 0 });
    const second = await startLocalDrs({ scenario, speed: 0 });

    const ids = async (drs: typeof first) => (await drsClientFor(drs).send(new DescribeSourceServersCommand({}))).items!.map((s) => s.sourceServerID);
    const [a, b] = [await ids(first), await ids(second)];
    await Promise.all([first.stop(), second.stop()]);

    expect(a).toEqual(b);
  });

  it('loads a JSON scenario file written by the generator', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drs-scenario-'));
    const path = join(dir, 'large.json');
    await writeFile(path, JSON.stringify(generateScenario({ servers: 300, applications: 10 })));

    const scenario = await loadScenario(path);

    expect(scenario.sourceServers).toHaveLength(300);
    expect(new Set(scenario.sourceServers.map((s) => s.tags.Application)).size).toBe(10);
    expect(new Set(scenario.sourceServers.map((s) => s.tags.Tier))).toEqual(new Set(['db', 'app', 'web']));
  });
});
