// The accounts a run recovers in, reached the way AWS lets one account act in another: the home
// account with the function's own role, every other target account through STS AssumeRole of the
// role the stage configuration names (with its external ID, and a session name that carries the
// execution, so CloudTrail in the member account says which run did what). STS_ENDPOINT points
// STS at the local STS service; unset, it is AWS's.
import type { STSClient } from '@aws-sdk/client-sts';
import { AccountsConfig, type Scope, accountOf, HOME_ALIAS, scopeKey } from '#shared/accounts/config.ts';
import { homeRegion } from '#shared/aws/region.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { optionalEnv } from '#shared/config.ts';
import { drsPortFor } from '#shared/aws/drs.ts';
import { fleetPort, type ScopedDrsPort } from '#shared/drs/fleet.ts';
import type { FullDrsPort } from '#shared/drs/port.ts';
import { describeIssues, formatProblems } from '#shared/problems.ts';
import { traced } from '#shared/powertools.ts';

/** The stage configuration's accounts (ACCOUNTS, JSON), checked at cold start: none when unset. */
export const accounts: AccountsConfig = parseAccounts(optionalEnv('ACCOUNTS'));

function parseAccounts(json: string | undefined): AccountsConfig {
  if (json === undefined) return [];
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (error) {
    throw new ConfigurationError(`environment variable ACCOUNTS is not JSON: ${(error as Error).message}`);
  }
  const parsed = AccountsConfig.safeParse(document);
  if (!parsed.success) throw new ConfigurationError(`environment variable ACCOUNTS:\n${formatProblems('accounts', describeIssues(parsed.error.issues))}`);
  return parsed.data;
}

// Loaded on first use: a single-account run never pays for the STS client at cold start.
let sts: Promise<{ client: STSClient; AssumeRoleCommand: typeof import('@aws-sdk/client-sts').AssumeRoleCommand }> | undefined;
function stsClient() {
  sts ??= import('@aws-sdk/client-sts').then(({ STSClient, AssumeRoleCommand }) => ({
    client: traced(new STSClient({ region: homeRegion, endpoint: optionalEnv('STS_ENDPOINT'), retryMode: 'standard', maxAttempts: 3 })),
    AssumeRoleCommand,
  }));
  return sts;
}

/** Refresh assumed credentials this long before they expire (a step must not outlive them). */
const REFRESH_MARGIN_MS = 5 * 60_000;

interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** STS session names are 2-64 of [\w+=,.@-]: the execution name, cut to fit. */
export function sessionNameFor(execution: string): string {
  return `drs-${execution}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

const sessions = new Map<string, Promise<AssumedCredentials>>();

/**
 * The credentials of the account's role for this execution: assumed once and shared by every
 * call of the step (and of later steps in a warm container) until shortly before they expire.
 * AssumeRole's AccessDenied (an untrusted caller, a wrong external ID) is thrown as it is.
 */
export function assumeRoleOf(scope: Scope, execution: string): () => Promise<AssumedCredentials> {
  const account = accountOf(accounts, scope);
  if (account?.roleArn === undefined) throw new ConfigurationError(`account "${scope.account}" has no roleArn in ACCOUNTS`);
  const { roleArn, externalId } = account;
  const sessionName = sessionNameFor(execution);
  const key = `${roleArn}|${sessionName}`;
  return async () => {
    let session = sessions.get(key);
    if (session !== undefined) {
      const current = await session.catch(() => undefined);
      if (current === undefined || current.expiration.getTime() - Date.now() < REFRESH_MARGIN_MS) session = undefined;
    }
    if (session === undefined) {
      session = stsClient()
        .then(({ client, AssumeRoleCommand }) => client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, ExternalId: externalId })))
        .then(({ Credentials: credentials }) => {
          if (credentials?.AccessKeyId === undefined || credentials.SecretAccessKey === undefined || credentials.SessionToken === undefined) {
            throw new Error(`STS AssumeRole of ${roleArn} answered without credentials`);
          }
          return {
            accessKeyId: credentials.AccessKeyId,
            secretAccessKey: credentials.SecretAccessKey,
            sessionToken: credentials.SessionToken,
            expiration: credentials.Expiration ?? new Date(Date.now() + 3_600_000),
          };
        });
      sessions.set(key, session);
    }
    return session;
  };
}

/** DRS of one scope: the home account's own, or the assumed role's. */
export function drsOfScope(scope: Scope, execution: string): FullDrsPort {
  const account = accountOf(accounts, scope);
  if (scope.account === HOME_ALIAS || account?.home === true) return drsPortFor({ region: scope.region });
  if (account?.accountId === undefined) throw new ConfigurationError(`account "${scope.account}" is not in ACCOUNTS`);
  return drsPortFor({ region: scope.region, account: `${account.accountId}/${sessionNameFor(execution)}`, credentials: assumeRoleOf(scope, execution) });
}

/** A warm container keeps the fleets of this many recent runs, with what each has learnt of where its IDs are. */
const FLEETS_KEPT = 20;
const fleets = new Map<string, ScopedDrsPort>();

/**
 * Every scope a multi-account run recovers in, as one DRS (shared/drs/fleet.ts). The same run's
 * next step in a warm container gets the same fleet, which knows the accounts of the IDs it has
 * seen: a quota-held wave's later rounds need not look its servers up again.
 */
export function fleetForRun(run: { execution: string; scopes: readonly Scope[] }): ScopedDrsPort {
  const key = `${run.execution}\n${run.scopes.map(scopeKey).join(',')}`;
  const kept = fleets.get(key);
  if (kept !== undefined) return kept;
  const labels = new Map(run.scopes.map((scope) => [scopeKey(scope), labelOf(scope)]));
  const fleet = fleetPort(new Map(run.scopes.map((scope) => [scopeKey(scope), drsOfScope(scope, run.execution)])), labels);
  fleets.set(key, fleet);
  if (fleets.size > FLEETS_KEPT) fleets.delete(fleets.keys().next().value!);
  return fleet;
}

/** `account target-b (222233334444) in us-east-1 through role arn:…`: how problems name an account. */
export function labelOf(scope: Scope): string {
  const account = accountOf(accounts, scope);
  const id = account?.accountId === undefined ? '' : ` (${account.accountId})`;
  const role = account?.roleArn === undefined ? '' : ` through role ${account.roleArn}${account.externalId === undefined ? '' : ' with its external ID'}`;
  return `account ${scope.account}${id} in ${scope.region}${role}`;
}
