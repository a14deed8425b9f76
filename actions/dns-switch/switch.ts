// The DNS switch: after a wave, point each configured record at the private IPs of the wave's
// recovered servers it names (by tags, hostnames or source server IDs; all by default) with one
// ChangeResourceRecordSets of UPSERTs, then poll GetChange until Route 53 says INSYNC. UPSERT
// makes a second run with the same input harmless: it writes the same values again.
import { ChangeResourceRecordSetsCommand, GetChangeCommand, type Route53Client } from '@aws-sdk/client-route-53';
import { z } from 'zod';
import type { ActionInput, ActionServer } from '#shared/actions/input.ts';

/** Every failure of the DNS switch: bad parameters, a record without an IP, Route 53 refusing or not syncing in time. */
export class DnsSwitchError extends Error {
  override name = 'DnsSwitchError';
}

/** How long between two GetChange calls while waiting for INSYNC, unless the function's POLL_INTERVAL_SECONDS says otherwise. */
export const POLL_INTERVAL_MS = 2_000;

/**
 * The poll interval a function's environment sets: POLL_INTERVAL_SECONDS, a number of seconds from
 * 0.05 to 60 (Route 53 answers at most 5 GetChange requests a second per account: keep it at 0.2 s
 * or more where several switches may run at once); 2 s when it is absent.
 */
export function pollIntervalMsFrom(environment: Record<string, string | undefined>): number {
  const text = environment.POLL_INTERVAL_SECONDS;
  if (text === undefined || text === '') return POLL_INTERVAL_MS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0.05 || seconds > 60) {
    throw new DnsSwitchError(`POLL_INTERVAL_SECONDS is "${text}": set it to a number of seconds from 0.05 to 60 in the function's environment, or remove it for 2 s`);
  }
  return Math.round(seconds * 1000);
}

