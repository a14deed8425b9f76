// When the workflow first saw each server's launch end and each server ready. DRS records neither
// moment (its job log has no LAUNCH_END, its action runs have no timestamps), so the report's
// per-server RTO is built from these.
import type { Job, ParticipatingServer } from '#shared/drs/port.ts';
import { launchOutcome } from '#shared/engine/launch.ts';
import { decodeSightings, encodeSightings } from './sightings-codec.ts';
import type { WaveState } from './state.ts';

/**
 * The order of a wave's servers in its sighting arrays: jobs in `jobIDs` order (a wave held back
 * by quotas appends jobs, so earlier indexes never move), each job's servers sorted by ID (DRS
 * promises no order of participatingServers).
 */
export function sightingOrder(jobs: readonly Job[], jobIDs: readonly string[]): string[] {
  const byID = new Map(jobs.map((job) => [job.jobID ?? '', job]));
  return jobIDs.flatMap((jobID) => (byID.get(jobID)?.participatingServers ?? []).map((server) => server.sourceServerID ?? '?').sort());
}

/**
 * Whether a launched server is ready now: `now`; ready since its launch (it has no post-launch
 * action to wait for): `atLaunch`; not yet: false.
 */
export type Readiness = (server: ParticipatingServer, index: number) => 'now' | 'atLaunch' | false;

/**
 * Records, at this poll, which servers the workflow sees launched (or failed) and ready for the
 * first time. A server waiting for post-launch actions is ready once every run SUCCEEDED or
 * FAILED (a failed required action makes it failed, not ready: the report tells them apart from
 * the runs); one without any is ready from its launch on.
 */
export function recordSightings(wave: WaveState, jobs: readonly Job[], waitedSeconds: number, readiness: Readiness): Pick<WaveState, 'sightings'> {
  const participants = new Map(jobs.flatMap((job) => (job.participatingServers ?? []).map((server) => [server.sourceServerID ?? '?', server] as const)));
  const order = sightingOrder(jobs, wave.jobIDs);
  const before = decodeSightings(wave.sightings);
  const launchSeen = order.map((_id, index) => before.launch[index] ?? null);
  const readySeen = order.map((_id, index) => before.ready[index] ?? null);
  order.forEach((id, index) => {
    const server = participants.get(id);
    if (server === undefined || launchOutcome(server) === 'inFlight') return;
    launchSeen[index] ??= waitedSeconds;
    if (server.launchStatus !== 'LAUNCHED' || readySeen[index] !== null) return;
    const ready = readiness(server, index);
    if (ready !== false) readySeen[index] = ready === 'atLaunch' ? launchSeen[index] : waitedSeconds;
  });
  return { sightings: encodeSightings(launchSeen, readySeen) };
}
