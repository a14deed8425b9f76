import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { compilePlanFile, loadPlanByName, parsePlan, readPlanFile } from '#shared/plan/load.ts';
import { planJsonSchema } from '#shared/plan/json-schema.ts';
import { resolveWaveSettings } from '#shared/plan/settings.ts';
import { AccountsConfig } from '#shared/accounts/config.ts';
import { InvalidPlanError } from '#shared/errors.ts';
import { parseExecutionInput, prepareRun } from '#shared/recovery/run.ts';

const validPlan = `name: shop
targets: { rtoMinutes: 60, rpoMinutes: 15 }
defaults: { failureBudget: 1, timeoutMinutes: 30 }
waves:
  - name: db
    servers: { tags: { Tier: db } }
    failureBudget: 0
  - name: web
    servers: { ids: [s-00000000000000001] }
`;

describe('plan files', () => {
  it('the example plan is valid and its waves take the plan defaults unless they set their own', async () => {
    const plan = await readPlanFile('plans/example.yaml');
    expect(plan.waves.map((wave) => wave.name)).toEqual(['databases', 'application', 'web']);
    expect(resolveWaveSettings(plan, plan.waves[2]).failureBudget).toBe(1);
    expect(resolveWaveSettings(plan, plan.waves[0]).failureBudget).toBe(0);
    expect(resolveWaveSettings(plan, plan.waves[0]).waitForPostLaunchActions).toBe(true);
  });

  it('an unknown key is named with its file, line and the fix', () => {
    const text = validPlan.replace('    failureBudget: 0', '    failurBudget: 0');
    expect(() => parsePlan(text, 'plans/shop.yaml')).toThrow(
      'plans/shop.yaml:7: waves[0].failurBudget: unknown key "failurBudget" (did you mean "failureBudget"?): remove it or check its spelling',
    );
  });

  it('a wrong type is named as such, with what the file holds, not as missing', () => {
    const text = validPlan.replace('rpoMinutes: 15', 'rpoMinutes: "fifteen"').replace('    failureBudget: 0', '    failureBudget: 1.5').replace('ids: [s-00000000000000001]', 'ids: s-00000000000000001');
    expect(() => parsePlan(text, 'plans/shop.yaml')).toThrow(
      [
        'plans/shop.yaml:2: targets.rpoMinutes: must be a number (got the text "fifteen")',
        'plans/shop.yaml:7: waves[0].failureBudget: must be a whole number (got 1.5)',
        'plans/shop.yaml:9: waves[1].servers.ids: must be a list (got the text "s-00000000000000001")',
      ].join('\n'),
    );
  });

  it('every problem of a file comes in one pass, in line order, duplicates of waves with the others', () => {
    const text = validPlan.replace('  - name: web', '  - name: db').replace('  - name: db\n    servers: { tags', '  - name: db\n    servrs: { tags');
    const message = (() => {
      try {
        parsePlan(text, 'plans/shop.yaml');
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    const lines = message.split('\n').map((line) => Number(/^plans\/shop\.yaml:(\d+):/.exec(line)?.[1]));
    expect(message).toContain('unknown key "servrs" (did you mean "servers"?)');
    expect(message).toContain('wave name "db" is already used by waves[0]');
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('times with an offset are kept in UTC, as DRS takes them; a time without its zone is refused with an example', () => {
    const withOffset = validPlan.replace('    failureBudget: 0', '    snapshot: { atOrBefore: "2026-12-01T13:00:00+01:00" }');
    expect(parsePlan(withOffset, 'shop.yaml').waves[0]?.snapshot).toEqual({ atOrBefore: '2026-12-01T12:00:00Z' });
    expect(parseExecutionInput({ plan: 'shop', mode: 'drill', snapshotTime: '2026-12-01T13:00:00.250-05:00' }).snapshotTime).toBe('2026-12-01T18:00:00.250Z');
    expect(() => parsePlan(withOffset.replace('13:00:00+01:00', '13:00'), 'shop.yaml')).toThrow(
      'shop.yaml:7: waves[0].snapshot.atOrBefore: must be a time with its zone, e.g. 2026-12-01T13:00:00Z or 2026-12-01T14:00:00+01:00 (got the text "2026-12-01T13:00")',
    );
  });

  it('an empty file says what a plan needs', () => {
    expect(() => parsePlan('', 'plans/empty.yaml')).toThrow('plans/empty.yaml: the file is empty: a plan needs at least name, targets and waves (see plans/example.yaml)');
  });

  it('a server listed in two waves is rejected, naming the second place', () => {
    const text = validPlan.replace('servers: { tags: { Tier: db } }', 'servers: { ids: [s-00000000000000001] }');
    expect(() => parsePlan(text, 'shop.yaml')).toThrow(/waves\[1\]\.servers\.ids\[0\]: source server s-00000000000000001 is already in wave "db"/);
  });

  it('an empty wave and an empty plan say what is missing', () => {
    expect(() => parsePlan(validPlan.replace('servers: { tags: { Tier: db } }', 'servers: {}'), 'p.yaml')).toThrow(
      /waves\[0\]\.servers: a wave needs servers: give `ids`/,
    );
    expect(() => parsePlan('name: x\ntargets: { rtoMinutes: 1, rpoMinutes: 1 }\nwaves: []\n', 'p.yaml')).toThrow(/waves: a plan needs at least one wave/);
  });

  it('a malformed server ID, a bad snapshot choice and broken YAML are explained', () => {
    expect(() => parsePlan(validPlan.replace('s-00000000000000001', 's-1'), 'p.yaml')).toThrow(/a source server ID looks like s-/);
    expect(() => parsePlan(validPlan.replace('failureBudget: 0', 'snapshot: yesterday'), 'p.yaml')).toThrow(/snapshot is `latest`/);
    expect(() => parsePlan('name: [unclosed', 'p.yaml')).toThrow(/p\.yaml:\d+: \(top level\): not valid YAML/);
    // The whole error: the parser's sentence, the column, and the quoted lines with a caret (it was cut at its first line).
    expect(() => parsePlan('name: x\ntargets: {rtoMinutes: 60\nwaves: []\n', 'p.yaml')).toThrow(
      'p.yaml:3: (top level): not valid YAML: Flow map in block collection must be sufficiently indented and end with a } (column 1)\ntargets: {rtoMinutes: 60\nwaves: []\n^',
    );
  });

  it('a plan is found by its name in a folder, and an unknown name lists the known plans', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'plans-'));
    await writeFile(join(folder, 'a-file-name.yaml'), validPlan);
    await writeFile(join(folder, 'broken.yaml'), 'name: other\nwaves: 3\n');
    expect((await loadPlanByName(folder, 'shop')).name).toBe('shop');
    await expect(loadPlanByName(folder, 'nope')).rejects.toThrow(/no plan named "nope" .*known plans: shop, other|known plans: other, shop/);
  });

  it('a deployed plan is read from its compiled JSON, checked again, and an unknown name lists the deployed plans', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'compiled-plans-'));
    const source = join(folder, 'shop.yaml');
    await writeFile(source, validPlan);
    const { plan, json } = await compilePlanFile(source);
    await mkdir(join(folder, 'deployed'));
    await writeFile(join(folder, 'deployed', 'shop.json'), json);
    await writeFile(join(folder, 'deployed', 'edited.json'), JSON.stringify({ ...JSON.parse(json), name: 'edited', waves: [] }));
    vi.stubEnv('PLANS_DIR', join(folder, 'deployed'));
    vi.resetModules();
    const { loadDeployedPlan } = await import('#shared/plan/deployed.ts');

    expect(await loadDeployedPlan('shop')).toEqual(plan);
    await expect(loadDeployedPlan('nope')).rejects.toThrow(/no plan named "nope" is deployed; deployed plans: edited, shop/);
    await expect(loadDeployedPlan('edited')).rejects.toThrow(/edited\.json: waves: a plan needs at least one wave/);
    vi.unstubAllEnvs();
  });

  it('the committed JSON Schema for editors is the one the plan schema generates', () => {
    expect(readFileSync('plans/plan.schema.json', 'utf8')).toBe(planJsonSchema());
  });
});

