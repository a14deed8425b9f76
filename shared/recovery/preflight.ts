// Preflight: every problem that would stop the run, found before anything is launched.
import { PreflightFailedError } from '#shared/errors.ts';
import { activeJobsSince, isActiveJob } from '#shared/drs/jobs.ts';
import { scopeKey } from '#shared/accounts/scope.ts';
import type { ScopedDrsPort } from '#shared/drs/fleet.ts';
import type { DrsNetworkPort, DrsPort, FullDrsPort, Job, SourceServer, StagingSourceServer } from '#shared/drs/port.ts';
import { describeServer, durationSeconds, hostnameOf } from '#shared/drs/servers.ts';
import type { SnapshotChoice } from '#shared/plan/common.ts';
import type { Plan } from '#shared/plan/schema.ts';
import { resolveWaveSettings, wholeWaveBudgetWarning } from '#shared/plan/settings.ts';
import { counted, plural } from '#shared/words.ts';
import { idOfArn, matchStagingServers, placedSelectors, resolveServers } from './servers.ts';
import type { Preflight, Run } from './state.ts';

/** The snapshot time a wave recovers from, or undefined for an on-demand (latest) snapshot. */
export function snapshotTimeFor(run: Run, choice: SnapshotChoice): { pointInTime: boolean; atOrBefore?: string } {
  if (run.snapshotTime !== undefined) return { pointInTime: true, atOrBefore: run.snapshotTime };
  if (choice === 'latest') return { pointInTime: false };
  if (choice === 'newest-point-in-time') return { pointInTime: true };
  return { pointInTime: true, atOrBefore: choice.atOrBefore };
}

/** Errors that say an account cannot be used at all: no role to assume, no DRS there. */
const ACCESS_ERRORS = new Set(['AccessDenied', 'AccessDeniedException', 'UninitializedAccountException', 'InvalidClientTokenId', 'ExpiredToken', 'UnrecognizedClientException']);

/** What preflight read from one scope (account and Region) of the run. */
interface ScopeListing {
  key: string;
  servers: SourceServer[];
  recentJobs: Job[];
  /** Staging servers the scope may extend and has not yet. */
  staging: StagingSourceServer[];
  /** The account could not be used at all (a problem says why). */
  unreachable?: boolean;
}

/** Where the plan's source networks are read: the DRS RecoverSourceNetworks deploys them with. */
export type SourceNetworkReads = Pick<DrsNetworkPort, 'listSourceNetworks'>;

/**
 * Resolves every wave's servers and checks each one: it exists (in its account, or extensible
 * there from a staging account), belongs to one wave only, replicates (CONTINUOUS) with a lag
 * within the plan's RPO target, is in no active job, and has the snapshot its wave asks for.
 * Every account of the run must be reachable (its role assumable, DRS initialized) and its
 * staging accounts readable. The plan's source networks must exist in `networks` (the home
 * account and Region, where they are recovered before the first wave). Throws
 * PreflightFailedError listing every problem at once (the plan's actions' too: `actionChecks`); warns of what may be meant but deserves a
 * look (a wave whose failure budget lets all its servers fail, other active jobs, ...).
 */
export async function runPreflight(run: Run, plan: Plan, drs: DrsPort, networks: SourceNetworkReads, actionChecks: Promise<string[]> = Promise.resolve([])): Promise<Preflight> {
  const inspection = await inspectPlan(run, plan, drs, networks, actionChecks);
  if (inspection.problems.length > 0) throw new PreflightFailedError(inspection.problems);
  return { serverCount: inspection.serverCount, waves: inspection.waves.map((wave) => ({ name: wave.name, serverCount: wave.servers.length })), warnings: inspection.warnings };
}

/** A server of a wave as preflight found it: where it is, how it replicates, what stands in its way. */
export interface InspectedServer {
  /** The source server's ID; a staging server not yet extended: its ARN in the staging account. */
  id: string;
  hostname?: string;
  /** Multi-account: the account and Region it launches in (as the stage configuration names it). */
  scope?: string;
  /** DRS's dataReplicationState; `STAGING`: a staging account's server, extended before its wave. */
  replication: string;
  /** Replication lag: the data an on-demand snapshot would miss, about the server's RPO. */
  lagSeconds?: number;
  /** Point-in-time recovery: the snapshot it would launch from (none: a problem says so). */
  snapshotAt?: string;
  /** What would fail it or stop the run, if anything (also among the problems). */
  problem?: string;
}

/** Every wave of the run resolved against DRS: its snapshot choice, failure budget and servers. */
export interface PlanInspection {
  serverCount: number;
  waves: Array<{ name: string; snapshot: SnapshotChoice; failureBudget: number; servers: InspectedServer[] }>;
  /** What preflight would refuse the run for: nothing is launched while any is left. */
  problems: string[];
  warnings: string[];
}

