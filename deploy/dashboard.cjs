// The CloudWatch dashboard of the drills: per plan the achieved RTO and worst RPO of the last
// drills, misses against the targets, servers launched and failed, post-launch action failures,
// drill instances cleaned up and left, per-wave RTO, and the latest report of each plan (from
// WriteReport's log line, with the HTML report's S3 location).
// Metrics come from shared/report/metrics.ts (namespace DrsOrchestrator, Powertools adds the
// `service` dimension). SEARCH expressions find every plan by itself: no plan list to maintain.
// serverless.yml loads it as an extra resources document: `resources: [..., ${file(deploy/dashboard.cjs)}]`.
'use strict';

const NAMESPACE = 'DrsOrchestrator';
const SERVICE = 'drs-orchestrator';
/** Drills run weekly: a day's period shows each one as its own point. */
const DAY = 86400;
const RANGE = '-P90D';

/** A graph of one metric for every plan (and wave) the SEARCH finds, in drills or recoveries. */
function searchWidget({ title, metric, stat, dimensions = ['mode', 'plan', 'service'], mode = 'drill', unit = 'Seconds', x, y, width = 12, height = 6, view = 'timeSeries', label }) {
  const search = `SEARCH('{${NAMESPACE},${dimensions.join(',')}} MetricName="${metric}" service="${SERVICE}" mode="${mode}"', '${stat}', ${DAY})`;
  return {
    type: 'metric',
    x,
    y,
    width,
    height,
    properties: {
      title,
      region: '${AWS::Region}',
      view,
      stacked: false,
      start: RANGE,
      period: DAY,
      metrics: [[{ expression: search, id: 'e1', label: label ?? '' }]],
      yAxis: { left: { min: 0, label: unit, showUnits: false } },
      legend: { position: 'bottom' },
    },
  };
}

function dashboardBody() {
  const writeReportLogs = "SOURCE '/aws/lambda/${AWS::StackName}-writeReport'";
  const widgets = [
    {
      type: 'text',
      x: 0,
      y: 0,
      width: 24,
      height: 2,
      properties: {
        markdown:
          '## DRS drills\nAchieved RTO (run start → last server ready) and worst RPO (run start − data point in time) per plan, from each run\'s report. ' +
          'Launch and ready times are upper bounds (DRS logs no launch end): late by at most one poll interval. Reports: the reports bucket, `reports/<execution>.html`.',
      },
    },
    searchWidget({ title: 'Achieved RTO per plan (drills, seconds)', metric: 'PlanRtoSeconds', stat: 'Maximum', x: 0, y: 2 }),
    searchWidget({ title: 'Worst RPO per plan (drills, seconds)', metric: 'WorstRpoSeconds', stat: 'Maximum', x: 12, y: 2 }),
    searchWidget({ title: 'RTO target missed (drills)', metric: 'RtoTargetMissed', stat: 'Sum', unit: 'Count', x: 0, y: 8, width: 8 }),
    searchWidget({ title: 'Drills succeeded (1) or failed (0)', metric: 'RunSucceeded', stat: 'Minimum', unit: 'Count', x: 8, y: 8, width: 8 }),
    searchWidget({ title: 'Servers failed per drill', metric: 'ServersFailed', stat: 'Sum', unit: 'Count', x: 16, y: 8, width: 8 }),
    searchWidget({ title: 'Servers launched per drill', metric: 'ServersLaunched', stat: 'Sum', unit: 'Count', x: 0, y: 14, width: 8 }),
    searchWidget({ title: 'Post-launch action failures per drill', metric: 'PostLaunchActionFailures', stat: 'Sum', unit: 'Count', x: 8, y: 14, width: 8 }),
    searchWidget({ title: 'Drill instances left after clean-up', metric: 'InstancesLeft', stat: 'Maximum', unit: 'Count', x: 16, y: 14, width: 8 }),
    searchWidget({ title: 'Drill instances cleaned up', metric: 'InstancesCleanedUp', stat: 'Sum', unit: 'Count', x: 0, y: 20, width: 8 }),
    searchWidget({ title: 'Achieved RTO per wave (drills, seconds)', metric: 'WaveRtoSeconds', stat: 'Maximum', dimensions: ['mode', 'plan', 'service', 'wave'], x: 8, y: 20, width: 16 }),
    searchWidget({ title: 'Achieved RTO per plan (recoveries, seconds)', metric: 'PlanRtoSeconds', stat: 'Maximum', mode: 'recovery', x: 0, y: 26, width: 24 }),
    {
      type: 'log',
      x: 0,
      y: 32,
      width: 24,
      height: 6,
      properties: {
        title: 'Latest run of each plan',
        region: '${AWS::Region}',
        view: 'table',
        query:
          `${writeReportLogs} | filter message = "report written"` +
          ' | stats latest(@timestamp) as lastRun, latest(mode) as lastMode, latest(status) as lastStatus, latest(rtoSeconds) as rtoSeconds, latest(rtoMet) as rtoMet, latest(rpoSeconds) as rpoSeconds, latest(html) as htmlReport by plan' +
          ' | sort plan asc',
      },
    },
    {
      type: 'log',
      x: 0,
      y: 38,
      width: 24,
      height: 8,
      properties: {
        title: 'Last 25 runs',
        region: '${AWS::Region}',
        view: 'table',
        query:
          `${writeReportLogs} | filter message = "report written"` +
          ' | fields @timestamp, plan, mode, status, rtoSeconds, rtoMet, rpoSeconds, rpoMet, execution, html' +
          ' | sort @timestamp desc | limit 25',
      },
    },
  ];
  return { start: RANGE, periodOverride: 'inherit', widgets };
}

const DrillDashboard = {
  Type: 'AWS::CloudWatch::Dashboard',
  Properties: {
    DashboardName: { 'Fn::Sub': '${AWS::StackName}-drills' },
    // Fn::Sub fills in ${AWS::Region} and ${AWS::StackName}; SEARCH's braces are not ${...}.
    DashboardBody: { 'Fn::Sub': JSON.stringify(dashboardBody()) },
  },
};

module.exports = { Resources: { DrillDashboard }, DrillDashboard, dashboardBody };
