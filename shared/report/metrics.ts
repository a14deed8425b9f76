// The drill evidence as CloudWatch metrics (Powertools Metrics, EMF): what a dashboard and an
// alarm need, per plan and mode, and the RTO per wave. Computed from the report, so the metrics
// and the report never disagree. Namespace DrsOrchestrator; Powertools adds `service`.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RunReport } from './report.ts';

export interface MetricPoint {
  name: string;
  unit: typeof MetricUnit.Seconds | typeof MetricUnit.Count;
  value: number;
  dimensions: Record<string, string>;
}

/**
 * The run's metrics. Dimensions `plan` and `mode`; `WaveRtoSeconds` also `wave`. RTO and RPO
 * are emitted only when achieved (a missing point is no drill that reached readiness), with
 * `RtoTargetMissed`/`RpoTargetMissed` (0 or 1) so an alarm can fire on a miss.
 */
export function runMetrics(report: RunReport): MetricPoint[] {
  const run = { plan: report.plan, mode: report.mode };
  const servers = report.waves.flatMap((wave) => wave.servers);
  const points: MetricPoint[] = [];
  const add = (name: string, unit: MetricPoint['unit'], value: number | undefined, dimensions: Record<string, string> = run) => {
    if (value !== undefined) points.push({ name, unit, value, dimensions });
  };
  add('RunSucceeded', MetricUnit.Count, report.status === 'SUCCEEDED' ? 1 : 0);
  add('PlanRtoSeconds', MetricUnit.Seconds, report.rto.achievedSeconds);
  add('RtoTargetMissed', MetricUnit.Count, report.rto.met ? 0 : 1);
  add('WorstRpoSeconds', MetricUnit.Seconds, report.rpo.achievedSeconds);
  add('RpoTargetMissed', MetricUnit.Count, report.rpo.met ? 0 : 1);
  add('ServersLaunched', MetricUnit.Count, servers.filter((server) => server.launchedAt !== undefined).length);
  add('ServersFailed', MetricUnit.Count, servers.filter((server) => server.launchStatus === 'FAILED' || (server.launchedAt !== undefined && server.readyAt === undefined)).length);
  add('PostLaunchActionFailures', MetricUnit.Count, servers.flatMap((server) => server.postLaunchActions).filter((action) => action.status === 'FAILED').length);
  for (const wave of report.waves) add('WaveRtoSeconds', MetricUnit.Seconds, wave.rto.achievedSeconds, { ...run, wave: wave.name });
  return points;
}

/** What publishing needs of Powertools Metrics (shared/powertools.ts); a test passes a recorder. */
export interface MetricsSink {
  addDimensions(dimensions: Record<string, string>): void;
  addMetric(name: string, unit: MetricPoint['unit'], value: number): void;
  publishStoredMetrics(): void;
}

/** Emits the points: one EMF document per dimension set, so per-wave and per-plan figures stay apart. */
export function publishRunMetrics(metrics: MetricsSink, points: readonly MetricPoint[]): void {
  const groups = new Map<string, MetricPoint[]>();
  for (const point of points) {
    const key = JSON.stringify(point.dimensions);
    groups.set(key, [...(groups.get(key) ?? []), point]);
  }
  for (const group of groups.values()) {
    metrics.addDimensions(group[0].dimensions);
    for (const point of group) metrics.addMetric(point.name, point.unit, point.value);
    metrics.publishStoredMetrics();
  }
}
