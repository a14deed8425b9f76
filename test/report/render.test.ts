// The report's renderings and metrics on plain data: what each shows for a run with a failed
// server, with no DRS and no browser involved.
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderHtml } from '#shared/report/html.ts';
import { planDiagram, renderMarkdown } from '#shared/report/markdown.ts';
import { runMetrics } from '#shared/report/metrics.ts';
import type { RunReport, ServerResult } from '#shared/report/report.ts';

function server(hostname: string, overrides: Partial<ServerResult> = {}): ServerResult {
  return {
    sourceServerID: `s-${hostname.padEnd(17, '0').slice(0, 17)}`,
    hostname,
    jobID: 'drsjob-00000000000000001',
    launchStatus: 'LAUNCHED',
    recoveryInstanceID: 'i-0123456789abcdef0',
    postLaunchActions: [],
    phases: {
      snapshot: { start: '2026-01-05T02:01:00Z', end: '2026-01-05T02:02:00Z', seconds: 60 },
      conversion: { start: '2026-01-05T02:02:00Z', end: '2026-01-05T02:06:00Z', seconds: 240 },
      launch: { start: '2026-01-05T02:06:00Z', end: '2026-01-05T02:08:00Z', seconds: 120, endedBy: 'poll' },
    },
    recoveryPoint: 'on-demand-snapshot',
    dataTimestamp: '2026-01-05T02:01:00Z',
    rpoSeconds: 0,
    launchedAt: '2026-01-05T02:08:00Z',
    readyAt: '2026-01-05T02:08:00Z',
    rtoSeconds: 480,
    ...overrides,
  };
}

const failedServer = server('web<2>', {
  launchStatus: 'FAILED',
  rawError: 'InsufficientInstanceCapacity',
  phases: { launch: { start: '2026-01-05T02:06:00Z', end: '2026-01-05T02:07:00Z', seconds: 60, endedBy: 'LAUNCH_FAILED' } },
  launchedAt: undefined,
  readyAt: undefined,
  rtoSeconds: undefined,
  postLaunchActions: [{ name: 'healthcheck', optional: true, status: 'FAILED', failureReason: 'exit 1' }],
});

const report: RunReport = {
  reportVersion: 2,
  sourceNetworks: [],
  networkStacks: [],
  status: 'SUCCEEDED',
  plan: 'shop',
  mode: 'drill',
  execution: 'shop-drill-20260105T020000-abcd',
  startedAt: '2026-01-05T02:00:00Z',
  targets: { rtoMinutes: 30, rpoMinutes: 15 },
  rto: { targetSeconds: 1800, achievedSeconds: 480, met: true, readyAt: '2026-01-05T02:08:00Z' },
  rpo: { targetSeconds: 900, achievedSeconds: 0, met: true },
  waves: [
    {
      name: 'web',
      status: 'SUCCEEDED_WITH_FAILURES',
      startedAt: '2026-01-05T02:01:00Z',
      servers: [server('web-1'), failedServer],
      warnings: [],
      readyAt: '2026-01-05T02:08:00Z',
      rto: { targetSeconds: 1800, achievedSeconds: 480, met: true },
    },
  ],
  cleanup: { skipped: false, instancesLaunched: 1, instancesTerminated: 1, instancesLeft: 0 },
  warnings: [],
  failures: [
    { wave: 'web', sourceServerID: failedServer.sourceServerID, hostname: 'web<2>', what: 'launch', optional: false, error: 'InsufficientInstanceCapacity' },
  ],
};

