// WriteReport: the run's report (JSON, Markdown, HTML) from its state and from DRS; its metrics.
import { drs } from '#shared/aws/drs.ts';
import { publishProgress } from '#shared/aws/events.ts';
import { runDetail } from '#shared/events/progress.ts';
import { logger, metrics } from '#shared/powertools.ts';
import { renderHtml } from '#shared/report/html.ts';
import { renderMarkdown } from '#shared/report/markdown.ts';
import { publishRunMetrics, runMetrics } from '#shared/report/metrics.ts';
import { buildReport } from '#shared/report/report.ts';
import { reportStore } from '#shared/aws/reports.ts';
import { RunState } from '#shared/recovery/state.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(RunState, async (state) => {
  const report = await buildReport(state, drs);
  const json = await reportStore.put(`${report.execution}.json`, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
  const markdown = await reportStore.put(`${report.execution}.md`, renderMarkdown(report), 'text/markdown');
  const html = await reportStore.put(`${report.execution}.html`, renderHtml(report), 'text/html; charset=utf-8');
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
});
