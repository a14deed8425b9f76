// The CloudWatch dashboard body: a valid CloudFormation resource whose widgets fit the 24-column
// grid and graph only metrics the handlers emit.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { runMetrics } from '#shared/report/metrics.ts';
import type { RunReport } from '#shared/report/report.ts';

const require = createRequire(import.meta.url);
const dashboard = require('../../deploy/dashboard.cjs') as {
  DrillDashboard: { Type: string; Properties: { DashboardBody: { 'Fn::Sub': string } } };
  dashboardBody(): { widgets: Array<{ type: string; x: number; width: number; properties: { metrics?: Array<Array<{ expression: string }>>; query?: string } }> };
};

describe('the drills dashboard', () => {
  it('is a CloudWatch dashboard whose SEARCH widgets graph metrics the report and the clean-up emit', () => {
    const emitted = new Set([
      ...runMetrics({ plan: 'p', mode: 'drill', status: 'SUCCEEDED', rto: { targetSeconds: 1, achievedSeconds: 1, met: true }, rpo: { targetSeconds: 1, achievedSeconds: 0, met: true }, waves: [{ name: 'w', servers: [], rto: { targetSeconds: 1, achievedSeconds: 1, met: true } }] } as unknown as RunReport).map((point) => point.name),
      'InstancesCleanedUp', // functions/clean-up-drill.ts
      'InstancesLeft',
    ]);
    const body = dashboard.dashboardBody();

    expect(dashboard.DrillDashboard.Type).toBe('AWS::CloudWatch::Dashboard');
    expect(() => JSON.parse(dashboard.DrillDashboard.Properties.DashboardBody['Fn::Sub'])).not.toThrow();
    for (const widget of body.widgets) expect(widget.x + widget.width).toBeLessThanOrEqual(24);
    const graphed = body.widgets.flatMap((widget) => widget.properties.metrics ?? []).map((metric) => /MetricName="(\w+)"/.exec(metric[0].expression)?.[1]);
    expect(graphed.length).toBeGreaterThan(5);
    for (const name of graphed) expect(emitted, String(name)).toContain(name);
    expect(body.widgets.filter((widget) => widget.type === 'log').every((widget) => widget.properties.query?.includes('"report written"'))).toBe(true);
  });
});
