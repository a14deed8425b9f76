// WriteFailbackReport: the failback report (JSON and Markdown) from its state and from DRS.
import { drs, regionalDrs } from '#shared/aws/drs.ts';
import { publishProgress } from '#shared/aws/events.ts';
import { failbackDetail } from '#shared/failback/events.ts';
import { buildFailbackReport, renderFailbackMarkdown } from '#shared/failback/report.ts';
import { FailbackState } from '#shared/failback/state.ts';
import { logger } from '#shared/powertools.ts';
import { reportStore } from '#shared/aws/reports.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(FailbackState, async (state) => {
  const report = await buildFailbackReport(state, drs, regionalDrs);
  const json = await reportStore.put(`${report.execution}.json`, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
  const markdown = await reportStore.put(`${report.execution}.md`, renderFailbackMarkdown(report), 'text/markdown');
  logger.info('failback report written', { status: report.status, json, markdown });
  for (const wave of report.waves.filter((candidate) => candidate.status === 'FAILED')) {
    await publishProgress('Wave Failed', failbackDetail(state.run, { wave: wave.name, servers: wave.servers.length, cause: report.cause }));
  }
  await publishProgress(report.status === 'SUCCEEDED' ? 'Run Succeeded' : 'Run Failed', failbackDetail(state.run, { status: report.status, error: report.error, cause: report.cause, report: json, summary: markdown }));
  return { status: report.status, error: report.error, cause: report.cause, json, markdown };
});
