// ValidateInput: the execution input and its plan, checked before anything changes in DRS.
import { type AccountsConfig, accountOf, resolveScope, type Scope, scopeKey, stagingAccountIDsOf } from '#shared/accounts/config.ts';
import { InvalidInputError, InvalidPlanError } from '#shared/errors.ts';
import { describeIssues, formatProblems } from '#shared/problems.ts';
import { ExecutionInput } from '#shared/plan/input.ts';
import { type Plan, selectorsOf } from '#shared/plan/schema.ts';
import type { Run } from './state.ts';

/** Parses the raw execution input; the error names every wrong field and how to fix it. */
export function parseExecutionInput(raw: unknown): ExecutionInput {
  const parsed = ExecutionInput.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidInputError(`invalid execution input:\n${formatProblems('input', describeIssues(parsed.error.issues))}`);
  }
  return parsed.data;
}

/** Where the run recovers, given the stage configuration's accounts and the home Region. */
export interface Deployment {
  accounts: AccountsConfig;
  homeRegion: string;
}

/**
 * The run: the input applied to its plan (waves picked, drill options checked, accounts placed).
 * Without a deployment (a local check before any service is up) the accounts are not placed.
 */
export function prepareRun(input: ExecutionInput, plan: Plan, execution: string, startedAt: string, deployment?: Deployment): Run {
  // One input schema serves both workflows; a failback started here would recover instead.
  if (input.mode === 'failback') {
    throw new InvalidInputError('invalid execution input: mode "failback" runs on the failback state machine, not on the recovery one; start it there');
  }
  const planWaves = plan.waves.map((wave) => wave.name);
  const unknown = (input.waves ?? []).filter((name) => !planWaves.includes(name));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `invalid execution input: waves: ${unknown.map((name) => `"${name}"`).join(', ')} not in plan "${plan.name}"; its waves are ${planWaves.map((name) => `"${name}"`).join(', ')}`,
    );
  }
  const isDrill = input.mode === 'drill';
  if (!isDrill && (input.skipCleanup !== undefined || input.holdMinutes !== undefined)) {
    throw new InvalidInputError('invalid execution input: skipCleanup and holdMinutes apply to drills only (a recovery keeps its instances); remove them or use "mode": "drill"');
  }
  const waves = input.waves === undefined ? planWaves : planWaves.filter((name) => input.waves?.includes(name));
  return {
    ...(deployment === undefined ? {} : placeWaves(plan, waves, deployment)),
    plan: plan.name,
    mode: input.mode,
    isDrill,
    execution,
    startedAt,
    waves,
    targets: plan.targets,
    sourceNetworks: plan.sourceNetworks?.length ?? 0,
    snapshotTime: input.snapshotTime,
    skipCleanup: input.skipCleanup ?? false,
    holdSeconds: Math.round((input.holdMinutes ?? 0) * 60),
    reason: input.reason,
    trigger: input.trigger,
  };
}

/**
 * The scopes (account and Region) the run's waves recover in, and each selector's. A plan that
 * names no account, in a deployment whose home account extends no staging servers, gets neither:
 * its state stays as small as before multi-account. An account the stage configuration does not
 * declare (or cannot recover in) is a plan problem, named by its field.
 */
function placeWaves(plan: Plan, waves: readonly string[], { accounts, homeRegion }: Deployment): Pick<Run, 'scopes' | 'placements' | 'extendsServers'> {
  const scopes: Array<Scope & { stagingAccounts?: string[] }> = [];
  const problems: string[] = [];
  const placements = waves.map((name) => {
    const index = plan.waves.findIndex((wave) => wave.name === name);
    const wave = plan.waves[index];
    return selectorsOf(wave).map((selector, selectorIndex) => {
      const scope = resolveScope(accounts, homeRegion, selector);
      if (typeof scope === 'string') {
        const field = Array.isArray(wave.servers) ? `waves[${index}].servers[${selectorIndex}].account` : `waves[${index}].account`;
        problems.push(`${field}: ${scope}`);
        return -1;
      }
      const known = scopes.findIndex((candidate) => scopeKey(candidate) === scopeKey(scope));
      if (known >= 0) return known;
      const stagingAccounts = stagingAccountIDsOf(accounts, accountOf(accounts, scope));
      scopes.push(stagingAccounts === undefined ? scope : { ...scope, stagingAccounts });
      return scopes.length - 1;
    });
  });
  if (problems.length > 0) throw new InvalidPlanError(`plan "${plan.name}" names accounts the stage configuration does not offer:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  const home = scopes.length === 1 && scopes[0].stagingAccounts === undefined && scopes[0].region === homeRegion && accountOf(accounts, scopes[0])?.roleArn === undefined;
  if (home) return {};
  return scopes.some((scope) => (scope.stagingAccounts ?? []).length > 0) ? { scopes, placements, extendsServers: true } : { scopes, placements };
}