/**
 * Preflight's reads and checks, without refusing anything: what the run would recover, wave by
 * wave and server by server, and every problem and warning. Changes nothing in DRS (the dry run,
 * functions/inspect-plan.ts, shows it; runPreflight refuses a run with problems).
 */
export async function inspectPlan(run: Run, plan: Plan, drs: DrsPort, networks: SourceNetworkReads, actionChecks: Promise<string[]> = Promise.resolve([])): Promise<PlanInspection> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const fleet = 'scopes' in drs ? (drs as ScopedDrsPort) : undefined;
  const ports: ReadonlyMap<string, DrsPort | FullDrsPort> = fleet?.scopes ?? new Map([['', drs]]);
  const stagingOf = new Map((run.scopes ?? []).map((scope) => [scopeKey(scope), scope.stagingAccounts ?? []]));
  const [listings, networkFindings, actionProblems] = await Promise.all([
    Promise.all(
      [...ports].map(async ([key, port]): Promise<ScopeListing> => {
        try {
          const [servers, recentJobs, staging] = await Promise.all([
            port.listSourceServers(),
            port.listJobs({ fromDate: activeJobsSince(run.startedAt) }),
            Promise.all((stagingOf.get(key) ?? []).map((account) => listStaging(port as FullDrsPort, account, fleet?.labelOf(key) ?? key, problems))),
          ]);
          return { key, servers, recentJobs, staging: staging.flat() };
        } catch (error) {
          if (!ACCESS_ERRORS.has((error as Error).name)) throw error;
          problems.push(`${fleet?.labelOf(key) ?? 'the account'}: ${accessAdvice(error as Error)}`);
          return { key, servers: [], recentJobs: [], staging: [], unreachable: true };
        }
      }),
    ),
    checkSourceNetworks(plan, networks),
    actionChecks,
  ]);
  const unreachable = new Set(listings.filter((listing) => listing.unreachable === true).map((listing) => listing.key));
  const servers = listings.flatMap((listing) => listing.servers);
  const recentJobs = listings.flatMap((listing) => listing.recentJobs);
  const scopeOfServer = new Map(listings.flatMap((listing) => listing.servers.map((server) => [server.sourceServerID ?? '', listing.key] as const)));
  const byID = new Map(servers.map((server) => [server.sourceServerID ?? '', server]));
  const hostnames = new Map(servers.map((server) => [server.sourceServerID ?? '', hostnameOf(server)]));
  const busy = new Map<string, string>();
  for (const job of recentJobs.filter(isActiveJob)) {
    for (const participant of job.participatingServers ?? []) {
      if (participant.sourceServerID !== undefined) busy.set(participant.sourceServerID, job.jobID ?? '?');
    }
  }

  const waveOf = new Map<string, string>();
  const waves: PlanInspection['waves'] = [];
  const pointInTimeChecks: Array<{ ids: string[]; snapshot: ReturnType<typeof snapshotTimeFor> }> = [];
  let toExtend = 0;
  const extensionErrors: string[] = [];
  run.waves.forEach((waveName, index) => {
    const wave = plan.waves.find((candidate) => candidate.name === waveName);
    if (wave === undefined) throw new Error(`wave "${waveName}" is not in plan "${plan.name}"`);
    const settings = resolveWaveSettings(plan, wave);
    const snapshot = snapshotTimeFor(run, settings.snapshot);
    const inspected: InspectedServer[] = [];
    for (const { selector, scope } of placedSelectors(run, plan, index)) {
      const key = scope ?? '';
      if (unreachable.has(key)) continue;
      const where = scope === undefined ? '' : ` in ${fleet?.labelOf(key) ?? key}`;
      const resolved = resolveServers(selector, scope === undefined ? servers : servers.filter((server) => scopeOfServer.get(server.sourceServerID ?? '') === key));
      const staged = matchStagingServers(selector, listings.find((listing) => listing.key === key)?.staging ?? []);
      const stagedIDs = new Set(staged.map((server) => idOfArn(server.arn)));
      const stagedHosts = new Set(staged.map((server) => server.hostname?.toLowerCase()));
      for (const id of resolved.missingIDs.filter((missing) => !stagedIDs.has(missing))) {
        problems.push(`wave "${wave.name}": source server ${id} does not exist${where}${stagingHint(stagingOf.get(key))} (check the ID in servers.ids)`);
      }
      for (const hostname of resolved.missingHostnames.filter((missing) => !stagedHosts.has(missing.toLowerCase()))) {
        problems.push(`wave "${wave.name}": no source server${where} has hostname ${hostname}${stagingHint(stagingOf.get(key))} (check servers.hostnames)`);
      }
      if (resolved.tagsMatchedNothing && matchStagingServers({ tags: selector.tags }, staged).length === 0) {
        problems.push(`wave "${wave.name}": tag selector ${JSON.stringify(selector.tags)} matches no source server${where}${stagingHint(stagingOf.get(key))} (check the tag keys and values in DRS)`);
      }
      for (const server of staged) {
        const id = server.arn ?? '';
        const other = waveOf.get(id);
        if (other !== undefined && other !== wave.name) {
          problems.push(`staging server ${server.arn} (${server.hostname ?? '?'}) is in wave "${other}" and in wave "${wave.name}": a server belongs to one wave only (narrow the selectors)`);
          continue;
        }
        if (other === undefined) {
          inspected.push({ id, hostname: server.hostname, ...(scope === undefined ? {} : { scope: fleet?.labelOf(key) ?? key }), replication: 'STAGING' });
          toExtend += 1;
        }
        waveOf.set(id, wave.name);
      }
      for (const id of resolved.sourceServerIDs) {
        const name = describeServer(id, hostnames);
        const other = waveOf.get(id);
        if (other !== undefined) {
          if (other !== wave.name) problems.push(`source server ${name} is in wave "${other}" and in wave "${wave.name}": a server belongs to one wave only (narrow the selectors)`);
          continue;
        }
        waveOf.set(id, wave.name);
        const server = byID.get(id) as SourceServer;
        const lag = server.dataReplicationInfo?.lagDuration === undefined ? undefined : durationSeconds(server.dataReplicationInfo.lagDuration);
        const entry: InspectedServer = {
          id,
          hostname: hostnames.get(id),
          ...(scope === undefined ? {} : { scope: fleet?.labelOf(key) ?? key }),
          replication: server.dataReplicationInfo?.dataReplicationState ?? 'UNKNOWN',
          ...(lag === undefined ? {} : { lagSeconds: lag }),
        };
        inspected.push(entry);
        if (server.stagingArea?.status === 'EXTENSION_ERROR') {
          entry.problem = `EXTENSION_ERROR: ${server.stagingArea.errorMessage ?? 'extension from its staging account failed'}`;
          extensionErrors.push(`${name}: ${server.stagingArea.errorMessage ?? 'EXTENSION_ERROR'}`);
          continue;
        }
        const found = checkServer(server, name, plan.targets.rpoMinutes);
        const job = busy.get(id);
        if (job !== undefined) found.push(`source server ${name} is already in active DRS job ${job}: wait for it to finish`);
        if (found.length > 0) entry.problem = found.join('; ');
        problems.push(...found);
      }
      if (snapshot.pointInTime) pointInTimeChecks.push({ ids: resolved.sourceServerIDs, snapshot });
    }
    waves.push({ name: wave.name, snapshot: settings.snapshot, failureBudget: settings.failureBudget, servers: inspected });
    const serverCount = inspected.length;
    const budgetWarning = wholeWaveBudgetWarning(wave.name, serverCount, settings.failureBudget);
    if (budgetWarning !== undefined) warnings.push(budgetWarning);
  });
  const inspectedByID = new Map(waves.flatMap((wave) => wave.servers.map((server) => [server.id, server] as const)));
  const pointInTimeProblems = await Promise.all(
    pointInTimeChecks.flatMap(({ ids, snapshot }) =>
      ids.map(async (id) => {
        const found = await drs.newestSnapshot(id, snapshot.atOrBefore);
        const entry = inspectedByID.get(id);
        if (found !== undefined) {
          if (entry !== undefined && found.timestamp !== undefined) entry.snapshotAt = found.timestamp;
          return undefined;
        }
        const when = snapshot.atOrBefore === undefined ? '' : ` at or before ${snapshot.atOrBefore}`;
        const problem = `source server ${describeServer(id, hostnames)} has no point-in-time snapshot${when}`;
        if (entry !== undefined) entry.problem = entry.problem === undefined ? problem : `${entry.problem}; ${problem}`;
        return problem;
      }),
    ),
  );
  problems.push(...pointInTimeProblems.filter((problem) => problem !== undefined));
  problems.push(...networkFindings.problems, ...actionProblems);
  warnings.push(...networkFindings.warnings);

  if (toExtend > 0) {
    const their = plural(toExtend, 'its', 'their');
    warnings.push(
      `${counted(toExtend, 'server')} ${plural(toExtend, 'replicates in a staging account', 'replicate in staging accounts')} and will be extended into ${their} target account before ${their} wave`,
    );
  }
  if (extensionErrors.length > 0) {
    const their = plural(extensionErrors.length, 'its', 'their');
    warnings.push(
      `${counted(extensionErrors.length, 'server')} could not be extended from ${their} staging account and ${plural(extensionErrors.length, 'counts', 'count')} as failed in ${their} wave: ${extensionErrors.slice(0, 5).join('; ')}`,
    );
  }
  const activeJobs = recentJobs.filter(isActiveJob).length;
  if (activeJobs > 0) warnings.push(`${counted(activeJobs, 'other DRS job')} ${plural(activeJobs, 'is active and shares', 'are active and share')} the account's job quotas`);
  return { serverCount: waveOf.size, waves, problems, warnings };
}