describe('the HTML report', () => {
  it('draws one bar per server with its phases and the RTO target, and escapes what DRS and plans say', () => {
    const html = renderHtml(report);

    expect(html.match(/<g class="server-bar"/g)).toHaveLength(2);
    expect(html.match(/class="phase phase-/g)).toHaveLength(4);
    expect(html).toContain('class="rto-target"');
    expect(html).toContain('web&lt;2&gt;');
    expect(html).not.toContain('web<2>');
    expect(html).toContain('✗ InsufficientInstanceCapacity');
  });

  it('names the plan version and shows times to the second with their zone, the exact instant on hover', () => {
    const html = renderHtml({ ...report, planVersion: '0123456789ab', startedAt: '2026-01-05T02:00:00.250Z' });

    expect(html).toContain('plan version <code>0123456789ab</code>');
    expect(html).toContain('started <time datetime="2026-01-05T02:00:00.250Z" title="2026-01-05 02:00:00 UTC (2026-01-05T02:00:00.250Z)">2026-01-05 02:00:00 UTC</time>');
    expect(renderMarkdown({ ...report, planVersion: '0123456789ab' })).toContain('- Plan version: `0123456789ab`');
  });

  it('draws a failed required post-launch action red on its server\'s bar and says which action failed; an optional one stays green', () => {
    const actions = { start: '2026-01-05T02:08:00Z', end: '2026-01-05T02:10:00Z', seconds: 120, endedBy: 'poll' as const };
    const failedAction = server('db-1', {
      phases: { ...server('db-1').phases, postLaunchActions: actions },
      postLaunchActions: [{ name: 'verify-database', optional: false, status: 'FAILED', failureReason: 'exit 3' }],
    });
    const optionalFailed = server('db-2', {
      phases: { ...server('db-2').phases, postLaunchActions: actions },
      postLaunchActions: [{ name: 'volumes', optional: true, status: 'FAILED' }],
    });
    const html = renderHtml({ ...report, waves: [{ ...report.waves[0]!, servers: [failedAction, optionalFailed] }] });

    const bar = (id: string) => html.slice(html.indexOf(`data-server="${id}"`), html.indexOf('</g>', html.indexOf(`data-server="${id}"`)));
    expect(bar(failedAction.sourceServerID)).toMatch(/class="phase phase-postLaunchActions"[^>]*fill="#d64545"/);
    expect(bar(failedAction.sourceServerID)).toContain('✗ post-launch action verify-database failed: exit 3');
    expect(bar(optionalFailed.sourceServerID)).toMatch(/class="phase phase-postLaunchActions"[^>]*fill="#3aa86b"/);
  });

  it("draws the drill's clean-up as a band of its own and says how long the run took to its end", () => {
    const cleanedUp = { ...report, cleanup: { ...report.cleanup!, startedAt: '2026-01-05T02:10:00Z', endedAt: '2026-01-05T02:12:30Z' } };

    const html = renderHtml(cleanedUp);

    expect(html).toContain('Drill clean-up · 1 of 1 terminated');
    expect(html).toMatch(/<rect class="cleanup" [^>]*><title>drill clean-up: 2026-01-05 02:10:00 UTC → 2026-01-05 02:12:30 UTC, 0 left<\/title>/);
    expect(html).toContain('took 12m 30s (to the end of its clean-up)');
    expect(renderHtml(report)).toContain('took 8m 00s (to its last server ready)');
  });

  it('draws the pause after a wave in its band, and a drill\'s hold before its clean-up', () => {
    const paused: RunReport = {
      ...report,
      waves: [{ ...report.waves[0]!, pause: { startedAt: '2026-01-05T02:08:00Z', endedAt: '2026-01-05T02:13:00Z' } }],
      cleanup: { ...report.cleanup!, startedAt: '2026-01-05T02:43:00Z', endedAt: '2026-01-05T02:45:00Z', heldSeconds: 1800 },
    };

    const html = renderHtml(paused);

    expect(html).toMatch(/<rect class="pause" [^>]*><title>pause after wave web: 5m 00s<\/title>/);
    expect(html).toMatch(/<rect class="hold" [^>]*><title>drill instances held 30m 00s for manual checks before clean-up<\/title>/);
  });

  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('the Markdown summary', () => {
  it('states the achieved RTO and RPO against the targets and lists the failure in DRS words', () => {
    const markdown = renderMarkdown(report);

    expect(markdown).toContain('Achieved RTO (run start → last server ready): 8m 00s (target 30m 00s) ✅');
    expect(markdown).toContain('Achieved RPO (worst server: run start − data point in time): 0s (target 15m 00s) ✅');
    expect(markdown).toContain('launch: InsufficientInstanceCapacity');
  });

  it('draws the plan as it ran as a Mermaid flowchart: gate, wave, actions in order, each coloured by its outcome', () => {
    const gated: RunReport = {
      ...report,
      waves: [
        { ...report.waves[0]!, name: 'db', status: 'SUCCEEDED', servers: [server('db-1')] },
        {
          ...report.waves[0]!,
          gate: { decision: 'APPROVED', reasons: ['recovery'], approver: 'ops' },
          actions: [
            { name: 'dns-switch', phase: 'after', kind: 'lambda', target: 'dns', status: 'FAILED', onFailure: 'continue', startedAt: '2026-01-05T02:09:00Z', endedAt: '2026-01-05T02:09:30Z', durationSeconds: 30 },
          ],
        },
      ],
    };

    const lines = planDiagram(gated);

    expect(lines).toEqual([
      '```mermaid',
      'flowchart LR',
      '  w0["db<br/>1 server · SUCCEEDED"]',
      '  g1{{"approval: APPROVED"}}',
      '  w0 --> g1',
      '  w1["web<br/>2 servers · SUCCEEDED_WITH_FAILURES · 1 failed"]',
      '  g1 --> w1',
      '  a1a0(["after: dns-switch · FAILED"])',
      '  w1 --> a1a0',
      '  classDef ok fill:#e3f4ea,stroke:#1f8a4c',
      '  class w0,g1 ok',
      '  classDef warn fill:#fdf3dc,stroke:#b7791f',
      '  class w1,a1a0 warn',
      '```',
    ]);
    expect(renderMarkdown(gated)).toContain(['## Plan', '', ...lines].join('\n'));
  });
});

describe('the run metrics', () => {
  it('give RTO and RPO per plan and mode, RTO per wave, and the counts of launches and failures', () => {
    const points = runMetrics(report);
    const value = (name: string) => points.find((point) => point.name === name)?.value;

    expect(value('PlanRtoSeconds')).toBe(480);
    expect(value('RtoTargetMissed')).toBe(0);
    expect(value('WorstRpoSeconds')).toBe(0);
    expect(value('ServersLaunched')).toBe(1);
    expect(value('ServersFailed')).toBe(1);
    expect(value('PostLaunchActionFailures')).toBe(1);
    expect(value('RunSucceeded')).toBe(1);
    expect(points.find((point) => point.name === 'WaveRtoSeconds')).toEqual({ name: 'WaveRtoSeconds', unit: 'Seconds', value: 480, dimensions: { plan: 'shop', mode: 'drill', wave: 'web' } });
    expect(points.filter((point) => point.name !== 'WaveRtoSeconds').every((point) => JSON.stringify(point.dimensions) === '{"plan":"shop","mode":"drill"}')).toBe(true);
  });

  it('leave the RTO out and count a miss when the plan never became ready', () => {
    const points = runMetrics({ ...report, status: 'FAILED', rto: { targetSeconds: 1800, met: false } });

    expect(points.some((point) => point.name === 'PlanRtoSeconds')).toBe(false);
    expect(points.find((point) => point.name === 'RtoTargetMissed')?.value).toBe(1);
  });
});

describe('a multi-account run in the report', () => {
  const multi: RunReport = {
    ...report,
    waves: [
      {
        ...report.waves[0],
        servers: [
          server('db-1', { account: 'recovery', accountId: '111122223333', region: 'us-east-1' }),
          server('web-1', { account: 'target-b', accountId: '222233334444', region: 'us-east-1' }),
        ],
      },
    ],
    failures: [{ wave: report.waves[0].name, sourceServerID: 's-web20000000000000', what: 'extension', optional: false, error: 'The EBS key is not shared' }],
    accounts: [
      { account: 'recovery', accountId: '111122223333', region: 'us-east-1', servers: 1, launched: 1, failed: 0 },
      { account: 'target-b', accountId: '222233334444', region: 'us-east-1', servers: 1, launched: 1, failed: 1 },
    ],
  };

  it('the Markdown has per-account totals, an account column and the extension failure', () => {
    const markdown = renderMarkdown(multi);
    expect(markdown).toContain('| Account | Region | Servers | Launched | Failed |');
    expect(markdown).toContain('| target-b (222233334444) | us-east-1 | 1 | 1 | 1 |');
    expect(markdown).toContain('| Source server | Hostname | Account | Launch | Recovery instance | Post-launch actions |');
    expect(markdown).toMatch(/\| web-1 \| target-b \(222233334444\) \| LAUNCHED \|/);
    expect(markdown).toContain('extension: The EBS key is not shared');
  });

  it('the HTML has an accounts table and names each server\'s account', () => {
    const html = renderHtml(multi);
    expect(html).toContain('<h2>Accounts</h2>');
    expect(html).toContain('· target-b (222233334444)</div>');
    expect(html).toContain('extension — <code>The EBS key is not shared</code>');
  });

  it('a single-account report has neither', () => {
    expect(renderMarkdown(report)).not.toContain('| Account |');
    expect(renderHtml(report)).not.toContain('<h2>Accounts</h2>');
  });
});

describe('the network stacks in the report', () => {
  const withStacks: RunReport = {
    ...report,
    status: 'FAILED',
    networkStacks: [
      { sourceNetworkID: 'sn-0eab2ab7047b27968', stackName: 'payments-vpc-recovery', outcome: 'removed' },
      { sourceNetworkID: 'sn-1111111111111111a', stackName: 'shared-vpc', outcome: 'kept', keptBecause: 'existedBeforeDrill' },
      { sourceNetworkID: 'sn-2222222222222222b', stackName: 'batch-vpc', outcome: 'failed', error: 'DELETE_FAILED after 3 attempts: The following resource(s) failed to delete: [VPC].' },
    ],
  };

  it('says in Markdown and HTML which stacks were removed, which kept and why, and which were not removed, with CloudFormation\'s reason', () => {
    const markdown = renderMarkdown(withStacks);
    const html = renderHtml(withStacks);

    expect(markdown).toContain('| sn-0eab2ab7047b27968 | payments-vpc-recovery | removed (DELETE_COMPLETE) |');
    expect(markdown).toContain('| sn-1111111111111111a | shared-vpc | kept: it existed before the drill (a previous recovery deployed it; the drill only updated it) |');
    expect(markdown).toContain('| sn-2222222222222222b | batch-vpc | NOT removed: DELETE_FAILED after 3 attempts: The following resource(s) failed to delete: [VPC]. |');
    expect(html).toContain('<h2>Network stacks</h2>');
    expect(html).toContain('<tr class="problem"><td class="id">sn-2222222222222222b</td><td>batch-vpc</td><td class="bad">NOT removed: DELETE_FAILED after 3 attempts');
  });
});
