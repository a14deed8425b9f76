import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LocalDrs, StartLocalDrsOptions } from '#local/runner/local-drs.ts';
import { tempDir } from './helpers.ts';

// Every local DRS service the CLI starts, so a test can tell whether one was started and what it received.
const started = vi.hoisted(() => [] as LocalDrs[]);
vi.mock('../../local/runner/local-drs.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('#local/runner/local-drs.ts')>();
  return {
    ...real,
    startLocalDrs: async (options: StartLocalDrsOptions) => {
      const drs = await real.startLocalDrs(options);
      started.push(drs);
      return drs;
    },
  };
});

const { main } = await import('#local/runner/cli.ts');

/** Runs the CLI in this process; returns its exit code and what it printed. */
async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(['node', 'cli.ts', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

async function planFile(text: string): Promise<string> {
  const file = join(await tempDir('plan'), 'plan.yaml');
  await writeFile(file, text);
  return file;
}

const TARGETS = 'targets: { rtoMinutes: 60, rpoMinutes: 15 }\n';

afterEach(async () => {
  await Promise.all(started.splice(0).map((drs) => drs.stop()));
});

describe('the help', () => {
  it('names the command a user types: the npm scripts, not the program inside them', async () => {
    const run = await cli('run', '--help');
    const validate = await cli('validate', '--help');

    expect(run.stdout).toMatch(/^Usage: npm run local -- \[options\]/);
    expect(validate.stdout).toMatch(/^Usage: npm run validate -- \[options\] <files\.\.\.>/);
  });
});

describe('run --json', () => {
  it("prints the run's outcome and report as JSON alone on stdout, the progress on stderr", async () => {
    const run = await cli('run', '--plan', 'plans/example.yaml', '--mode', 'drill', '--waves', 'web', '--speed', '0', '--json');

    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.stdout) as { status: string; missedTargets: string[]; report: { status: string; partial?: { skippedWaves: string[] }; waves: Array<{ name: string }> } };
    expect(parsed).toMatchObject({ status: 'SUCCEEDED', missedTargets: [], report: { status: 'SUCCEEDED', partial: { skippedWaves: ['databases', 'application'] } } });
    expect(parsed.report.waves.map((wave) => wave.name)).toEqual(['web']);
    expect(run.stderr).toMatch(/Drill of plan payments SUCCEEDED/);
  });
});

describe('the dry run', () => {
  it("prints every wave's servers as DRS shows them, launches nothing, and exits 1 with the problems preflight would refuse the run for", async () => {
    const ready = await cli('run', '--plan', 'plans/example.yaml', '--mode', 'drill', '--dry-run');

    expect(ready.code).toBe(0);
    expect(ready.stdout).toContain('Dry run of plan payments (drill) · 3 waves, 11 servers');
    expect(ready.stdout).toMatch(/▶ databases · 3 servers in 1 job · on-demand snapshot \(latest data\) · failure budget 0/);
    expect(ready.stdout).toMatch(/├ ✓ payments-db-1 s-[0-9a-f]{17} · CONTINUOUS · lag \d+s · RPO ≈ \d+s/);
    expect(ready.stdout).toContain('✓ Ready: preflight would let this run start');

    // Beside the shipped scenario: its Lambda handlers' paths are relative to its folder.
    const scenario = join('scenarios', `.test-${process.pid}-${Date.now()}.yaml`);
    const faults = 'faults:\n  - type: stallReplication\n    hostname: payments-db-2\n';
    await writeFile(scenario, (await readFile('scenarios/default.yaml', 'utf8')).replace(/^faults: \[\]$/m, faults));
    const stalled = await cli('run', '--plan', 'plans/example.yaml', '--mode', 'drill', '--dry-run', '--json', '--scenario', scenario).finally(() => rm(scenario, { force: true }));

    expect(stalled.code).toBe(1);
    const view = JSON.parse(stalled.stdout) as { problems: string[]; waves: Array<{ name: string; servers: Array<{ hostname: string; replication: string; problem?: string }> }> };
    expect(view.problems).toEqual([expect.stringMatching(/\(payments-db-2\) is not replicating continuously \(data replication state STALLED\)/)]);
    expect(view.waves[0]?.servers.find((server) => server.hostname === 'payments-db-2')).toMatchObject({ replication: 'STALLED', problem: expect.stringContaining('fix replication first') });
    // Nothing launched, in either.
    expect(started.reduce((calls, drs) => calls + drs.countCalls('StartRecovery'), 0)).toBe(0);
  });
});

describe('history', () => {
  it('prints drills and recoveries apart, partial runs marked, and everything as JSON with --json', async () => {
    const folder = await tempDir('reports');
    const report = (name: string, mode: string, rto: number, partial?: string[]) =>
      writeFile(
        join(folder, `${name}.json`),
        JSON.stringify({ reportVersion: 2, plan: 'payments', mode, execution: name, startedAt: `2026-01-0${name.length % 9}T02:00:00Z`, status: 'SUCCEEDED', rto: { targetSeconds: 3600, achievedSeconds: rto, met: true }, waves: [], ...(partial ? { partial: { skippedWaves: partial } } : {}) }),
      );
    await report('a', 'drill', 1800);
    await report('bb', 'drill', 300, ['databases']);
    await report('ccc', 'recovery', 2400);

    const text = await cli('history', '--report-dir', folder);
    const json = await cli('history', '--report-dir', folder, '--json');

    expect(text.stdout).toContain('Plan payments, drills · 2 runs');
    expect(text.stdout).toContain('1 partial run left out');
    expect(text.stdout).toMatch(/drill \(partial\)/);
    expect(text.stdout).toContain('Plan payments, recoveries · 1 run');
    const parsed = JSON.parse(json.stdout) as { history: Array<{ plan: string; mode: string; runs: Array<{ execution: string; partial: boolean }> }> };
    expect(parsed.history.map((entry) => [entry.mode, entry.runs.map((run) => [run.execution, run.partial])])).toEqual([
      ['drill', [['a', false], ['bb', true]]],
      ['recovery', [['ccc', false]]],
    ]);
  });
});

describe('validate', () => {
  it('exits 0 and names the plan and its waves when the plan is valid', async () => {
    const result = await cli('validate', 'plans/example.yaml');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('plans/example.yaml: plan payments, 3 waves: databases → application → web');
  });

  it('warns, still exiting 0, of a wave of explicit IDs whose failure budget lets all of them fail; waves selected by tags are left to preflight', async () => {
    const file = await planFile(
      `name: payments\n${TARGETS}defaults: { failureBudget: 2 }\nwaves:\n` +
        '  - name: db\n    servers: [{ ids: [s-00000000000000001] }, { ids: [s-00000000000000002] }]\n' +
        '  - name: app\n    servers: { ids: [s-00000000000000003, s-00000000000000004, s-00000000000000005] }\n' +
        '  - name: web\n    servers: { ids: [s-00000000000000006], tags: { Tier: web } }\n    failureBudget: 9\n',
    );

    const result = await cli('validate', file);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${file}: plan payments, 3 waves`);
    expect(result.stdout).toContain('wave "db" has 2 servers and failureBudget 2: every one of them may fail and the wave still "succeeds", with nothing recovered');
    expect(result.stdout).not.toContain('wave "app"');
    expect(result.stdout).not.toContain('wave "web"');
  });

  it('prints each file valid or its problems (line, field, message) as JSON with --json, exiting 2 when one is invalid', async () => {
    const bad = await planFile(`name: shop\n${TARGETS}waves:\n  - name: db\n    servers: { tags: { Tier: db } }\n    failurBudget: 0\n`);

    const result = await cli('validate', '--json', 'plans/example.yaml', bad);

    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({
      valid: 1,
      files: [
        { file: 'plans/example.yaml', valid: true, plan: 'payments', waves: ['databases', 'application', 'web'] },
        { file: bad, valid: false, problems: [{ line: expect.any(Number), field: 'waves[0].failurBudget', message: expect.stringContaining('did you mean "failureBudget"') }] },
      ],
    });
  });

  it('exits 2 on an unknown key, naming the file, the line, the field and the fix', async () => {
    const file = await planFile(`name: payments\n${TARGETS}waves:\n  - name: db\n    servers: { tags: { Tier: db } }\n    failurBudget: 1\n`);

    const result = await cli('validate', file);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${file}:\\d+: waves\\[0\\]\\.failurBudget: unknown key "failurBudget" \\(did you mean "failureBudget"\\?\\): remove it or check its spelling`));
  });

  it('exits 2 when a source server is in two waves', async () => {
    const id = 's-1234567890abcdefg';
    const file = await planFile(
      `name: payments\n${TARGETS}waves:\n  - name: db\n    servers: { ids: [${id}] }\n  - name: app\n    servers: { ids: [${id}] }\n`,
    );

    const result = await cli('validate', file);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:7: waves[1].servers.ids[0]: source server ${id} is already in wave "db"; a server belongs to one wave only`);
  });

  it('exits 2 when a plan has no waves, and when a wave has no servers', async () => {
    const noWaves = await planFile(`name: payments\n${TARGETS}waves: []\n`);
    const emptyWave = await planFile(`name: payments\n${TARGETS}waves:\n  - name: db\n    servers: {}\n`);

    const result = await cli('validate', noWaves, emptyWave);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${noWaves}:3: waves: a plan needs at least one wave`);
    expect(result.stderr).toContain(`${emptyWave}:5: waves[0].servers: a wave needs servers`);
    expect(result.stdout).toContain('0 of 2 plan files valid');
  });

  it('exits 2 when two files define the same plan name, naming both', async () => {
    const folder = await tempDir('plans');
    const first = join(folder, 'a.yaml');
    const second = join(folder, 'b.yaml');
    const text = `name: payments\n${TARGETS}waves:\n  - name: db\n    servers: { tags: { Tier: db } }\n`;
    await writeFile(first, text);
    await writeFile(second, text);

    const result = await cli('validate', first, second);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${second}: name: plan "payments" is already defined by ${first}: give each plan its own name`);
    expect(result.stdout).toContain('1 of 2 plan files valid');

    const run = await cli('run', '--plan', first, '--mode', 'drill', '--speed', '0');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/plan "payments" is defined by a\.yaml and b\.yaml/);
    expect(started).toHaveLength(0);
  });

  it('exits 2 on a YAML alias bomb, naming the file and the line, without a stack trace', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 8; level += 1) levels.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(10).fill(`*${String.fromCharCode(96 + level)}`).join(', ')}]`);
    const file = await planFile(`${levels.join('\n')}\nname: payments\n${TARGETS}waves: []\n`);

    const result = await cli('validate', file);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${file}:2: \\(top level\\): not a usable plan: .*alias.*write the values out instead of repeating YAML aliases`));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 when --plan or a validated path is a folder', async () => {
    const folder = await tempDir('plans');

    const validate = await cli('validate', folder);
    const run = await cli('run', '--plan', folder, '--mode', 'drill');

    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(`${folder}: is a folder, not a plan file`);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is a folder, not a plan file');
    expect(started).toHaveLength(0);
  });

  it('exits 2 when a plan file does not exist', async () => {
    const result = await cli('validate', 'plans/no-such-plan.yaml');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('plans/no-such-plan.yaml');
  });
});

describe('run with an invalid request', () => {
  it.each([
    ['a wave the plan does not have', ['--waves', 'databases,caches'], /--waves: "caches" not in plan "payments"/],
    ['a snapshot time that is not a time', ['--snapshot-time', 'yesterday'], /--snapshot-time: must be a time with its zone, e\.g\. 2026-12-01T13:00:00Z/],
    ['a snapshot time without its zone', ['--snapshot-time', '2026-12-01T13:00'], /--snapshot-time: must be a time with its zone.*\(got the text "2026-12-01T13:00"\)/],
    ['drill options on a recovery', ['--mode', 'recovery', '--skip-cleanup'], /skipCleanup and holdMinutes apply to drills only/],
    ['an unknown mode', ['--mode', 'rehearsal'], /--mode <mode>' argument 'rehearsal' is invalid/],
    ['a speed that is not a number', ['--speed', 'fast'], /give a number of simulated seconds per real second/],
    ['a dry run before a failback', ['--mode', 'recovery', '--dry-run', '--then', 'failback'], /--dry-run is the plan's alone, or the sweep's with --then sweep/],
    ['--json with a run after the run', ['--json', '--then', 'sweep'], /--json prints one run \(a drill or a recovery\) or the dry run/],
  ])('exits 2 on %s before any DRS service starts', async (_case, args, message) => {
    const result = await cli('run', '--plan', 'plans/example.yaml', '--mode', 'drill', ...args);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(started.reduce((calls, drs) => calls + drs.countCalls('StartRecovery'), 0)).toBe(0);
    expect(started).toHaveLength(0);
  });

  it('exits 2 on an --input file with an unknown field, naming it', async () => {
    const input = join(await tempDir('input'), 'input.json');
    await writeFile(input, JSON.stringify({ plan: 'payments', mode: 'drill', holdMinuts: 5 }));

    const result = await cli('run', '--plan', 'plans/example.yaml', '--mode', 'drill', '--input', input);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('holdMinuts: unknown key "holdMinuts"');
    expect(started).toHaveLength(0);
  });

  it('exits 2 on a scenario with a misspelt key, naming the line and the key meant, before anything is built or started', async () => {
    const scenario = join(await tempDir('scenario'), 'scenario.yaml');
    await writeFile(scenario, 'sourceServers:\n  - hostname: db-1\n    launchFail: boom\nfaults:\n  - type: launchFailure\n    hostname: db-1\n    rawErr: x\n');

    const result = await cli('run', '--plan', 'plans/example.yaml', '--mode', 'drill', '--scenario', scenario);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('line 2: sourceServers.0: unknown key launchFail (did you mean launchFails?)');
    expect(result.stderr).toContain('line 5: faults.0: unknown key rawErr (did you mean rawError?)');
    expect(result.stdout).not.toMatch(/handlers/);
    expect(started).toHaveLength(0);
  });

  it('takes the plan (by its name, in plans/) and the mode from an --input file given alone', async () => {
    const input = join(await tempDir('input'), 'input.json');
    await writeFile(input, JSON.stringify({ plan: 'payments', mode: 'drill', waves: ['caches'] }));
    const unknown = join(await tempDir('input'), 'input.json');
    await writeFile(unknown, JSON.stringify({ plan: 'shop', mode: 'drill' }));

    const wrongWave = await cli('run', '--input', input);
    const wrongPlan = await cli('run', '--input', unknown);

    // The plan was found and the mode taken: the input's own problem is what stops it.
    expect(wrongWave.code).toBe(2);
    expect(wrongWave.stderr).toMatch(/waves: "caches" not in plan "payments"/);
    expect(wrongPlan.code).toBe(2);
    expect(wrongPlan.stderr).toMatch(/no plan named "shop" in .*plans; known plans: .*payments/);
    expect(started).toHaveLength(0);

    await writeFile(input, JSON.stringify({ plan: 'payments', mode: 'drill', waves: ['web'] }));
    const run = await cli('run', '--input', input, '--speed', '0');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Drill of plan payments SUCCEEDED/);
  });

  it("counts a server whose required post-launch action failed as failed, and says when a run that succeeded missed a target (exit 1 with --fail-on-missed-target)", async () => {
    // Beside the shipped scenario: its Lambda handlers' paths are relative to its folder.
    const scenario = join('scenarios', `.test-${process.pid}-${Date.now()}.yaml`);
    const faults = 'faults:\n  - type: actionFailure\n    hostname: payments-web-1\n    actionName: payments-web-healthcheck\n';
    await writeFile(scenario, (await readFile('scenarios/default.yaml', 'utf8')).replace(/^faults: \[\]$/m, faults));
    // Recovered from a point-in-time snapshot 35 minutes old: the plan's RPO target is 15 minutes.
    const snapshotTime = new Date(Date.now() - 35 * 60_000).toISOString();

    const run = await cli('run', '--plan', 'plans/example.yaml', '--mode', 'drill', '--waves', 'web', '--scenario', scenario, '--snapshot-time', snapshotTime, '--speed', '0', '--fail-on-missed-target').finally(() =>
      rm(scenario, { force: true }),
    );

    expect(run.stdout).toMatch(/web +SUCCEEDED_WITH_FAILURES +4 +4 +1 /);
    expect(run.stdout).toMatch(/⚠ Wave web complete within its failure budget/);
    expect(run.stdout).toMatch(/⚠ Drill of plan payments SUCCEEDED in .* of simulated time, but missed its RPO target/);
    expect(run.code).toBe(1);
  });

  it('exits 2 when the plan file is invalid', async () => {
    const file = await planFile(`name: payments\n${TARGETS}waves: []\n`);

    const result = await cli('run', '--plan', file, '--mode', 'drill');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('waves: a plan needs at least one wave');
    expect(started).toHaveLength(0);
  });
});
