// The dry run as an operator reads it: the plan's waves → servers tree as DRS shows them now, with
// what each would achieve and what would stop the run. Shared by `npm run local -- --dry-run` and
// `npm run aws -- plan` (both print what functions/inspect-plan.ts answers).
import { DRS_LIMITS } from '#shared/drs/limits.ts';
import type { InspectedServer, PlanInspection } from '#shared/recovery/preflight.ts';
import { formatDuration } from './live.ts';
import { counted } from '#shared/words.ts';

/** What InspectPlan answers. */
export interface PlanInspected extends PlanInspection {
  plan: string;
  mode: string;
  inspectedAt: string;
  targets: { rtoMinutes: number; rpoMinutes: number };
  skippedWaves?: string[];
}

/** The RTO of the plan's last complete run of this mode, when its reports are at hand. */
export interface LastRun {
  execution: string;
  startedAt: string;
  rtoSeconds?: number;
  status: string;
}

export interface Paint {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

/** The data a server would launch with, as seconds before the inspection: its lag, or its snapshot's age. */
export function expectedRpoSeconds(server: InspectedServer, inspectedAt: string): number | undefined {
  if (server.snapshotAt !== undefined) return Math.max(0, Math.round((Date.parse(inspectedAt) - Date.parse(server.snapshotAt)) / 1000));
  return server.lagSeconds;
}

/** The DRS jobs a wave starts: at most 100 servers a job, per account and Region. */
export function jobsOf(servers: readonly InspectedServer[]): number {
  const perScope = new Map<string, number>();
  for (const server of servers) perScope.set(server.scope ?? '', (perScope.get(server.scope ?? '') ?? 0) + 1);
  return [...perScope.values()].reduce((sum, count) => sum + Math.ceil(count / DRS_LIMITS.serversPerJob), 0);
}

function snapshotWords(snapshot: PlanInspection['waves'][number]['snapshot']): string {
  if (typeof snapshot === 'string') return snapshot === 'latest' ? 'on-demand snapshot (latest data)' : 'newest point-in-time snapshot';
  return `point-in-time snapshot at or before ${snapshot.atOrBefore}`;
}

/** The dry run's lines. */
export function renderPlanView(view: PlanInspected, paint: Paint, lastRun?: LastRun): string[] {
  const servers = view.waves.reduce((sum, wave) => sum + wave.servers.length, 0);
  const lines = [
    `${paint.bold(`Dry run of plan ${view.plan} (${view.mode})`)} · ${counted(view.waves.length, 'wave')}, ${counted(servers, 'server')} · as DRS shows them at ${view.inspectedAt} · nothing launched`,
    `  Targets: RTO ${formatDuration(view.targets.rtoMinutes * 60)}, RPO ${formatDuration(view.targets.rpoMinutes * 60)}`,
  ];
  if (view.skippedWaves !== undefined) lines.push(paint.yellow(`  Partial: waves ${view.skippedWaves.join(', ')} not included`));
  const rpoTarget = view.targets.rpoMinutes * 60;
  for (const wave of view.waves) {
    const jobs = jobsOf(wave.servers);
    const rounds = wave.servers.length > DRS_LIMITS.serversInActiveJobs ? ` (DRS quotas: at most ${DRS_LIMITS.serversInActiveJobs} servers in active jobs, so in rounds)` : '';
    lines.push(`  ${paint.bold(`▶ ${wave.name}`)} · ${counted(wave.servers.length, 'server')} in ${counted(jobs, 'job')}${rounds} · ${snapshotWords(wave.snapshot)} · failure budget ${wave.failureBudget}`);
    const byName = [...wave.servers].sort((a, b) => (a.hostname ?? a.id).localeCompare(b.hostname ?? b.id));
    byName.forEach((server, index) => {
      const branch = index === byName.length - 1 ? '└' : '├';
      const rpo = expectedRpoSeconds(server, view.inspectedAt);
      const rpoText = rpo === undefined ? '' : ` · RPO ≈ ${formatDuration(rpo)}${rpo > rpoTarget ? ' (over target)' : ''}`;
      const lag = server.lagSeconds === undefined ? '' : ` · lag ${formatDuration(server.lagSeconds)}`;
      // The account it launches in (how it is reached is the stage configuration's business).
      const where = server.scope === undefined ? '' : ` · ${server.scope.replace(/ through role .*$/, '')}`;
      const staging = server.id.startsWith('arn:') ? server.id.split(':')[4] : undefined;
      const state = server.replication === 'STAGING' ? `replicating in staging account ${staging ?? '?'}: extended before the wave` : server.replication;
      const mark = server.problem !== undefined ? paint.red('✗') : server.replication === 'STAGING' ? paint.yellow('↗') : paint.green('✓');
      lines.push(`    ${branch} ${mark} ${server.hostname ?? '?'} ${paint.dim(server.id)}${where} · ${state}${lag}${rpoText}${server.problem === undefined ? '' : ` · ${paint.red(server.problem)}`}`);
    });
  }
  if (lastRun !== undefined) {
    lines.push(`  Last ${view.mode}: ${lastRun.rtoSeconds === undefined ? `no RTO (${lastRun.status})` : `RTO ${formatDuration(lastRun.rtoSeconds)}`} · ${lastRun.execution}`);
  }
  for (const warning of view.warnings) lines.push(paint.yellow(`  ⚠ ${warning}`));
  if (view.problems.length > 0) {
    lines.push(paint.red(`  ✗ Not ready: preflight would refuse this run (${counted(view.problems.length, 'problem')}):`));
    for (const problem of view.problems) lines.push(paint.red(`    - ${problem}`));
  } else {
    lines.push(paint.green(`  ✓ Ready: preflight would let this run start`));
  }
  return lines;
}