describe('execution input', () => {
  const plan = parsePlan(validPlan, 'shop.yaml');

  it('a drill of some waves becomes a run with those waves in plan order', () => {
    const run = prepareRun(parseExecutionInput({ plan: 'shop', mode: 'drill', waves: ['web', 'db'] }), plan, 'exec-1', '2026-01-01T00:00:00Z');
    expect(run).toMatchObject({ isDrill: true, waves: ['db', 'web'], skipCleanup: false, holdSeconds: 0, targets: { rtoMinutes: 60 } });
  });

  it('a run records the plan version it read: the same plan gives the same version, a changed one another; a run of some waves is partial', () => {
    const input = parseExecutionInput({ plan: 'shop', mode: 'drill', waves: ['web'] });
    const again = parsePlan(validPlan, 'shop.yaml');
    const changed = parsePlan(validPlan.replace('failureBudget: 0', 'failureBudget: 1'), 'shop.yaml');

    const run = prepareRun(input, plan, 'exec-1', '2026-01-01T00:00:00Z');

    expect(run.planVersion).toMatch(/^[0-9a-f]{12}$/);
    expect(prepareRun(input, again, 'exec-2', '2026-01-02T00:00:00Z').planVersion).toBe(run.planVersion);
    expect(prepareRun(input, changed, 'exec-3', '2026-01-03T00:00:00Z').planVersion).not.toBe(run.planVersion);
    expect(run.skippedWaves).toEqual(['db']);
    expect(prepareRun(parseExecutionInput({ plan: 'shop', mode: 'drill' }), plan, 'exec-4', '2026-01-01T00:00:00Z').skippedWaves).toBeUndefined();
  });

  it('a wrong mode, an unknown field and an unknown wave are refused with the fix', () => {
    expect(() => parseExecutionInput({ plan: 'shop', mode: 'test' })).toThrow('input: mode: must be one of "drill", "recovery", "failback" (got the text "test")');
    expect(() => parseExecutionInput({ plan: 'shop', mode: 'dril' })).toThrow('(got the text "dril") (did you mean "drill"?)');
    expect(() => parseExecutionInput({ plan: 'shop', mode: 'drill', wave: 'x' })).toThrow('unknown key "wave" (did you mean "waves"?): remove it or check its spelling');
    expect(() => parseExecutionInput({ mode: 'drill' })).toThrow(/plan is required/);
    expect(() => prepareRun(parseExecutionInput({ plan: 'shop', mode: 'drill', waves: ['app'] }), plan, 'e', '2026-01-01T00:00:00Z')).toThrow(
      /"app" not in plan "shop"; its waves are "db", "web"/,
    );
    expect(() => prepareRun(parseExecutionInput({ plan: 'shop', mode: 'recovery', holdMinutes: 5 }), plan, 'e', '2026-01-01T00:00:00Z')).toThrow(
      /apply to drills only/,
    );
  });
});

