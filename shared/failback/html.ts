// The failback report for people: one self-contained page (inline CSS and SVG, no script, no
// network) as the run report's (shared/report/html.ts): the outcome, per wave and server the path
// back to its origin, each phase on a timeline, re-protection, and what became of the recovery
// instances.
import { badge, escapeHtml, STYLE } from '#shared/report/html.ts';
import { formatSeconds } from '#shared/report/markdown.ts';
import { LOCAL_TIME_SCRIPT, TIME_ZONE_NOTE, timeHtml, timeSvg } from '#shared/report/time.ts';
import { counted } from '#shared/words.ts';
import type { FailbackReport, FailbackServerResult } from './report.ts';

const PHASE_COLORS = ['#8e6fd8', '#3b82c4', '#e8973a', '#3aa86b', '#c4c9d4'];
const CHART = { labelWidth: 190, plotWidth: 860, rowHeight: 24, barHeight: 14, waveHeaderHeight: 26, top: 20, bottom: 30 } as const;

function pathWords(server: FailbackServerResult): string {
  return server.path === 'failback-launch' ? 'on-premises: Failback Client + failback launch' : `EC2: reverse replication to ${server.originRegion ?? '?'}${server.originInstanceID ? ` → ${server.originInstanceID}` : ''}`;
}

/** Every server's phases on one time axis, grouped by wave in failback order. */
function timeline(report: FailbackReport): string {
  const start = Date.parse(report.startedAt);
  const waves = report.waves.filter((wave) => wave.servers.length > 0);
  const names = [...new Set(waves.flatMap((wave) => wave.servers.flatMap((server) => server.phases.map((phase) => phase.name))))];
  const ends = waves.flatMap((wave) => wave.servers.flatMap((server) => server.phases.flatMap((phase) => (phase.endedAt === undefined ? [] : [(Date.parse(phase.endedAt) - start) / 1000]))));
  const total = Math.max(60, ...ends) * 1.03;
  const x = (iso: string) => CHART.labelWidth + (Math.max(0, (Date.parse(iso) - start) / 1000) / total) * CHART.plotWidth;
  const rows = waves.reduce((count, wave) => count + wave.servers.length, 0);
  const height = CHART.top + waves.length * CHART.waveHeaderHeight + rows * CHART.rowHeight + CHART.bottom;
  const width = CHART.labelWidth + CHART.plotWidth + 20;
  const parts: string[] = [];
  let y = CHART.top;
  for (const wave of waves) {
    parts.push(`<rect class="wave-band${wave.status === 'FAILED' ? ' failed' : ''}" x="0" y="${y}" width="${width}" height="${CHART.waveHeaderHeight - 4}" rx="3"/>`);
    parts.push(`<text class="wave-label" x="8" y="${y + 15}">Wave ${escapeHtml(wave.name)} · ${counted(wave.servers.length, 'server')} · ${escapeHtml(wave.status.toLowerCase().replaceAll('_', ' '))}</text>`);
    y += CHART.waveHeaderHeight;
    for (const server of wave.servers) {
      const barY = y + (CHART.rowHeight - CHART.barHeight) / 2;
      const failed = server.status === 'FAILED';
      parts.push(`<g class="server-bar" data-server="${escapeHtml(server.sourceServerID)}" data-wave="${escapeHtml(wave.name)}">`);
      parts.push(`<text class="server-label${failed ? ' failed' : ''}" x="${CHART.labelWidth - 10}" y="${y + CHART.rowHeight / 2 + 4}" text-anchor="end">${escapeHtml(server.hostname ?? server.sourceServerID)}</text>`);
      for (const phase of server.phases) {
        if (phase.startedAt === undefined) continue;
        const left = x(phase.startedAt);
        const right = phase.endedAt === undefined ? left + 2 : x(phase.endedAt);
        const color = PHASE_COLORS[names.indexOf(phase.name) % PHASE_COLORS.length];
        parts.push(
          `<rect class="phase" x="${left.toFixed(1)}" y="${barY}" width="${Math.max(1.5, right - left).toFixed(1)}" height="${CHART.barHeight}" fill="${failed ? '#d64545' : color}"><title>${escapeHtml(`${server.hostname ?? server.sourceServerID} · ${phase.name}: ${formatSeconds(phase.seconds)}`)}</title></rect>`,
        );
      }
      parts.push('</g>');
      y += CHART.rowHeight;
    }
  }
  const legend = names.map((name, index) => `<span><i style="background:${PHASE_COLORS[index % PHASE_COLORS.length]}"></i>${escapeHtml(name)}</span>`).join('');
  return `<div class="legend">${legend}</div><svg class="timeline" viewBox="0 0 ${width} ${height}" role="img" aria-label="Failback timeline">${parts.join('')}<text class="axis-title" x="${CHART.labelWidth}" y="${height - 2}">time since the failback started (${timeSvg(report.startedAt)}) · ${formatSeconds(Math.round(total / 1.03))} shown</text></svg>`;
}