const DNS_NAME = /^(\*\.)?([a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?\.)*[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?\.?$/;

/** Which of the wave's servers a record points at: exactly one way of naming them; absent = all of the wave's servers. */
const ServerSelection = z
  .strictObject({
    tags: z.record(z.string(), z.string()).optional(),
    hostnames: z.array(z.string().min(1)).min(1).optional(),
    sourceServerIds: z.array(z.string().regex(/^s-[0-9a-zA-Z]+$/, 'a source server ID looks like s-1234567890abcdef0')).min(1).optional(),
  })
  .refine((selection) => [selection.tags, selection.hostnames, selection.sourceServerIds].filter((way) => way !== undefined).length === 1, {
    message: 'name the servers one way: tags: {Key: value}, hostnames: [...] or sourceServerIds: [...] (leave servers out for all of the wave\'s servers)',
  });

/** The action's `parameters:` in the plan. */
export const DnsSwitchParameters = z.strictObject({
  hostedZoneId: z
    .string({ error: 'hostedZoneId is required: the ID of the hosted zone holding the records (e.g. Z0123456789ABCDEFGHIJ)' })
    .transform((id) => id.replace(/^\/hostedzone\//, ''))
    .pipe(z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'a hosted zone ID is Z followed by upper-case letters and digits (e.g. Z0123456789ABCDEFGHIJ)')),
  ttl: z.number().int().min(0).max(2147483647).default(60),
  records: z
    .array(
      z.strictObject({
        name: z.string().max(1024).regex(DNS_NAME, 'a record name is a DNS name such as web.payments.internal.').transform((name) => (name.endsWith('.') ? name : `${name}.`).toLowerCase()),
        servers: ServerSelection.optional(),
      }),
      { error: 'records is required: a list of { name, servers? }' },
    )
    .min(1, 'records needs at least one record to switch')
    .refine((records) => new Set(records.map((record) => record.name)).size === records.length, { message: 'each record name may appear once (one record points at all of its servers)' }),
  waitForInsync: z.boolean().default(true),
  timeoutSeconds: z.number().positive().max(900, 'a Lambda function runs at most 900 seconds').default(120),
});
export type DnsSwitchParameters = z.output<typeof DnsSwitchParameters>;

/** Validates the action's parameters; the error names each wrong field and how to fix it. */
export function parseDnsSwitchParameters(parameters: unknown): DnsSwitchParameters {
  const parsed = DnsSwitchParameters.safeParse(parameters);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `${['parameters', ...issue.path].join('.')}: ${issue.message}`);
  throw new DnsSwitchError(`invalid DNS switch parameters:\n- ${lines.join('\n- ')}`);
}

export interface SwitchedRecord {
  name: string;
  /** The A record's values: the selected servers' private IPs, sorted. */
  values: string[];
}

export interface SkippedServer {
  record: string;
  sourceServerId: string;
  hostname?: string;
  reason: string;
}

export interface DnsSwitchResult {
  /** `/change/C…`, as Route 53 names the change. */
  changeId: string;
  /** INSYNC once waited for; PENDING when `waitForInsync` is false. */
  status: 'INSYNC' | 'PENDING';
  records: SwitchedRecord[];
  /** Selected servers without a private IP (not launched, or launched without one). */
  skipped: SkippedServer[];
}

/** Time as the switch waits in it: the real one in Lambda, a simulated one in tests. */
export interface Waiting {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  /** Between two GetChange calls (default POLL_INTERVAL_MS). */
  pollIntervalMs?: number;
}

export const realWaiting: Waiting = {
  nowMs: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

type Selection = NonNullable<DnsSwitchParameters['records'][number]['servers']>;

function selects(selection: Selection | undefined, server: ActionServer): boolean {
  if (!selection) return true;
  if (selection.tags) return Object.entries(selection.tags).every(([key, value]) => server.tags[key] === value);
  if (selection.hostnames) return server.hostname !== undefined && selection.hostnames.some((hostname) => hostname.toLowerCase() === server.hostname!.toLowerCase());
  return selection.sourceServerIds!.includes(server.sourceServerId);
}

const describeSelection = (selection: Selection | undefined) => (selection ? JSON.stringify(selection) : "all of the wave's servers");

/** What each record points at: its servers' private IPs, and the selected servers without one. */
export function recordsFor(input: ActionInput, parameters: DnsSwitchParameters): { records: SwitchedRecord[]; skipped: SkippedServer[] } {
  const skipped: SkippedServer[] = [];
  const records = parameters.records.map((record) => {
    const servers = input.servers.filter((server) => selects(record.servers, server));
    const ips = new Set<string>();
    for (const server of servers) {
      if (server.privateIp) ips.add(server.privateIp);
      else skipped.push({ record: record.name, sourceServerId: server.sourceServerId, ...(server.hostname === undefined ? {} : { hostname: server.hostname }), reason: 'no private IP (not launched yet?)' });
    }
    if (ips.size === 0) {
      const why = servers.length === 0
        ? `no server of wave ${input.wave} matches ${describeSelection(record.servers)}`
        : `${servers.length === 1 ? 'the one matching server' : `none of the ${servers.length} matching servers`} of wave ${input.wave} has ${servers.length === 1 ? 'no' : 'a'} private IP${input.phase === 'before' ? " (the action runs before the wave: run it with phase 'after')" : ''}`;
      throw new DnsSwitchError(`record ${record.name}: ${why}; nothing to point it at`);
    }
    return { name: record.name, values: [...ips].sort(compareIps) };
  });
  return { records, skipped };
}

/** IPv4 addresses in numeric order (10.0.1.9 before 10.0.1.10); anything else after, by text. */
function compareIps(a: string, b: string): number {
  const key = (ip: string) => ip.split('.').map((part) => part.padStart(3, '0')).join('.');
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/** An SDK error said in the switch's words, keeping the original as the cause. */
function route53Failure(what: string, error: unknown): DnsSwitchError {
  const name = (error as Error)?.name ?? 'Error';
  const message = (error as Error)?.message ?? String(error);
  return new DnsSwitchError(`${what}: ${name}: ${message}`, { cause: error });
}

/**
 * Switches the records: one ChangeResourceRecordSets of UPSERTs (A records, values sorted) in the
 * hosted zone, then, unless `waitForInsync` is false, GetChange every 2 s (`waiting.pollIntervalMs`) until INSYNC or
 * `timeoutSeconds` have passed (a DnsSwitchError then: the change stays applied and syncs later).
 */
export async function switchDns(input: ActionInput, parameters: DnsSwitchParameters, route53: Pick<Route53Client, 'send'>, waiting: Waiting = realWaiting): Promise<DnsSwitchResult> {
  const { records, skipped } = recordsFor(input, parameters);
  let submitted;
  try {
    submitted = await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: parameters.hostedZoneId,
        ChangeBatch: {
          Comment: `DRS orchestrator ${input.mode} of plan ${input.plan}, wave ${input.wave}, action ${input.action} (${input.idempotencyKey})`.slice(0, 256),
          Changes: records.map((record) => ({
            Action: 'UPSERT' as const,
            ResourceRecordSet: { Name: record.name, Type: 'A' as const, TTL: parameters.ttl, ResourceRecords: record.values.map((Value) => ({ Value })) },
          })),
        },
      }),
    );
  } catch (error) {
    throw route53Failure(`could not change the records ${records.map((record) => record.name).join(', ')} in hosted zone ${parameters.hostedZoneId}`, error);
  }
  const changeId = submitted.ChangeInfo?.Id;
  if (!changeId) throw new DnsSwitchError('Route 53 answered ChangeResourceRecordSets without a change ID');
  let status = submitted.ChangeInfo?.Status;
  if (!parameters.waitForInsync) return { changeId, status: status === 'INSYNC' ? 'INSYNC' : 'PENDING', records, skipped };

  const deadline = waiting.nowMs() + parameters.timeoutSeconds * 1000;
  while (status !== 'INSYNC') {
    const left = deadline - waiting.nowMs();
    if (left <= 0) {
      throw new DnsSwitchError(`change ${changeId} to ${records.map((record) => record.name).join(', ')} was not INSYNC after ${parameters.timeoutSeconds} s (still ${status}); the records are changed and will sync: raise timeoutSeconds to wait longer`);
    }
    await waiting.sleep(Math.min(waiting.pollIntervalMs ?? POLL_INTERVAL_MS, left));
    try {
      status = (await route53.send(new GetChangeCommand({ Id: changeId }))).ChangeInfo?.Status;
    } catch (error) {
      throw route53Failure(`could not read the status of change ${changeId}`, error);
    }
  }
  return { changeId, status: 'INSYNC', records, skipped };
}
