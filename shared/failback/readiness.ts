// Failback readiness: which recovery instances could fail back now, which not, and why. Changes
// nothing in DRS.
import type { DrsPort } from '#shared/drs/port.ts';
import { cell } from '#shared/report/markdown.ts';
import { FAILBACK_STATE_REASONS, waveInstances } from './instances.ts';
import type { RegionalDrs } from '#shared/drs/port.ts';
import type { FailbackRun } from './state.ts';

export interface ReadinessRow {
  wave: string;
  sourceServerID: string;
  hostname?: string;
  recoveryInstanceID: string;
  origin: 'ON_PREMISES' | 'AWS';
  ready: boolean;
  reason: string;
}

export interface ReadinessReport {
  kind: 'failback-readiness';
  plan: string;
  execution: string;
  recoveryExecution: string;
  checkedAt: string;
  ready: number;
  notReady: number;
  servers: ReadinessRow[];
}

/** One row per recovery instance of the recovery, waves in failback order. */
export async function checkReadiness(run: FailbackRun, drs: DrsPort, regional: RegionalDrs): Promise<ReadinessReport> {
  const servers: ReadinessRow[] = [];
  for (const wave of run.waves) {
    for (const entry of await waveInstances(wave.recoveryJobIDs, drs)) {
      const row = { wave: wave.name, sourceServerID: entry.sourceServerID, hostname: entry.sourceServer?.sourceProperties?.identificationHints?.hostname, recoveryInstanceID: entry.recoveryInstanceID, origin: entry.origin };
      if (entry.origin === 'ON_PREMISES') {
        const state = entry.instance.failback?.state ?? 'FAILBACK_NOT_STARTED';
        const ready = state === 'FAILBACK_READY_FOR_LAUNCH';
        servers.push({ ...row, ready, reason: ready ? 'FAILBACK_READY_FOR_LAUNCH: the Failback Client replicates; failback launch can start' : `${state}: ${FAILBACK_STATE_REASONS[state] ?? 'not ready for launch'}` });
        continue;
      }
      const instanceState = entry.instance.ec2InstanceState ?? 'UNKNOWN';
      if (instanceState !== 'RUNNING') {
        servers.push({ ...row, ready: false, reason: `the recovery instance is ${instanceState}: reverse replication needs it RUNNING` });
      } else if (entry.reversed === undefined) {
        const region = entry.sourceServer?.sourceCloudProperties?.originRegion ?? 'its origin Region';
        servers.push({ ...row, ready: true, reason: `EC2 origin (${region}): failback starts reverse replication, then launches there` });
      } else {
        const [reversed] = await regional(entry.reversed.region).listSourceServers({ sourceServerIDs: [entry.reversed.sourceServerID] });
        const replication = reversed?.dataReplicationInfo?.dataReplicationState ?? 'UNKNOWN';
        servers.push({
          ...row,
          ready: true,
          reason: replication === 'CONTINUOUS' ? `reverse replication to ${entry.reversed.region} is CONTINUOUS: launch there can start` : `reverse replication to ${entry.reversed.region} is ${replication}: failback waits for CONTINUOUS`,
        });
      }
    }
  }
  const ready = servers.filter((row) => row.ready).length;
  return { kind: 'failback-readiness', plan: run.plan, execution: run.execution, recoveryExecution: run.recoveryExecution, checkedAt: run.startedAt, ready, notReady: servers.length - ready, servers };
}


export function renderReadinessMarkdown(report: ReadinessReport): string {
  const lines = [
    `# Failback readiness of plan \`${report.plan}\`: ${report.ready} ready, ${report.notReady} not ready`,
    '',
    `- Recovery: \`${report.recoveryExecution}\``,
    `- Checked: ${report.checkedAt} (execution \`${report.execution}\`)`,
    '',
    '| Wave | Source server | Hostname | Origin | Recovery instance | Ready | Why |',
    '|---|---|---|---|---|---|---|',
    ...report.servers.map((row) => `| ${cell(row.wave)} | ${row.sourceServerID} | ${cell(row.hostname ?? '')} | ${row.origin} | ${row.recoveryInstanceID} | ${row.ready ? 'yes' : 'no'} | ${cell(row.reason)} |`),
  ];
  return `${lines.join('\n')}\n`;
}
