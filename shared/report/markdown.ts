// The report as a Markdown summary: what a person reads first.
import type { Phase } from './measure.ts';
import { utcTime } from './time.ts';
import { counted, plural } from '#shared/words.ts';
import type { ActionResult } from '#shared/recovery/front.ts';
import type { GateResult, NetworkStackResult, RunReport } from './report.ts';

/** Text made safe for a Markdown table cell: no pipe ends it, no newline breaks its row. */
export function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** 1973 → "32m 53s"; short and exact to the second, as the phases are. */
export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined) return '–';
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = Math.round(seconds % 60);
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

/** "32m 53s of 60m ✅", or "not achieved ❌". */
export function againstTarget(result: { achievedSeconds?: number; targetSeconds: number; met: boolean }): string {
  if (result.achievedSeconds === undefined) return `not achieved (target ${formatSeconds(result.targetSeconds)}) ❌`;
  return `${formatSeconds(result.achievedSeconds)} (target ${formatSeconds(result.targetSeconds)}) ${result.met ? '✅' : '❌'}`;
}

const phaseCell = (phase: Phase | undefined): string => (phase === undefined ? '–' : formatSeconds(phase.seconds));

/** Why a network stack stays, in the words of someone reading the report. */
const KEPT_BECAUSE_TEXT: Record<NonNullable<NetworkStackResult['keptBecause']>, string> = {
  recovery: 'a recovery keeps its networks',
  keepAfterDrill: 'the plan keeps it after drills (keepAfterDrill)',
  existedBeforeDrill: 'it existed before the drill (a previous recovery deployed it; the drill only updated it)',
  skipCleanup: 'the drill keeps its instances (skipCleanup), and they are in it',
  instancesLeft: 'drill instances may still be in it (the clean-up did not terminate them all)',
};

/** What became of a network stack, in a sentence (Markdown, HTML and the local summary say it alike). */
export function networkStackOutcome(stack: NetworkStackResult): string {
  switch (stack.outcome) {
    case 'removed':
      return 'removed (DELETE_COMPLETE)';
    case 'kept':
      return `kept: ${stack.keptBecause === undefined ? 'as it was' : KEPT_BECAUSE_TEXT[stack.keptBecause]}`;
    case 'failed':
      return `NOT removed: ${stack.error ?? 'not deleted'}`;
    case 'notFound':
      return 'no stack found (never created, or already deleted)';
  }
}

/** "APPROVED by arn:… after 4m 10s: "primary confirmed down"": a gate in a sentence. */
export function gateSentence(gate: GateResult): string {
  const by = gate.approver === undefined ? '' : ` by ${gate.approver}`;
  const waited = gate.waitedSeconds === undefined ? '' : ` after ${formatSeconds(gate.waitedSeconds)}`;
  const comment = gate.comment === undefined ? '' : `: "${gate.comment}"`;
  switch (gate.decision) {
    case 'APPROVED':
    case 'REJECTED':
      return `${gate.decision}${by}${waited}${comment}`;
    case 'NOT_APPROVED':
      return `NOT APPROVED: no decision within ${formatSeconds(gate.waitedSeconds)}`;
    case 'WAITING':
      return 'still waiting for a decision when the run stopped';
  }
}

/** An action's outcome in a sentence: status, duration, and the failure reason or outputs. */
export function actionSentence(action: ActionResult): string {
  const detail = action.failureReason ?? action.outputs;
  return `${action.status} in ${formatSeconds(action.durationSeconds)}${action.status !== 'SUCCEEDED' ? ` (onFailure: ${action.onFailure})` : ''}${detail ? ` — ${detail}` : ''}`;
}

