// The report as one self-contained HTML page: inline CSS and SVG, no script, no network. It opens
// from a laptop, an S3 download or an auditor's mail: a timeline (one bar per server, a segment
// per phase, grouped by wave, the RTO target as a line) and the RTO/RPO table.
import { actionSentence, formatSeconds, gateSentence, networkStackOutcome, runSpan } from './markdown.ts';
import type { Phase, ServerPhases } from './measure.ts';
import type { RunReport, ServerResult, WaveResult } from './report.ts';
import { escapeHtml } from './escape.ts';
import { LOCAL_TIME_SCRIPT, TIME_ZONE_NOTE, timeHtml, timeSvg, utcTime } from './time.ts';
import { counted } from '#shared/words.ts';

export { escapeHtml } from './escape.ts';

/** The phases in the order they happen, with the colour and name the legend shows. */
const PHASES: ReadonlyArray<{ key: keyof ServerPhases; label: string; color: string }> = [
  { key: 'queued', label: 'Job starting', color: '#c4c9d4' },
  { key: 'snapshot', label: 'Snapshot', color: '#8e6fd8' },
  { key: 'conversion', label: 'Conversion', color: '#3b82c4' },
  { key: 'launch', label: 'Launch', color: '#e8973a' },
  { key: 'postLaunchActions', label: 'Post-launch actions', color: '#3aa86b' },
];

const FAILED_COLOR = '#d64545';

const CHART = {
  labelWidth: 190,
  plotWidth: 860,
  rowHeight: 24,
  barHeight: 14,
  waveHeaderHeight: 26,
  top: 34,
  bottom: 30,
} as const;

const ms = (iso: string): number => Date.parse(iso);

/** Tick spacing for the time axis: about eight ticks, on a round number of minutes. */
function tickMinutes(totalSeconds: number): number {
  const candidates = [1, 2, 5, 10, 15, 20, 30, 60, 120, 240];
  return candidates.find((minutes) => totalSeconds / (minutes * 60) <= 9) ?? 480;
}

function serverName(server: ServerResult): string {
  return server.hostname ?? server.sourceServerID;
}

function phaseTitle(server: ServerResult, label: string, phase: Phase, note = ''): string {
  return `${serverName(server)} · ${label}: ${formatSeconds(phase.seconds)} (${phase.start} → ${phase.end})${note}`;
}

/** Names as people order them (web-2 before web-10). One collator: localeCompare with options builds one per call, 1 s for 10,000 servers. */
const NATURAL_ORDER = new Intl.Collator('en', { numeric: true });

/** A wave's servers by name, as people look for them (DRS lists them in no particular order). */
function byName(servers: readonly ServerResult[]): ServerResult[] {
  return [...servers].sort((a, b) => NATURAL_ORDER.compare(serverName(a), serverName(b)));
}