/**
 * The plan's source networks as DRS lists them: one it does not list does not exist here, and
 * StartSourceNetworkRecovery (a call that changes something) would be refused after the run
 * began. A network DRS does not call PROTECTED is a warning, not a problem: the model documents
 * no replication status that rules recovery out, and on the day the source Region is down its
 * networks' replication may well be in ERROR while DRS still holds the configuration it last
 * replicated. A network whose recovery does fail stops the run before any server launches.
 */
async function checkSourceNetworks(plan: Plan, networks: SourceNetworkReads): Promise<{ problems: string[]; warnings: string[] }> {
  const ids = (plan.sourceNetworks ?? []).map((network) => network.id);
  if (ids.length === 0) return { problems: [], warnings: [] };
  let listed;
  try {
    listed = await networks.listSourceNetworks(ids);
  } catch (error) {
    if (!ACCESS_ERRORS.has((error as Error).name)) throw error;
    return { problems: [`source networks ${ids.join(', ')} cannot be checked (${(error as Error).name}: ${(error as Error).message}): DRS must be initialized in the orchestrator's account and Region, and preflight allowed drs:DescribeSourceNetworks`], warnings: [] };
  }
  const byID = new Map(listed.map((network) => [network.sourceNetworkID, network]));
  const problems: string[] = [];
  const warnings: string[] = [];
  ids.forEach((id, index) => {
    const network = byID.get(id);
    if (network === undefined) {
      problems.push(`sourceNetworks[${index}]: source network ${id} does not exist in the orchestrator's account and Region (check the ID in the DRS console's Source networks, in the Region the orchestrator runs in)`);
      return;
    }
    if (network.replicationStatus !== 'PROTECTED') {
      const details = network.replicationStatusDetails === undefined ? '' : `: ${network.replicationStatusDetails}`;
      warnings.push(
        `source network ${id} is not protected (replication ${network.replicationStatus ?? 'status unknown'}${details}): its recovery may deploy an outdated configuration or fail, and a failed network recovery stops the run before any server launches`,
      );
    }
  });
  return { problems, warnings };
}

