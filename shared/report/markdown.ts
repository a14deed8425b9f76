// The report as a Markdown summary: what a person reads first.
import type { RunReport } from './report.ts';

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function renderMarkdown(report: RunReport): string {
  const lines: string[] = [];
  const icon = report.status === 'SUCCEEDED' ? '✅' : '❌';
  lines.push(`# ${icon} ${report.mode === 'drill' ? 'Drill' : 'Recovery'} of plan \`${report.plan}\`: ${report.status}`, '');
  lines.push(`- Execution: \`${report.execution}\``, `- Started: ${report.startedAt}`);
  if (report.trigger !== undefined) lines.push(`- Started by: ${report.trigger.source}${report.trigger.id ? ` (${report.trigger.id})` : ''}`);
  if (report.reason !== undefined) lines.push(`- Reason: ${report.reason}`);
  lines.push(`- Targets: RTO ${report.targets.rtoMinutes} min, RPO ${report.targets.rpoMinutes} min`);
  if (report.cause !== undefined) lines.push('', `**${report.error ?? 'Failure'}**: ${report.cause}`);
  lines.push('', '| Wave | Status | Servers | Launched | Failed | Post-launch actions failed |', '|---|---|---|---|---|---|');
  for (const wave of report.waves) {
    const launched = wave.servers.filter((server) => server.launchStatus === 'LAUNCHED').length;
    const failed = wave.servers.filter((server) => server.launchStatus === 'FAILED').length;
    const actionsFailed = wave.servers.flatMap((server) => server.postLaunchActions).filter((action) => action.status === 'FAILED').length;
    lines.push(`| ${cell(wave.name)} | ${wave.status} | ${wave.servers.length} | ${launched} | ${failed} | ${actionsFailed} |`);
  }
  for (const wave of report.waves.filter((candidate) => candidate.servers.length > 0)) {
    lines.push('', `## Wave \`${wave.name}\``, '', '| Source server | Hostname | Launch | Recovery instance | Post-launch actions |', '|---|---|---|---|---|');
    for (const server of wave.servers) {
      const actions = server.postLaunchActions
        .map((action) => `${action.name}${action.optional ? ' (optional)' : ''}: ${action.status}${action.failureReason ? ` — ${action.failureReason}` : ''}`)
        .join('<br>');
      const launch = server.rawError === undefined ? server.launchStatus : `${server.launchStatus}: ${server.rawError}`;
      lines.push(`| ${server.sourceServerID} | ${cell(server.hostname ?? '')} | ${cell(launch)} | ${server.recoveryInstanceID ?? ''} | ${cell(actions)} |`);
    }
  }
  if (report.cleanup !== null) {
    const cleanup = report.cleanup;
    lines.push('', '## Drill clean-up', '');
    if (cleanup.skipped) lines.push(`Skipped as the input asked: ${cleanup.instancesLeft} instance(s) left running; terminate them yourself.`);
    else lines.push(`Terminated ${cleanup.instancesTerminated} of ${cleanup.instancesLaunched} drill instance(s); ${cleanup.instancesLeft} left (counted from DRS).`);
    if (cleanup.error !== undefined) lines.push('', `Clean-up error: ${cleanup.error}`);
  }
  if (report.warnings.length > 0) lines.push('', '## Warnings', '', ...report.warnings.map((warning) => `- ${warning}`));
  return `${lines.join('\n')}\n`;
}