/** The approval gates and the action steps of the run's waves, as a table. */
function gatesAndActionsMarkdown(report: RunReport): string[] {
  const rows = report.waves.flatMap((wave) => [
    ...(wave.gate === undefined ? [] : [`| ${cell(wave.name)} | approval gate | ${cell(wave.gate.reasons.join('; '))} | ${cell(gateSentence(wave.gate))} |`]),
    ...(wave.actions ?? []).map(
      (action) => `| ${cell(wave.name)} | ${action.phase} action \`${cell(action.name)}\` | ${action.kind === 'lambda' ? 'Lambda' : 'SSM Automation'} ${cell(action.target)}${action.automationExecutionId ? ` (${action.automationExecutionId})` : ''} | ${cell(actionSentence(action))} |`,
    ),
  ]);
  return rows.length === 0 ? [] : ['', '## Approvals and actions', '', '| Wave | Step | What | Outcome |', '|---|---|---|---|', ...rows];
}

/** Text as a Mermaid node label shows it: no quotes or brackets of its own. */
const mermaidText = (text: string) => text.replace(/["[\]{}<>|]/g, ' ');

/**
 * The plan as it ran, as a Mermaid flowchart (GitHub, GitLab and most wikis draw it): each wave
 * with its gate, its actions before and after, its servers and outcome, in order.
 */
export function planDiagram(report: RunReport): string[] {
  const lines = ['```mermaid', 'flowchart LR'];
  const styled: Record<'ok' | 'warn' | 'bad' | 'skipped', string[]> = { ok: [], warn: [], bad: [], skipped: [] };
  let previous: string | undefined;
  const link = (node: string) => {
    if (previous !== undefined) lines.push(`  ${previous} --> ${node}`);
    previous = node;
  };
  report.waves.forEach((wave, index) => {
    if (wave.gate !== undefined) {
      const gate = `g${index}`;
      lines.push(`  ${gate}{{"approval: ${mermaidText(wave.gate.decision)}"}}`);
      styled[wave.gate.decision === 'APPROVED' ? 'ok' : 'bad'].push(gate);
      link(gate);
    }
    for (const phase of ['before', 'after'] as const) {
      const actions = (wave.actions ?? []).filter((action) => action.phase === phase);
      const node = () => {
        const id = `w${index}`;
        const failed = wave.servers.filter((server) => server.launchStatus === 'FAILED' || server.postLaunchActions.some((action) => action.status === 'FAILED' && !action.optional)).length;
        lines.push(`  ${id}["${mermaidText(wave.name)}<br/>${counted(wave.servers.length, 'server')} · ${wave.status}${failed > 0 ? ` · ${failed} failed` : ''}"]`);
        styled[wave.status === 'SUCCEEDED' ? 'ok' : wave.status === 'SUCCEEDED_WITH_FAILURES' ? 'warn' : wave.status === 'NOT_STARTED' ? 'skipped' : 'bad'].push(id);
        link(id);
      };
      if (phase === 'after') node();
      actions.forEach((action, actionIndex) => {
        const id = `a${index}${phase[0]}${actionIndex}`;
        lines.push(`  ${id}(["${phase}: ${mermaidText(action.name)} · ${mermaidText(action.status)}"])`);
        styled[action.status === 'SUCCEEDED' ? 'ok' : action.onFailure === 'continue' ? 'warn' : 'bad'].push(id);
        link(id);
      });
    }
  });
  const classes = { ok: 'fill:#e3f4ea,stroke:#1f8a4c', warn: 'fill:#fdf3dc,stroke:#b7791f', bad: 'fill:#fbe5e5,stroke:#c43d3d', skipped: 'fill:#f0f2f7,stroke:#9aa3b5' };
  for (const [name, nodes] of Object.entries(styled)) {
    if (nodes.length === 0) continue;
    lines.push(`  classDef ${name} ${classes[name as keyof typeof classes]}`, `  class ${nodes.join(',')} ${name}`);
  }
  lines.push('```');
  return lines;
}

/**
 * How long the run took, to its last recorded moment: the drill's clean-up end, else its last
 * server ready. Undefined when neither is known.
 */
export function runSpan(report: RunReport): string | undefined {
  const last = report.cleanup?.endedAt ?? report.rto.readyAt;
  if (last === undefined) return undefined;
  return `took ${formatSeconds(Math.round((Date.parse(last) - Date.parse(report.startedAt)) / 1000))} (to ${report.cleanup?.endedAt !== undefined ? 'the end of its clean-up' : 'its last server ready'})`;
}

export function renderMarkdown(report: RunReport): string {
  const lines: string[] = [];
  const icon = report.status === 'SUCCEEDED' ? '✅' : '❌';
  lines.push(`# ${icon} ${report.mode === 'drill' ? 'Drill' : 'Recovery'} of plan \`${report.plan}\`: ${report.status}`, '');
  lines.push(`- Execution: \`${report.execution}\``, `- Started: ${utcTime(report.startedAt)}`);
  const span = runSpan(report);
  if (span !== undefined) lines.push(`- Took: ${span.replace(/^took /, '')}`);
  if (report.planVersion !== undefined) lines.push(`- Plan version: \`${report.planVersion}\` (the SHA-256 of the plan the run read: equal versions, the same plan)`);
  if (report.trigger !== undefined) lines.push(`- Started by: ${report.trigger.source}${report.trigger.id ? ` (${report.trigger.id})` : ''}`);
  if (report.reason !== undefined) lines.push(`- Reason: ${report.reason}`);
  lines.push(`- Targets: RTO ${report.targets.rtoMinutes} min, RPO ${report.targets.rpoMinutes} min`);
  if (report.rto !== undefined) lines.push(`- Achieved RTO (run start → last server ready): ${againstTarget(report.rto)}`);
  if (report.partial !== undefined) lines.push(`- **Partial run**: waves ${report.partial.skippedWaves.join(', ')} were not run, so this RTO is not the plan's (the RTO trend leaves it out)`);
  if (report.rpo !== undefined) lines.push(`- Achieved RPO (worst server: run start − data point in time): ${report.rpo.achievedSeconds === undefined ? 'unknown (no conversion finished)' : againstTarget(report.rpo)}`);
  if (report.cause !== undefined) lines.push('', `**${report.error ?? 'Failure'}**: ${report.cause}`);
  if (report.sourceNetworks.length > 0) {
    lines.push('', '| Source network | Recovery | Job |', '|---|---|---|');
    for (const network of report.sourceNetworks) lines.push(`| ${network.sourceNetworkID} | ${network.launchStatus} | ${network.jobID} |`);
  }
  lines.push('', '## Plan', '', ...planDiagram(report));
  lines.push('', '| Wave | Status | Servers | Launched | Failed | Post-launch actions failed | RTO (run start → wave ready) |', '|---|---|---|---|---|---|---|');
  for (const wave of report.waves) {
    const launched = wave.servers.filter((server) => server.launchStatus === 'LAUNCHED').length;
    // Failed as the wave's budget counts it: a failed launch, or a failed required post-launch action.
    const failed = wave.servers.filter((server) => server.launchStatus === 'FAILED' || server.postLaunchActions.some((action) => action.status === 'FAILED' && !action.optional)).length;
    const actionsFailed = wave.servers.flatMap((server) => server.postLaunchActions).filter((action) => action.status === 'FAILED').length;
    lines.push(`| ${cell(wave.name)} | ${wave.status} | ${wave.servers.length} | ${launched} | ${failed} | ${actionsFailed} | ${wave.rto === undefined ? '–' : againstTarget(wave.rto)} |`);
  }
  lines.push(...gatesAndActionsMarkdown(report));
  const accounts = report.accounts ?? [];
  if (accounts.length > 0) {
    lines.push('', '| Account | Region | Servers | Launched | Failed |', '|---|---|---|---|---|');
    for (const total of accounts) lines.push(`| ${cell(total.account)}${total.accountId ? ` (${total.accountId})` : ''} | ${total.region} | ${total.servers} | ${total.launched} | ${total.failed} |`);
  }
  const accountColumn = accounts.length > 0;
  for (const wave of report.waves.filter((candidate) => candidate.servers.length > 0)) {
    lines.push(
      '',
      `## Wave \`${wave.name}\``,
      '',
      `| Source server | Hostname |${accountColumn ? ' Account |' : ''} Launch | Recovery instance | Post-launch actions |`,
      `|---|---|${accountColumn ? '---|' : ''}---|---|---|`,
    );
    for (const server of wave.servers) {
      const actions = server.postLaunchActions
        .map((action) => `${action.name}${action.optional ? ' (optional)' : ''}: ${action.status}${action.failureReason ? ` — ${action.failureReason}` : ''}`)
        .join('<br>');
      const launch = server.rawError === undefined ? server.launchStatus : `${server.launchStatus}: ${server.rawError}`;
      const account = accountColumn ? ` ${cell(server.account ?? '')}${server.accountId ? ` (${server.accountId})` : ''} |` : '';
      lines.push(`| ${server.sourceServerID} | ${cell(server.hostname ?? '')} |${account} ${cell(launch)} | ${server.recoveryInstanceID ?? ''} | ${cell(actions)} |`);
    }
    if (wave.servers.some((server) => server.phases !== undefined)) {
      lines.push(
        '',
        '| Hostname | Snapshot | Conversion | Launch | Post-launch actions | Ready (RTO) | Data point in time (RPO) |',
        '|---|---|---|---|---|---|---|',
      );
      for (const server of wave.servers) {
        const phases = server.phases ?? {};
        const snapshot = phases.snapshot !== undefined ? phaseCell(phases.snapshot) : server.recoveryPoint === 'point-in-time-snapshot' ? 'point in time' : '–';
        const rpo = server.dataTimestamp === undefined ? '–' : `${server.dataTimestamp} (${formatSeconds(server.rpoSeconds)})`;
        lines.push(
          `| ${cell(server.hostname ?? server.sourceServerID)} | ${snapshot} | ${phaseCell(phases.conversion)} | ${phaseCell(phases.launch)} | ${phaseCell(phases.postLaunchActions)} | ${formatSeconds(server.rtoSeconds)} | ${rpo} |`,
        );
      }
    }
  }
  if (report.cleanup !== null) {
    const cleanup = report.cleanup;
    lines.push('', '## Drill clean-up', '');
    if (cleanup.skipped) lines.push(`Skipped as the input asked: ${counted(cleanup.instancesLeft, 'instance')} left running; terminate ${plural(cleanup.instancesLeft, 'it', 'them')} yourself.`);
    else lines.push(`Terminated ${cleanup.instancesTerminated} of ${counted(cleanup.instancesLaunched, 'drill instance')}; ${cleanup.instancesLeft} left (counted from DRS).`);
    if (cleanup.error !== undefined) lines.push('', `Clean-up error: ${cleanup.error}`);
  }
  if ((report.networkStacks ?? []).length > 0) {
    lines.push('', '## Network stacks', '', '| Source network | CloudFormation stack | Outcome |', '|---|---|---|');
    for (const stack of report.networkStacks) lines.push(`| ${stack.sourceNetworkID} | ${cell(stack.stackName ?? '–')} | ${cell(networkStackOutcome(stack))} |`);
  }
  if ((report.failures ?? []).length > 0) {
    lines.push('', '## Failures (DRS raw errors)', '');
    for (const failure of report.failures) {
      const what = failure.what === 'launch' || failure.what === 'SSM agent' || failure.what === 'extension' ? failure.what : `${failure.optional ? 'optional ' : ''}post-launch action ${failure.action ?? ''}`;
      lines.push(`- \`${failure.wave}\` ${failure.hostname ?? failure.sourceServerID} (${failure.sourceServerID}): ${what}: ${failure.error}`);
    }
  }
  lines.push(
    '',
    '_Launch ends and post-launch action ends are upper bounds: DRS records no LAUNCH_END and no action run times, so they are the workflow poll that saw them (or the SSM agent discovery, or JOB_END, whichever came first)._',
  );
  if (report.warnings.length > 0) lines.push('', '## Warnings', '', ...report.warnings.map((warning) => `- ${warning}`));
  return `${lines.join('\n')}\n`;
}
