// The failure budget and the timeout, judged the same way in every loop, with the failed servers
// named as people read them.
import { describeServer, hostnameOf } from '#shared/drs/servers.ts';
import type { DrsPort } from '#shared/drs/port.ts';
import { listForPeople, MAX_LISTED_PROBLEMS, type ServerProblem } from './state.ts';

/** Failures first by server, each server once (a launch failure before an action failure). */
export function oncePerServer(problems: readonly ServerProblem[]): ServerProblem[] {
  const byServer = new Map<string, ServerProblem>();
  for (const problem of problems) if (!byServer.has(problem.sourceServerID)) byServer.set(problem.sourceServerID, problem);
  return [...byServer.values()];
}

/** `s-… (host): reason; …`, hostnames from one DescribeSourceServers (only when failing). */
export async function describeProblems(problems: readonly ServerProblem[], drs: Pick<DrsPort, 'listSourceServers'>): Promise<string> {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  const servers = await drs.listSourceServers({ sourceServerIDs: listed.map((problem) => problem.sourceServerID) });
  const hostnames = new Map(servers.map((server) => [server.sourceServerID ?? '', hostnameOf(server)]));
  return listForPeople(listed.map((problem) => `${describeServer(problem.sourceServerID, hostnames)}: ${problem.reason}`), problems.length);
}

/** A loop that ran out of time: its waiting reached its timeout. */
export function isPastTimeout(poll: { waitedSeconds: number }, timeoutSeconds: number): boolean {
  return poll.waitedSeconds >= timeoutSeconds;
}

/** `after 12 minutes (timeout 10)`: how timeouts are told. */
export function timeoutPhrase(waitedSeconds: number, timeoutSeconds: number): string {
  return `after ${Math.round(waitedSeconds / 60)} minutes (timeout ${timeoutSeconds / 60})`;
}