export function renderFailbackHtml(report: FailbackReport): string {
  const ok = report.status === 'SUCCEEDED';
  const servers = report.waves.flatMap((wave) => wave.servers);
  const back = servers.filter((server) => server.status === 'FAILED_BACK').length;
  const reprotected = report.waves.reduce((sum, wave) => sum + (wave.reprotected ?? 0), 0);
  const terminated = report.waves.reduce((sum, wave) => sum + (wave.terminated ?? 0), 0);
  const cards = [
    `<div class="card"><div class="label">Servers failed back</div><div class="value">${back} / ${servers.length}</div><div class="sub">${badge(back === servers.length, 'all', `${servers.length - back} not`)}</div></div>`,
    `<div class="card"><div class="label">Re-protected</div><div class="value">${reprotected}</div><div class="sub">replicating in the original direction again</div></div>`,
    `<div class="card"><div class="label">Recovery instances</div><div class="value">${report.terminateRecoveryInstances ? terminated : servers.length}</div><div class="sub">${report.terminateRecoveryInstances ? 'terminated once failed back' : 'kept: terminate them when no longer needed'}</div></div>`,
    `<div class="card"><div class="label">Waves</div><div class="value">${report.waves.filter((wave) => wave.status === 'FAILED_BACK').length} / ${report.waves.length}</div><div class="sub">failed back, in reverse plan order</div></div>`,
  ].join('');
  const rows = report.waves
    .map(
      (wave) =>
        `<tr class="wave-row"><td colspan="5">Wave ${escapeHtml(wave.name)} — ${escapeHtml(wave.status)}</td></tr>` +
        wave.servers
          .map(
            (server) =>
              `<tr${server.status === 'FAILED' ? ' class="problem"' : ''}><td>${escapeHtml(server.hostname ?? '?')}<div class="id">${escapeHtml(server.sourceServerID)}</div></td><td>${escapeHtml(pathWords(server))}</td><td class="${server.status === 'FAILED' ? 'bad' : server.status === 'FAILED_BACK' ? 'ok' : ''}">${escapeHtml(server.status)}</td><td>${server.phases.map((phase) => `${escapeHtml(phase.name)}: ${formatSeconds(phase.seconds)}`).join('<br>')}</td><td>${escapeHtml(server.reprotection ?? '–')}</td></tr>`,
          )
          .join(''),
    )
    .join('');
  const meta = [
    `execution <code>${escapeHtml(report.execution)}</code>`,
    `fails back recovery <code>${escapeHtml(report.recoveryExecution)}</code>`,
    `started ${timeHtml(report.startedAt)}`,
    report.trigger ? `by ${escapeHtml(report.trigger.source)}` : undefined,
    report.reason ? `reason: ${escapeHtml(report.reason)}` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Failback of plan ${escapeHtml(report.plan)}: ${report.status}</title><style>${STYLE}</style></head>
<body><main>
<h1>Failback of plan ${escapeHtml(report.plan)} <span class="badge ${ok ? 'ok' : 'bad'} status">${report.status}</span></h1>
<p class="meta">${meta}</p>
${report.cause ? `<p class="bad"><strong>${escapeHtml(report.error ?? 'Failure')}</strong>: ${escapeHtml(report.cause)}</p>` : ''}
${report.failbacksStopped > 0 ? `<p class="warn">Stopped ${counted(report.failbacksStopped, 'failback launch', 'failback launches')} this run had started (StopFailback).</p>` : ''}
<div class="cards">${cards}</div>
<h2>Timeline</h2>
<div class="panel">${timeline(report)}</div>
<h2>Servers</h2>
<div class="panel"><table><thead><tr><th>Server</th><th>Path back</th><th>Status</th><th>Phases</th><th>Re-protection</th></tr></thead><tbody>${rows}</tbody></table></div>
<p class="note">Report version ${report.reportVersion} · generated from DRS records after the failback · ${TIME_ZONE_NOTE}</p>
</main>${LOCAL_TIME_SCRIPT}</body></html>
`;
}