/** The staging servers a target account may extend from one staging account; a refusal is a problem. */
async function listStaging(port: FullDrsPort, stagingAccount: string, label: string, problems: string[]): Promise<StagingSourceServer[]> {
  try {
    return await port.listExtensibleSourceServers(stagingAccount);
  } catch (error) {
    if (!ACCESS_ERRORS.has((error as Error).name)) throw error;
    problems.push(`${label} cannot extend servers of staging account ${stagingAccount} (${(error as Error).name}: ${(error as Error).message}): check that the staging account's DRS lets the target account extend its servers`);
    return [];
  }
}

function stagingHint(stagingAccounts: readonly string[] | undefined): string {
  return stagingAccounts === undefined || stagingAccounts.length === 0 ? '' : ` nor is extensible from its staging accounts ${stagingAccounts.join(', ')} (extended into another account already?)`;
}

/** What to do about an account the run cannot use. */
function accessAdvice(error: Error): string {
  if (error.name === 'UninitializedAccountException') {
    return `DRS is not initialized there (UninitializedAccountException: ${error.message}): initialize it in the DRS console (or InitializeService) first`;
  }
  return `cannot be reached (${error.name}: ${error.message}): check that the role exists, that its trust policy names the orchestrator's function role, and that the external ID in the stage configuration matches the role's sts:ExternalId condition`;
}

function checkServer(server: SourceServer, name: string, rpoMinutes: number): string[] {
  const replication = server.dataReplicationInfo;
  const state = replication?.dataReplicationState ?? 'UNKNOWN';
  if (state !== 'CONTINUOUS') {
    return [`source server ${name} is not replicating continuously (data replication state ${state}): fix replication first`];
  }
  const lag = replication?.lagDuration === undefined ? 0 : durationSeconds(replication.lagDuration);
  if (lag === undefined) return [`source server ${name} reports a lag DRS did not express as a duration: ${replication?.lagDuration}`];
  if (lag > rpoMinutes * 60) {
    return [`source server ${name} lags ${replication?.lagDuration} behind, beyond the RPO target of ${rpoMinutes} minutes`];
  }
  return [];
}
