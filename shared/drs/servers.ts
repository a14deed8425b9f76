// Source servers as people read them, and DRS's replication figures as numbers.
import type { SourceServer } from './port.ts';

export function hostnameOf(server: SourceServer | undefined): string | undefined {
  return server?.sourceProperties?.identificationHints?.hostname ?? server?.sourceProperties?.identificationHints?.fqdn;
}

/** `s-… (payments-db-1)`: how servers are named in messages people read. */
export function describeServer(sourceServerID: string, hostnames: ReadonlyMap<string, string | undefined>): string {
  const hostname = hostnames.get(sourceServerID);
  return hostname === undefined ? sourceServerID : `${sourceServerID} (${hostname})`;
}

/** Seconds in an ISO-8601 duration such as `PT30S`, `PT1H2M`, `P1DT2H` (DRS's lagDuration). */
export function durationSeconds(duration: string): number | undefined {
  const match = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(duration);
  if (match === null) return undefined;
  const [, days, hours, minutes, seconds] = match.map((part) => (part === undefined ? 0 : Number(part)));
  return days * 86_400 + hours * 3_600 + minutes * 60 + seconds;
}
