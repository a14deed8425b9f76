// WriteFailbackReport's work: the failback report, built from its state and from DRS (home and
// origin Regions), stored as JSON and Markdown, then announced: a log line and the progress
// events. Its dependencies come in as parameters, so it runs in a test without Lambda.
import type { DrsPort } from '#shared/drs/port.ts';
import type { RegionalDrs } from '#shared/drs/port.ts';
import { failbackDetail } from '#shared/failback/events.ts';
import { buildFailbackReport, renderFailbackMarkdown, type FailbackReport } from '#shared/failback/report.ts';
import type { FailbackState } from '#shared/failback/state.ts';
import { reportJson } from '#shared/report/store.ts';
import type { ReportOutputs } from '#shared/report/write.ts';
import { renderFailbackHtml } from './html.ts';

export interface FailbackReportDeps extends ReportOutputs {
  drs: DrsPort;
  /** DRS in the origin Regions of EC2-origin servers, whose failback jobs run there. */
  regionalDrs: RegionalDrs;
}

/** WriteFailbackReport's output: the failback's outcome and where its report files went. */
export type WrittenFailbackReport = Pick<FailbackReport, 'status' | 'error' | 'cause'> & { json: string; markdown: string; html: string };

/**
 * Builds the failback report, stores it as `<execution>.json`, `.md` and `.html`, logs "failback report
 * written", publishes a "Wave Failed" event per failed wave and "Run Succeeded" or "Run Failed";
 * returns the outcome and the two locations.
 */
export async function writeFailbackReport(state: FailbackState, { drs, regionalDrs, store, publishProgress, logger }: FailbackReportDeps): Promise<WrittenFailbackReport> {
  const report = await buildFailbackReport(state, drs, regionalDrs);
  const json = await store.put(`${report.execution}.json`, reportJson(report), 'application/json');
  const markdown = await store.put(`${report.execution}.md`, renderFailbackMarkdown(report), 'text/markdown');
  const html = await store.put(`${report.execution}.html`, renderFailbackHtml(report), 'text/html; charset=utf-8');
  logger.info('failback report written', { status: report.status, json, markdown, html });
  for (const wave of report.waves.filter((candidate) => candidate.status === 'FAILED')) {
    await publishProgress('Wave Failed', failbackDetail(state.run, { wave: wave.name, servers: wave.servers.length, cause: report.cause }));
  }
  await publishProgress(report.status === 'SUCCEEDED' ? 'Run Succeeded' : 'Run Failed', failbackDetail(state.run, { status: report.status, error: report.error, cause: report.cause, report: json, summary: markdown }));
  return { status: report.status, error: report.error, cause: report.cause, json, markdown, html };
}
