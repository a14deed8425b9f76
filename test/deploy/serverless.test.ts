// What deploy/serverless.cjs generates from a stage's accounts, for stages the ci package does not
// cover: none at all, and accounts none of which has a role (the packaged ci stage has one).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { checkStageConfig, type StageConfig } from '#shared/trigger/config.ts';

type Statement = { Action: string | string[]; Resource?: unknown };
interface Generator {
  roleFor(key: string, context: unknown): { Properties: { Policies: Array<{ PolicyDocument: { Statement: Statement[] } }> } };
  functionsOf(context: unknown): Record<string, { environment?: Record<string, unknown> }>;
}
const { roleFor, functionsOf } = createRequire(import.meta.url)('../../deploy/serverless.cjs') as Generator;

const FUNCTIONS = ['startWave', 'cleanUpDrill', 'validateInput', 'trigger'];

/** What serverless.cjs computes the functions and roles from, for a stage with `accounts`. */
function contextOf(accounts: unknown[]) {
  const config: StageConfig = checkStageConfig({ plans: ['payments'], accounts }, 'test.yaml');
  const manifest = { stage: 'test', config, planFiles: {}, compiled: { plansDir: 'plans', configFile: 'stage.json' }, functions: FUNCTIONS };
  return { stage: 'test', manifest, planFiles: [], stateMachineName: 'machine', stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:machine' };
}

const assumeRoleGrants = (key: string, context: unknown) =>
  roleFor(key, context).Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement).filter((statement) => [statement.Action].flat().includes('sts:AssumeRole'));

describe("the functions and roles of a stage's accounts", () => {
  it('a stage without accounts: ACCOUNTS is [] for the workflow functions, and no role may assume any', () => {
    const context = contextOf([]);

    const functions = functionsOf(context);

    for (const key of ['startWave', 'cleanUpDrill', 'validateInput']) expect(functions[key].environment?.ACCOUNTS, key).toBe('[]');
    expect(functions.trigger.environment?.ACCOUNTS).toBeUndefined();
    for (const key of FUNCTIONS) expect(assumeRoleGrants(key, context), key).toEqual([]);
  });

  it('accounts none of which has a role (a home account extending a staging account): no sts:AssumeRole statement', () => {
    const accounts = [
      { alias: 'primary', home: true, stagingAccounts: ['staging-a'] },
      { alias: 'staging-a', accountId: '333344445555' },
    ];
    const context = contextOf(accounts);

    expect(JSON.parse(String(functionsOf(context).startWave.environment?.ACCOUNTS))).toEqual(accounts);
    for (const key of FUNCTIONS) expect(assumeRoleGrants(key, context), key).toEqual([]);
  });

  it('two target accounts: each function that calls DRS may assume both roles, one that does not (validateInput) neither', () => {
    const roles = ['arn:aws:iam::222233334444:role/drs-orchestrator-access', 'arn:aws:iam::444455556666:role/drs-orchestrator-access'];
    const context = contextOf([
      { alias: 'target-b', accountId: '222233334444', roleArn: roles[0], externalId: 'external-b' },
      { alias: 'target-c', accountId: '444455556666', roleArn: roles[1], externalId: 'external-c' },
    ]);

    expect(assumeRoleGrants('startWave', context).map((statement) => statement.Resource)).toEqual([roles]);
    expect(assumeRoleGrants('cleanUpDrill', context).map((statement) => statement.Resource)).toEqual([roles]);
    expect(assumeRoleGrants('validateInput', context)).toEqual([]);
    expect(assumeRoleGrants('trigger', context)).toEqual([]);
  });
});