describe('accounts in plans (multi-account)', () => {
  const accounts = AccountsConfig.parse([
    { alias: 'recovery', home: true, stagingAccounts: ['staging-a'] },
    { alias: 'staging-a', accountId: '444455556666' },
    { alias: 'target-b', accountId: '222233334444', roleArn: 'arn:aws:iam::222233334444:role/drs-orchestrator-access', externalId: 'ext-1', regions: ['us-east-1', 'us-west-2'] },
  ]);
  const deployment = { accounts, homeRegion: 'us-east-1' };

  it('the shipped multi-account plan places each selector in its account, and the run extends staging servers', async () => {
    const plan = await readPlanFile('plans/multi-account.yaml');
    const run = prepareRun(parseExecutionInput({ plan: 'orders', mode: 'drill' }), plan, 'e', '2026-01-01T00:00:00Z', deployment);
    expect(run.scopes).toEqual([
      { account: 'recovery', region: 'us-east-1', stagingAccounts: ['444455556666'] },
      { account: 'target-b', region: 'us-east-1' },
    ]);
    expect(run.placements).toEqual([[0], [0], [0, 1]]);
    expect(run.extendsServers).toBe(true);
  });

  it('a plan that names no account, in a deployment without staging accounts, keeps the single-account state', () => {
    const plan = parsePlan(validPlan, 'shop.yaml');
    const run = prepareRun(parseExecutionInput({ plan: 'shop', mode: 'drill' }), plan, 'e', '2026-01-01T00:00:00Z', { accounts: [], homeRegion: 'us-east-1' });
    expect(run.scopes).toBeUndefined();
    expect(run.placements).toBeUndefined();
  });

  it('an account or Region the stage configuration does not offer is a plan error naming the field, before anything starts', () => {
    const plan = parsePlan(
      `name: shop
targets: { rtoMinutes: 60, rpoMinutes: 15 }
waves:
  - name: db
    account: target-c
    servers: { tags: { Tier: db } }
  - name: web
    servers:
      - { tags: { Tier: web } }
      - { account: target-b, region: eu-west-1, tags: { Tier: web } }
      - { account: staging-a, tags: { Tier: web } }
`,
      'shop.yaml',
    );
    const attempt = () => prepareRun(parseExecutionInput({ plan: 'shop', mode: 'drill' }), plan, 'e', '2026-01-01T00:00:00Z', deployment);
    expect(attempt).toThrow(InvalidPlanError);
    expect(attempt).toThrow(/waves\[0\]\.account: account "target-c" is not in the stage configuration's accounts \(target accounts: recovery, target-b\)/);
    expect(attempt).toThrow(/waves\[1\]\.servers\[1\]\.account: region eu-west-1 is not one of account "target-b"'s Regions \(us-east-1, us-west-2\)/);
    expect(attempt).toThrow(/waves\[1\]\.servers\[2\]\.account: account "staging-a" has no roleArn/);
  });

  it('the accounts configuration refuses duplicate aliases, a role in another account and unknown staging accounts, naming each field', () => {
    const parsed = AccountsConfig.safeParse([
      { alias: 'target-b', accountId: '222233334444', roleArn: 'arn:aws:iam::999999999999:role/x' },
      { alias: 'target-b', accountId: '333344445555', stagingAccounts: ['nowhere'] },
    ]);
    expect(parsed.success).toBe(false);
    const messages = parsed.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];
    expect(messages).toContain('0.roleArn: role arn:aws:iam::999999999999:role/x is not in account 222233334444: the orchestrator assumes a role of the account it recovers in');
    expect(messages).toContain('1.alias: alias "target-b" is already used by accounts[0]; give each account its own alias');
    expect(messages.some((message) => message.startsWith('1.stagingAccounts.0: "nowhere" is neither a 12-digit account ID'))).toBe(true);
  });
});