/** The SVG timeline: x is time since the run started, one row per server, grouped by wave. */
export function renderTimeline(report: RunReport): string {
  const start = ms(report.startedAt);
  const waves = report.waves.filter((wave) => wave.servers.length > 0).map((wave) => ({ ...wave, servers: byName(wave.servers) }));
  const ends = waves.flatMap((wave) =>
    wave.servers.flatMap((server) => Object.values(server.phases ?? {}).map((phase) => ms((phase as Phase).end))),
  );
  const targetSeconds = report.targets.rtoMinutes * 60;
  const cleanupWindow = report.cleanup?.startedAt === undefined ? undefined : { from: report.cleanup.startedAt, to: report.cleanup.endedAt ?? report.cleanup.startedAt };
  if (cleanupWindow !== undefined) ends.push(ms(cleanupWindow.to));
  const lastSeconds = Math.max(targetSeconds, ...ends.map((end) => (end - start) / 1000), 60);
  const step = tickMinutes(lastSeconds) * 60;
  const axisSeconds = Math.ceil((lastSeconds * 1.03) / step) * step;
  const x = (seconds: number) => CHART.labelWidth + (Math.max(0, seconds) / axisSeconds) * CHART.plotWidth;
  const xAt = (iso: string) => x((ms(iso) - start) / 1000);
  const rows = waves.reduce((count, wave) => count + wave.servers.length, 0);
  // The drill's clean-up: one band of its own below the waves.
  const plotHeight = (waves.length + (cleanupWindow === undefined ? 0 : 1)) * CHART.waveHeaderHeight + rows * CHART.rowHeight;
  const height = CHART.top + plotHeight + CHART.bottom;
  const width = CHART.labelWidth + CHART.plotWidth + 20;
  const parts: string[] = [];

  // Grid and axis labels.
  for (let seconds = 0; seconds <= axisSeconds; seconds += step) {
    const at = x(seconds).toFixed(1);
    parts.push(`<line class="grid" x1="${at}" x2="${at}" y1="${CHART.top - 6}" y2="${CHART.top + plotHeight}"/>`);
    parts.push(`<text class="tick" x="${at}" y="${CHART.top + plotHeight + 16}" text-anchor="middle">${formatSeconds(seconds)}</text>`);
  }
  parts.push(`<text class="axis-title" x="${CHART.labelWidth}" y="${height - 2}">time since the run started (${timeSvg(report.startedAt)})</text>`);

  let y = CHART.top;
  for (const wave of waves) {
    const waveStatus = wave.status === 'FAILED' ? ' failed' : '';
    parts.push(`<rect class="wave-band${waveStatus}" x="0" y="${y}" width="${width}" height="${CHART.waveHeaderHeight - 4}" rx="3"/>`);
    const rto = wave.rto?.achievedSeconds === undefined ? wave.status.toLowerCase().replaceAll('_', ' ') : `ready at ${formatSeconds(wave.rto.achievedSeconds)}`;
    parts.push(`<text class="wave-label" x="8" y="${y + 15}">Wave ${escapeHtml(wave.name)} · ${counted(wave.servers.length, 'server')} · ${escapeHtml(rto)}</text>`);
    // The wave's gate wait and its actions, drawn in its band: time the servers' bars do not show.
    const stepBar = (className: string, from: string, to: string, title: string) => {
      const left = xAt(from);
      parts.push(`<rect class="${className}" x="${left.toFixed(1)}" y="${y + 3}" width="${Math.max(2, xAt(to) - left).toFixed(1)}" height="${CHART.waveHeaderHeight - 10}" rx="2"><title>${escapeHtml(title)}</title></rect>`);
    };
    if (wave.gate?.requestedAt !== undefined && wave.gate.decidedAt !== undefined) stepBar(`gate gate-${wave.gate.decision.toLowerCase()}`, wave.gate.requestedAt, wave.gate.decidedAt, `approval gate: ${gateSentence(wave.gate)}`);
    for (const action of wave.actions ?? []) {
      stepBar(`wave-action${action.status === 'SUCCEEDED' ? '' : ' wave-action-failed'}`, action.startedAt, action.endedAt, `${action.phase} action ${action.name}: ${actionSentence(action)}`);
    }
    if (wave.pause !== undefined) stepBar('pause', wave.pause.startedAt, wave.pause.endedAt, `pause after wave ${wave.name}: ${formatSeconds((ms(wave.pause.endedAt) - ms(wave.pause.startedAt)) / 1000)}`);
    if (wave.readyAt !== undefined) {
      const at = xAt(wave.readyAt).toFixed(1);
      parts.push(`<line class="wave-ready" x1="${at}" x2="${at}" y1="${y + CHART.waveHeaderHeight - 4}" y2="${y + CHART.waveHeaderHeight + wave.servers.length * CHART.rowHeight}"><title>Wave ${escapeHtml(wave.name)} ready: ${wave.readyAt}</title></line>`);
    }
    y += CHART.waveHeaderHeight;
    for (const server of wave.servers) {
      const barY = y + (CHART.rowHeight - CHART.barHeight) / 2;
      const failedAction = server.postLaunchActions.find((action) => action.status === 'FAILED' && !action.optional);
      const failed = server.launchStatus === 'FAILED' || failedAction !== undefined || (server.launchedAt !== undefined && server.readyAt === undefined && wave.status !== 'NOT_STARTED');
      parts.push(
        `<g class="server-bar" data-server="${escapeHtml(server.sourceServerID)}" data-wave="${escapeHtml(wave.name)}">`,
        `<text class="server-label${failed ? ' failed' : ''}" x="${CHART.labelWidth - 10}" y="${y + CHART.rowHeight / 2 + 4}" text-anchor="end">${escapeHtml(serverName(server))}</text>`,
      );
      for (const { key, label, color } of PHASES) {
        const phase = server.phases?.[key];
        if (phase === undefined) continue;
        const left = xAt(phase.start);
        const barWidth = Math.max(1.5, xAt(phase.end) - left);
        const evidence = 'endedBy' in phase ? phase.endedBy : undefined;
        const endedBy = evidence === undefined ? '' : ` — end ${evidence === 'poll' ? 'seen by the workflow poll (upper bound)' : `from ${evidence}`}`;
        // A required post-launch action that failed fails the server: its segment is drawn red too.
        const actionFailed = key === 'postLaunchActions' && server.postLaunchActions.some((action) => action.status === 'FAILED' && !action.optional);
        const fill = evidence === 'LAUNCH_FAILED' || actionFailed ? FAILED_COLOR : color;
        parts.push(
          `<rect class="phase phase-${key}" x="${left.toFixed(1)}" y="${barY}" width="${barWidth.toFixed(1)}" height="${CHART.barHeight}" fill="${fill}"><title>${escapeHtml(phaseTitle(server, label, phase, endedBy))}</title></rect>`,
        );
      }
      if (server.recoveryPoint === 'point-in-time-snapshot' && server.phases?.conversion !== undefined) {
        const at = xAt(server.phases.conversion.start);
        parts.push(`<path class="pit" d="M${at.toFixed(1)} ${barY - 3} l4 -5 h-8 z"><title>${escapeHtml(`${serverName(server)}: point-in-time snapshot of ${server.dataTimestamp ?? '?'}`)}</title></path>`);
      }
      const end = Object.values(server.phases ?? {}).reduce((latest, phase) => Math.max(latest, xAt((phase as Phase).end)), 0);
      if (failed) {
        const why = server.rawError ?? (failedAction === undefined ? 'failed' : `post-launch action ${failedAction.name} failed${failedAction.failureReason ? `: ${failedAction.failureReason}` : ''}`);
        parts.push(`<text class="failed-mark" x="${(end + 5).toFixed(1)}" y="${barY + CHART.barHeight - 2}">✗ ${escapeHtml(why)}</text>`);
      } else if (server.rtoSeconds !== undefined) {
        parts.push(`<text class="ready-mark" x="${(end + 5).toFixed(1)}" y="${barY + CHART.barHeight - 2}">${formatSeconds(server.rtoSeconds)}</text>`);
      }
      parts.push('</g>');
      y += CHART.rowHeight;
    }
  }

  if (cleanupWindow !== undefined && report.cleanup !== null) {
    parts.push(`<rect class="wave-band" x="0" y="${y}" width="${width}" height="${CHART.waveHeaderHeight - 4}" rx="3"/>`);
    parts.push(`<text class="wave-label" x="8" y="${y + 15}">Drill clean-up · ${report.cleanup.instancesTerminated} of ${report.cleanup.instancesLaunched} terminated</text>`);
    const held = report.cleanup.heldSeconds;
    if (held !== undefined) {
      // The hold ends where the clean-up's first TERMINATE job begins.
      const holdLeft = x((ms(cleanupWindow.from) - start) / 1000 - held);
      parts.push(`<rect class="hold" x="${holdLeft.toFixed(1)}" y="${y + 3}" width="${Math.max(2, xAt(cleanupWindow.from) - holdLeft).toFixed(1)}" height="${CHART.waveHeaderHeight - 10}" rx="2"><title>${escapeHtml(`drill instances held ${formatSeconds(held)} for manual checks before clean-up`)}</title></rect>`);
    }
    const left = xAt(cleanupWindow.from);
    parts.push(
      `<rect class="cleanup${report.cleanup.instancesLeft > 0 ? ' cleanup-left' : ''}" x="${left.toFixed(1)}" y="${y + 3}" width="${Math.max(2, xAt(cleanupWindow.to) - left).toFixed(1)}" height="${CHART.waveHeaderHeight - 10}" rx="2"><title>${escapeHtml(`drill clean-up: ${utcTime(cleanupWindow.from)} → ${utcTime(cleanupWindow.to)}, ${report.cleanup.instancesLeft} left`)}</title></rect>`,
    );
    y += CHART.waveHeaderHeight;
  }

  // The target last, on top of the bars.
  const target = x(targetSeconds).toFixed(1);
  parts.push(
    `<line class="rto-target" x1="${target}" x2="${target}" y1="${CHART.top - 14}" y2="${CHART.top + plotHeight}"><title>RTO target ${report.targets.rtoMinutes} min</title></line>`,
    `<text class="rto-target-label" x="${target}" y="${CHART.top - 18}" text-anchor="middle">RTO target ${formatSeconds(targetSeconds)}</text>`,
  );
  if (report.rto?.readyAt !== undefined) {
    const at = xAt(report.rto.readyAt).toFixed(1);
    const anchor = Math.abs(Number(at) - Number(target)) < 120 ? 'end' : 'middle';
    parts.push(
      `<line class="rto-achieved" x1="${at}" x2="${at}" y1="${CHART.top - 14}" y2="${CHART.top + plotHeight}"/>`,
      `<text class="rto-achieved-label" x="${anchor === 'end' ? Number(at) - 4 : at}" y="${CHART.top - 18}" text-anchor="${anchor}">achieved ${formatSeconds(report.rto.achievedSeconds)}</text>`,
    );
  }
  return `<svg class="timeline" role="img" aria-label="Recovery timeline: one bar per server" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

export function badge(ok: boolean, yes: string, no: string): string {
  return `<span class="badge ${ok ? 'ok' : 'bad'}">${ok ? yes : no}</span>`;
}

function phaseCell(phase: Phase | undefined, note = ''): string {
  return phase === undefined ? '<td class="num muted">–</td>' : `<td class="num" title="${escapeHtml(`${phase.start} → ${phase.end}`)}">${formatSeconds(phase.seconds)}${note}</td>`;
}

function serverRows(wave: WaveResult): string {
  return byName(wave.servers)
    .map((server) => {
      const phases = server.phases ?? {};
      const snapshot = phases.snapshot !== undefined ? phaseCell(phases.snapshot) : `<td class="muted">${server.recoveryPoint === 'point-in-time-snapshot' ? 'point in time' : '–'}</td>`;
      const status = server.launchStatus === 'LAUNCHED' || server.launchStatus === 'TERMINATED' ? (server.readyAt !== undefined ? 'ready' : 'not ready') : server.launchStatus.toLowerCase();
      const actions = server.postLaunchActions
        .map((action) => `<span class="action ${action.status === 'SUCCEEDED' ? 'ok' : action.status === 'FAILED' ? (action.optional ? 'warn' : 'bad') : ''}">${escapeHtml(action.name)}${action.optional ? ' (optional)' : ''}: ${escapeHtml(action.status)}${action.failureReason ? ` — ${escapeHtml(action.failureReason)}` : ''}</span>`)
        .join('');
      const rtoTarget = wave.rto?.targetSeconds ?? 0;
      const rto = server.rtoSeconds === undefined ? '<td class="num muted">–</td>' : `<td class="num ${server.rtoSeconds <= rtoTarget ? 'ok' : 'bad'}">${formatSeconds(server.rtoSeconds)}</td>`;
      const rpo = server.rpoSeconds === undefined ? '<td class="num muted">–</td>' : `<td class="num" title="data point in time ${escapeHtml(server.dataTimestamp ?? '')}">${formatSeconds(server.rpoSeconds)}</td>`;
      return `<tr${status === 'ready' ? '' : ' class="problem"'}><td>${escapeHtml(serverName(server))}<div class="id">${escapeHtml(server.sourceServerID)}${server.account === undefined ? '' : ` · ${escapeHtml(server.account)}${server.accountId ? ` (${escapeHtml(server.accountId)})` : ''}`}</div></td><td class="instance">${escapeHtml(server.recoveryInstanceID ?? '–')}</td><td>${escapeHtml(status)}${server.rawError ? `<div class="raw-error">${escapeHtml(server.rawError)}</div>` : ''}</td>${snapshot}${phaseCell(phases.conversion)}${phaseCell(phases.launch)}${phaseCell(phases.postLaunchActions)}${rto}${rpo}<td class="runs">${actions || '<span class="muted">none</span>'}</td></tr>`;
    })
    .join('');
}

export const STYLE = `
:root{--ink:#1d2433;--muted:#6b7385;--line:#e3e6ee;--ok:#1f8a4c;--bad:#c43d3d;--warn:#b7791f}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:#f6f7fa}
main{max-width:1240px;margin:0 auto;padding:28px 24px 48px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:30px 0 10px}
.meta{color:var(--muted);margin:0 0 18px}.meta code{color:var(--ink)}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:22px;font-weight:600;margin:2px 0}.card .sub{color:var(--muted);font-size:12px}
.badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:600;vertical-align:middle}
.badge.ok{background:#e3f4ea;color:var(--ok)}.badge.bad{background:#fbe5e5;color:var(--bad)}
.status{font-size:13px;margin-left:8px}
.panel{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px;overflow-x:auto}
.legend{display:flex;gap:16px;flex-wrap:wrap;margin:0 0 8px;color:var(--muted);font-size:12px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;vertical-align:-2px}
.legend i.line{width:0;height:14px;border-left:2px dashed var(--bad);border-radius:0}
.legend i.line.achieved{border-left:2px solid var(--ink)}
svg.timeline{display:block;width:100%;height:auto;font-size:12px}
svg .grid{stroke:#eef0f5}svg .tick,svg .axis-title{fill:var(--muted);font-size:11px}
svg .wave-band{fill:#f0f2f7}svg .wave-band.failed{fill:#fbecec}svg .wave-label{font-weight:600;fill:var(--ink)}
svg .server-label{fill:var(--ink)}svg .server-label.failed{fill:var(--bad);font-weight:600}
svg .phase{stroke:#fff;stroke-width:.5}svg .ready-mark{fill:var(--muted);font-size:11px}
svg .failed-mark{fill:var(--bad);font-size:11px;font-weight:600}
svg .wave-ready{stroke:#9aa3b5;stroke-dasharray:2 3}
svg .rto-target{stroke:var(--bad);stroke-width:2;stroke-dasharray:6 4}svg .rto-target-label{fill:var(--bad);font-weight:600;font-size:11px}
svg .rto-achieved{stroke:var(--ink);stroke-width:1.5}svg .rto-achieved-label{fill:var(--ink);font-weight:600;font-size:11px}
svg .pit{fill:var(--ink)}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:6px 7px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:12px}td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.wave-row td{background:#f0f2f7;font-weight:600}tr.problem td{background:#fff7f7}
.ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}.muted{color:var(--muted)}
.id{color:var(--muted);font-size:11px;font-family:ui-monospace,monospace;overflow-wrap:anywhere}td.instance{font-family:ui-monospace,monospace;font-size:12px;overflow-wrap:anywhere}td.runs{min-width:150px;overflow-wrap:anywhere}.raw-error{color:var(--bad);font-size:12px;font-family:ui-monospace,monospace;max-width:240px;overflow-wrap:anywhere}
.action{display:block;font-size:12px}
rect.cleanup{fill:#c4c9d4;stroke:#6b7385}rect.pause,rect.hold{fill:#eef0f5;stroke:#9aa3b5;stroke-dasharray:3 2}rect.cleanup-left{fill:#f3c4c4;stroke:var(--bad)}rect.gate{fill:#c9b8f0;stroke:#6c4fc2}rect.gate-rejected,rect.gate-not_approved{fill:#f3c4c4;stroke:var(--bad)}rect.wave-action{fill:#b8dcc9;stroke:#2f7a53}rect.wave-action-failed{fill:#f3c4c4;stroke:var(--bad)}
ul.failures li{margin:4px 0}.note{color:var(--muted);font-size:12px;margin-top:10px}
@media (max-width:1100px){
main{padding:16px 10px 32px}.cards{grid-template-columns:repeat(2,1fr)}
table{font-size:12px}th{white-space:normal}th,td{padding:4px 4px}
td.runs{min-width:0}.raw-error{min-width:0;max-width:none}.id,td.instance{white-space:normal;overflow-wrap:anywhere}
}
@media print{
@page{size:A4 landscape;margin:10mm}
body{background:#fff;font-size:10px}main{max-width:none;padding:0}
.panel{overflow:visible;border:none;padding:0}.cards{grid-template-columns:repeat(4,1fr)}
table{font-size:9px}th{white-space:normal;font-size:9px}th,td{padding:2px 3px}
td.runs{min-width:0}.raw-error{min-width:0;max-width:none}.id,td.instance{white-space:normal;overflow-wrap:anywhere}
tr{break-inside:avoid}h2{break-after:avoid}
}
`;

/** The waves' approval gates and actions: who approved, how long each waited or ran, what failed. */
function gatesAndActionsPanel(report: RunReport): string {
  const rows = report.waves.flatMap((wave) => [
    ...(wave.gate === undefined
      ? []
      : [`<tr${wave.gate.decision === 'APPROVED' ? '' : ' class="problem"'}><td>${escapeHtml(wave.name)}</td><td>approval gate</td><td>${escapeHtml(wave.gate.reasons.join('; '))}</td><td class="${wave.gate.decision === 'APPROVED' ? 'ok' : 'bad'}">${escapeHtml(gateSentence(wave.gate))}</td></tr>`]),
    ...(wave.actions ?? []).map(
      (action) =>
        `<tr${action.status === 'SUCCEEDED' ? '' : ' class="problem"'}><td>${escapeHtml(wave.name)}</td><td>${action.phase} action <strong>${escapeHtml(action.name)}</strong></td><td>${action.kind === 'lambda' ? 'Lambda' : 'SSM Automation'} <code>${escapeHtml(action.target)}</code>${action.automationExecutionId ? ` <span class="id">${escapeHtml(action.automationExecutionId)}</span>` : ''}</td><td class="${action.status === 'SUCCEEDED' ? 'ok' : 'bad'}">${escapeHtml(actionSentence(action))}</td></tr>`,
    ),
  ]);
  if (rows.length === 0) return '';
  return `<h2>Approvals and actions</h2>
<div class="panel"><table><thead><tr><th>Wave</th><th>Step</th><th>What</th><th>Outcome</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>
`;
}

/** The run's network stacks: removed, kept (and why) or left behind. */
function networkStacksPanel(report: RunReport): string {
  const stacks = report.networkStacks ?? [];
  if (stacks.length === 0) return '';
  const rows = stacks
    .map((stack) => `<tr${stack.outcome === 'failed' ? ' class="problem"' : ''}><td class="id">${escapeHtml(stack.sourceNetworkID)}</td><td>${escapeHtml(stack.stackName ?? '–')}</td><td class="${stack.outcome === 'failed' ? 'bad' : stack.outcome === 'removed' ? 'ok' : ''}">${escapeHtml(networkStackOutcome(stack))}</td></tr>`)
    .join('');
  return `<h2>Network stacks</h2>
<div class="panel"><table><thead><tr><th>Source network</th><th>CloudFormation stack</th><th>Outcome</th></tr></thead><tbody>${rows}</tbody></table></div>
`;
}

/** Multi-account runs: each account's servers and how they fared. */
function accountsPanel(report: RunReport): string {
  const accounts = report.accounts ?? [];
  if (accounts.length === 0) return '';
  const rows = accounts
    .map((total) => `<tr><td>${escapeHtml(total.account)}${total.accountId ? ` <span class="id">${escapeHtml(total.accountId)}</span>` : ''}</td><td>${escapeHtml(total.region)}</td><td class="num">${total.servers}</td><td class="num">${total.launched}</td><td class="num ${total.failed > 0 ? 'bad' : ''}">${total.failed}</td></tr>`)
    .join('');
  return `<h2>Accounts</h2>
<div class="panel"><table><thead><tr><th>Account</th><th>Region</th><th class="num">Servers</th><th class="num">Launched</th><th class="num">Failed</th></tr></thead><tbody>${rows}</tbody></table></div>
`;
}

/** The whole page. */
export function renderHtml(report: RunReport): string {
  const subject = `${report.mode === 'drill' ? 'Drill' : 'Recovery'} of plan ${report.plan}`;
  const ok = report.status === 'SUCCEEDED';
  const servers = report.waves.flatMap((wave) => wave.servers);
  const ready = servers.filter((server) => server.readyAt !== undefined).length;
  const launchFailed = servers.filter((server) => server.launchStatus === 'FAILED').length;
  const rto = report.rto;
  const rpo = report.rpo;
  const cards = [
    `<div class="card"><div class="label">Achieved RTO${report.partial ? ' (waves run only)' : ''}</div><div class="value">${formatSeconds(rto?.achievedSeconds)}</div><div class="sub">target ${report.targets.rtoMinutes} min ${badge(rto?.met === true, 'met', rto?.achievedSeconds === undefined ? 'not achieved' : 'missed')}</div></div>`,
    `<div class="card"><div class="label">Achieved RPO (worst server)</div><div class="value">${formatSeconds(rpo?.achievedSeconds)}</div><div class="sub">target ${report.targets.rpoMinutes} min ${badge(rpo?.met === true, 'met', rpo?.achievedSeconds === undefined ? 'unknown' : 'missed')}</div></div>`,
    `<div class="card"><div class="label">Servers ready</div><div class="value">${ready} / ${servers.length}</div><div class="sub">${counted(launchFailed, 'launch', 'launches')} failed</div></div>`,
    report.cleanup === null
      ? `<div class="card"><div class="label">Recovery instances</div><div class="value">${servers.filter((server) => server.recoveryInstanceID).length}</div><div class="sub">kept running (recovery)</div></div>`
      : `<div class="card"><div class="label">Drill clean-up</div><div class="value">${report.cleanup.instancesTerminated} / ${report.cleanup.instancesLaunched}</div><div class="sub">terminated, ${report.cleanup.instancesLeft} left ${badge(report.cleanup.instancesLeft === 0 && report.cleanup.error === undefined && !report.cleanup.skipped, 'clean', report.cleanup.skipped ? 'skipped' : 'left behind')}</div></div>`,
  ].join('');
  const legend = [
    ...PHASES.map((phase) => `<span><i style="background:${phase.color}"></i>${phase.label}</span>`),
    `<span><i style="background:${FAILED_COLOR}"></i>Launch or required post-launch action failed</span>`,
    '<span><i style="background:#eef0f5;border:1px dashed #9aa3b5"></i>Pause, hold</span>',
    '<span><i style="background:#c4c9d4"></i>Drill clean-up</span>',
    '<span><i class="line"></i>RTO target</span>',
    '<span><i class="line achieved"></i>Achieved RTO</span>',
  ].join('');
  const tableRows = report.waves
    .map(
      (wave) =>
        `<tr class="wave-row"><td colspan="7">Wave ${escapeHtml(wave.name)} — ${escapeHtml(wave.status)}</td><td class="num ${wave.rto?.met ? 'ok' : 'bad'}">${formatSeconds(wave.rto?.achievedSeconds)}</td><td colspan="2"></td></tr>${serverRows(wave)}`,
    )
    .join('');
  const failures = (report.failures ?? [])
    .map((failure) => `<li class="${failure.optional ? 'warn' : 'bad'}"><strong>${escapeHtml(failure.hostname ?? failure.sourceServerID)}</strong> (wave ${escapeHtml(failure.wave)}): ${failure.what === 'launch' || failure.what === 'SSM agent' || failure.what === 'extension' ? failure.what : `${failure.optional ? 'optional ' : ''}post-launch action ${escapeHtml(failure.action ?? '')}`} — <code>${escapeHtml(failure.error)}</code></li>`)
    .join('');
  const warnings = report.warnings.map((warning) => `<li class="warn">${escapeHtml(warning)}</li>`).join('');
  const meta = [
    `execution <code>${escapeHtml(report.execution)}</code>`,
    report.planVersion ? `plan version <code>${escapeHtml(report.planVersion)}</code>` : undefined,
    `started ${timeHtml(report.startedAt)}`,
    runSpan(report),
    report.trigger ? `by ${escapeHtml(report.trigger.source)}${report.trigger.id ? ` (${escapeHtml(report.trigger.id)})` : ''}` : undefined,
    report.reason ? `reason: ${escapeHtml(report.reason)}` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(subject)}: ${report.status}</title><style>${STYLE}</style></head>
<body><main>
<h1>${escapeHtml(subject)} <span class="badge ${ok ? 'ok' : 'bad'} status">${report.status}</span></h1>
<p class="meta">${meta}</p>
${report.partial ? `<p class="warn"><strong>Partial run</strong>: waves ${escapeHtml(report.partial.skippedWaves.join(', '))} were not run, so its RTO is not the plan's (the RTO trend leaves it out).</p>` : ''}
${report.cause ? `<p class="bad"><strong>${escapeHtml(report.error ?? 'Failure')}</strong>: ${escapeHtml(report.cause)}</p>` : ''}
<div class="cards">${cards}</div>
${gatesAndActionsPanel(report)}${accountsPanel(report)}<h2>Timeline</h2>
<div class="panel"><div class="legend">${legend}</div>${renderTimeline(report)}
<p class="note">Phase ends from the DRS job log are exact. DRS logs no end of launch and no times for post-launch action runs: those ends are the first of the workflow poll that saw them, the SSM agent discovery and the job's end — upper bounds, late by at most one poll interval (15–120 s).</p></div>
<h2>RTO and RPO per server</h2>
<div class="panel"><table><thead><tr><th>Server</th><th>Recovery instance</th><th>Outcome</th><th class="num">Snapshot</th><th class="num">Conversion</th><th class="num">Launch</th><th class="num">Post-launch actions</th><th class="num">RTO (ready)</th><th class="num">RPO</th><th>Action runs</th></tr></thead>
<tbody>${tableRows}</tbody></table>
<p class="note">RTO: run start → server ready (launched, post-launch actions finished); a wave's and the plan's RTO is their last server's, against the plan's ${formatSeconds(report.targets.rtoMinutes * 60)} target. RPO: run start − the data's point in time (CONVERSION_END dataTimestamp); 0 when the data is newer than the run start (an on-demand snapshot).</p></div>
${networkStacksPanel(report)}${failures || warnings ? `<h2>Failures and warnings</h2><div class="panel"><ul class="failures">${failures}${warnings}</ul></div>` : ''}
<p class="note">Report version ${report.reportVersion} · generated from DRS records after the run · ${TIME_ZONE_NOTE}</p>
</main>${LOCAL_TIME_SCRIPT}</body></html>
`;
}
