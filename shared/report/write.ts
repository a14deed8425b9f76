// WriteReport's work: the run's report, built from its state and from DRS, stored as JSON,
// Markdown and HTML, then announced: the log line the dashboard reads, the run's metrics, and the
// progress events. The DRS port, the store, the events, the metrics and the logger come in as
// parameters, so the whole of it runs in a test without Lambda.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DrsPort } from '#shared/drs/port.ts';
import { runDetail, type ProgressEvents } from '#shared/events/progress.ts';
import type { RunState } from '#shared/recovery/state.ts';
import { renderHtml } from '#shared/report/html.ts';
import { renderMarkdown } from '#shared/report/markdown.ts';
import { publishRunMetrics, runMetrics, type MetricsSink } from '#shared/report/metrics.ts';
import { buildReport, type RunReport } from '#shared/report/report.ts';
import { reportJson, type ReportStore } from '#shared/report/store.ts';

/** Where a written report goes and how it is announced: what every report writer needs. */
export interface ReportOutputs {
  store: ReportStore;
  /** Best effort: a handler passes one that never throws (shared/aws/events.ts). */
  publishProgress: ProgressEvents['publish'];
  logger: Pick<Logger, 'info'>;
}

export interface RunReportDeps extends ReportOutputs {
  drs: DrsPort;
  metrics: MetricsSink;
}

/** WriteReport's output: the run's outcome and where its report files went. */
export type WrittenRunReport = Pick<RunReport, 'status' | 'error' | 'cause'> & { json: string; markdown: string; html: string };

/**
 * Builds the run's report, stores it in three formats (`<execution>.json`, `.md`, `.html`), logs
 * the "report written" line, publishes the run's metrics, a "Wave Failed" event per failed wave
 * and "Run Succeeded" or "Run Failed"; returns the outcome and the three locations.
 */
export async function writeRunReport(state: RunState, { drs, store, publishProgress, metrics, logger }: RunReportDeps): Promise<WrittenRunReport> {
  const report = await buildReport(state, drs);
  const json = await store.put(`${report.execution}.json`, reportJson(report), 'application/json');
  const markdown = await store.put(`${report.execution}.md`, renderMarkdown(report), 'text/markdown');
  const html = await store.put(`${report.execution}.html`, renderHtml(report), 'text/html; charset=utf-8');
  // The dashboard's "latest run of each plan" reads this line (deploy/dashboard.cjs).
  logger.info('report written', {
    plan: report.plan,
    mode: report.mode,
    execution: report.execution,
    status: report.status,
    rtoSeconds: report.rto.achievedSeconds,
    rtoMet: report.rto.met,
    rpoSeconds: report.rpo.achievedSeconds,
    rpoMet: report.rpo.met,
    json,
    markdown,
    html,
  });
  publishRunMetrics(metrics, runMetrics(report));
  for (const wave of report.waves.filter((candidate) => candidate.status === 'FAILED')) {
    const failed = wave.servers.filter((server) => server.launchStatus !== 'LAUNCHED').length;
    await publishProgress('Wave Failed', runDetail(state.run, { wave: wave.name, servers: wave.servers.length, failed, cause: report.cause }));
  }
  await publishProgress(
    report.status === 'SUCCEEDED' ? 'Run Succeeded' : 'Run Failed',
    runDetail(state.run, {
      status: report.status,
      error: report.error,
      cause: report.cause,
      report: json,
      summary: markdown,
      html,
      rtoSeconds: report.rto.achievedSeconds,
      rtoMet: report.rto.met,
      rpoSeconds: report.rpo.achievedSeconds,
      rpoMet: report.rpo.met,
    }),
  );
  return { status: report.status, error: report.error, cause: report.cause, json, markdown, html };
}
