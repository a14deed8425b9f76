// The member-account role (deploy/member-account-role.yaml): the template a target account deploys
// so the orchestrator may recover in it, resolved as CloudFormation would resolve it for a set of
// parameters, then checked with the data the packaged stack's roles are checked with (aws-data.ts):
// every action exists in the Service Authorization Reference (SAR) and fits its resource types,
// every DRS operation the orchestrator calls there is granted with its dependent actions, and the
// trust policy lets in only the orchestrator's function roles with the external ID.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { MEMBER_ACCOUNT_OPERATIONS, memberAccountTemplateYaml, TEMPLATE_FILE } from '#deploy/member-account-role.ts';
import { readStageConfig } from '#shared/trigger/config.ts';
import {
  actionsOf,
  adapterOperations,
  neededFor,
  SAR_VERSION,
  schemaProblems,
  SPEC_VERSION,
  statementProblems,
  tagsOnCreate,
  type SpecDatabase,
  type Statement,
} from './aws-data.ts';
import { root, type Resource } from './packaged.ts';

const { functionRolePath } = createRequire(import.meta.url)('../../deploy/serverless.cjs') as { functionRolePath: (stage: string) => string };

interface Template {
  Parameters: Record<string, { Type: string; Default?: string; AllowedPattern?: string; AllowedValues?: string[] }>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, Resource>;
}

const MEMBER_ACCOUNT = '222233334444';
const ORCHESTRATOR_ACCOUNT = '111122223333';
const REQUIRED = { OrchestratorAccountId: ORCHESTRATOR_ACCOUNT, OrchestratorStage: 'prod', ExternalId: 'drs-orchestrator-prod-target-b' };
const INSTANCE_ROLES = [`arn:aws:iam::${MEMBER_ACCOUNT}:role/payments-instance-role`, `arn:aws:iam::${MEMBER_ACCOUNT}:role/db-instance-role`];
const CUSTOM = { ...REQUIRED, InstanceRoleArns: INSTANCE_ROLES.join(','), LaunchActionsPolicy: 'true' };

let template: Template;
let spec: SpecDatabase;

beforeAll(async () => {
  [template, spec] = await Promise.all([readFile(TEMPLATE_FILE, 'utf8').then((text) => parse(text) as Template), loadAwsServiceSpec()]);
});

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * The template's role as CloudFormation resolves it in the member account for `given` parameters
 * (the others at their defaults): Ref, Fn::Sub, Fn::Join, Fn::Split, Fn::If, Fn::Equals and
 * AWS::NoValue, the functions the template uses. A parameter it does not accept fails.
 */
function resolvedRole(given: Record<string, string>): Resource['Properties'] {
  const parameters: Record<string, string | string[]> = {};
  for (const [name, declared] of Object.entries(template.Parameters)) {
    const value = given[name] ?? declared.Default;
    if (value === undefined) throw new Error(`parameter ${name} has no value`);
    if (declared.AllowedPattern !== undefined) expect(value, name).toMatch(new RegExp(`^(?:${declared.AllowedPattern})$`));
    if (declared.AllowedValues !== undefined) expect(declared.AllowedValues, name).toContain(value);
    parameters[name] = declared.Type === 'CommaDelimitedList' ? value.split(',') : value;
  }
  const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::AccountId': MEMBER_ACCOUNT, 'AWS::Region': 'eu-west-1' };
  const conditions: Record<string, boolean> = {};
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve).filter((item) => item !== NO_VALUE);
    if (node === null || typeof node !== 'object') return node;
    const [[key, argument], ...rest] = Object.entries(node);
    if (rest.length === 0 && (key === 'Ref' || key.startsWith('Fn::'))) {
      const args = argument as any;
      switch (key) {
        case 'Ref':
          if (args === 'AWS::NoValue') return NO_VALUE;
          return pseudo[args] ?? parameters[args] ?? expect.unreachable(`Ref ${args}`);
        case 'Fn::Sub':
          return (args as string).replace(/\$\{([\w:]+)\}/g, (_, name: string) => String(pseudo[name] ?? parameters[name] ?? expect.unreachable(`\${${name}}`)));
        case 'Fn::Join':
          return (resolve(args[1]) as string[]).join(args[0]);
        case 'Fn::Split':
          return (resolve(args[1]) as string).split(args[0]);
        case 'Fn::If':
          return conditions[args[0]] ? resolve(args[1]) : resolve(args[2]);
        case 'Fn::Equals':
          return resolve(args[0]) === resolve(args[1]);
        default:
          throw new Error(`${key} is not resolved by this test`);
      }
    }
    return Object.fromEntries(Object.entries(node).map(([name, child]) => [name, resolve(child)]).filter(([, value]) => value !== NO_VALUE));
  };
  for (const [name, condition] of Object.entries(template.Conditions)) conditions[name] = resolve(condition) as boolean;
  const role = template.Resources.OrchestratorAccessRole;
  expect(role?.Type).toBe('AWS::IAM::Role');
  return resolve(role.Properties) as Resource['Properties'];
}

const policyStatements = (role: Resource['Properties']): Statement[] => role.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
const granted = (role: Resource['Properties']) => new Set(policyStatements(role).filter((statement) => statement.Effect === 'Allow').flatMap(actionsOf));
/** IAM's ArnLike: `*` any run of characters, `?` one, case-sensitive. */
const arnLike = (pattern: string, arn: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(arn);

describe('the member-account role template', () => {
  it('is what `npm run member-role` writes from deploy/member-account-role.ts and deploy/functions.cjs', async () => {
    expect(await readFile(TEMPLATE_FILE, 'utf8')).toBe(memberAccountTemplateYaml());
  });

  it(`has only resource types and properties the CloudFormation schemas define (${SPEC_VERSION})`, () => {
    expect(schemaProblems(spec, template.Resources)).toEqual([]);
  });

  it("creates the role the ci stage's second target account names, and takes its external ID", async () => {
    const stage = await readStageConfig(join(root, 'deploy', 'stages', 'ci.yaml'));
    const target = stage.accounts.find((account) => account.roleArn !== undefined);
    expect(target?.roleArn).toBe(`arn:aws:iam::${target?.accountId}:role/${template.Parameters.RoleName.Default}`);
    expect(() => resolvedRole({ ...REQUIRED, ExternalId: target?.externalId ?? '' })).not.toThrow();
  });

  it("passes DRS's conversion server and recovery instance roles by default, the given instance roles otherwise, only to EC2", () => {
    const passRole = (role: Resource['Properties']) => policyStatements(role).filter((statement) => actionsOf(statement).includes('iam:PassRole'));
    const conversionServer = `arn:aws:iam::${MEMBER_ACCOUNT}:role/service-role/AWSElasticDisasterRecoveryConversionServerRole`;

    const [byDefault] = passRole(resolvedRole(REQUIRED));
    const [custom] = passRole(resolvedRole(CUSTOM));

    expect(byDefault.Resource).toEqual([
      conversionServer,
      `arn:aws:iam::${MEMBER_ACCOUNT}:role/service-role/AWSElasticDisasterRecoveryRecoveryInstanceRole`,
      `arn:aws:iam::${MEMBER_ACCOUNT}:role/service-role/AWSElasticDisasterRecoveryRecoveryInstanceWithLaunchActionsRole`,
    ]);
    expect(custom.Resource).toEqual([conversionServer, ...INSTANCE_ROLES]);
    for (const statement of [byDefault, custom]) expect(statement.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } });
  });

  it("forwards DRS's launch results to the orchestrator's default bus only, with a role only EventBridge of this account may use", async () => {
    const template = (await import('#deploy/member-account-role.ts')).memberAccountTemplate() as { Resources: Record<string, Resource> };
    const rule = template.Resources.LaunchResultForwardingRule!.Properties;
    const role = template.Resources.LaunchResultForwardingRole!.Properties;

    expect(rule.EventPattern).toEqual({ source: ['aws.drs'], 'detail-type': ['DRS Source Server Launch Result'] });
    expect(rule.Targets).toEqual([{ Id: 'orchestrator', Arn: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${OrchestratorAccountId}:event-bus/default' }, RoleArn: { 'Fn::GetAtt': ['LaunchResultForwardingRole', 'Arn'] } }]);
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } })]);
    expect(role.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement)).toEqual([{ Effect: 'Allow', Action: ['events:PutEvents'], Resource: rule.Targets[0].Arn }]);
  });

  it("forwards SSM's ends of automation executions and commands (DRS's post-launch action runs) to the same bus, with the same role", async () => {
    const template = (await import('#deploy/member-account-role.ts')).memberAccountTemplate() as { Resources: Record<string, Resource> };
    const launchResults = template.Resources.LaunchResultForwardingRule!.Properties;
    const automation = template.Resources.ActionAutomationEndForwardingRule!.Properties;
    const command = template.Resources.ActionCommandEndForwardingRule!.Properties;

    expect(automation.EventPattern).toMatchObject({ source: ['aws.ssm'], 'detail-type': ['EC2 Automation Execution Status-change Notification'], detail: { Status: expect.arrayContaining(['Success', 'Failed']) } });
    expect(command.EventPattern).toMatchObject({ source: ['aws.ssm'], 'detail-type': ['EC2 Command Status-change Notification'], detail: { status: expect.arrayContaining(['Success', 'Failed']) } });
    expect(automation.EventPattern.detail.Status).not.toContain('InProgress');
    expect(automation.Targets).toEqual(launchResults.Targets);
    expect(command.Targets).toEqual(launchResults.Targets);
  });

  it('attaches the launch-actions policy only when asked', () => {
    expect(resolvedRole(REQUIRED).ManagedPolicyArns).toBeUndefined();
    expect(resolvedRole(CUSTOM).ManagedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AWSElasticDisasterRecoveryLaunchActionsPolicy']);
  });

  it("fits IAM's quotas: 10,240 characters of inline policies per role, 2,048 of trust policy", () => {
    const role = resolvedRole(CUSTOM);
    expect(JSON.stringify(role.Policies.map((policy: any) => policy.PolicyDocument)).length).toBeLessThanOrEqual(10_240);
    expect(JSON.stringify(role.AssumeRolePolicyDocument).length).toBeLessThanOrEqual(2_048);
  });
});

describe('who may assume the member-account role', () => {
  it('the orchestrator account only, with the external ID: no "*" principal, every Allow conditioned on sts:ExternalId', () => {
    const trust: Statement[] = resolvedRole(REQUIRED).AssumeRolePolicyDocument.Statement;
    expect(trust.length).toBeGreaterThan(0);
    for (const statement of trust.filter((candidate) => candidate.Effect === 'Allow')) {
      const principals = typeof statement.Principal === 'string' ? [statement.Principal] : Object.values(statement.Principal as object).flat();
      expect(principals).not.toContain('*');
      expect(principals).toEqual([`arn:aws:iam::${ORCHESTRATOR_ACCOUNT}:root`]);
      expect(actionsOf(statement)).toEqual(['sts:AssumeRole']);
      expect(statement.Condition?.StringEquals?.['sts:ExternalId']).toBe(REQUIRED.ExternalId);
    }
  });

  it("only the function roles of the orchestrator's stage: the roles under that stage's path, in its account", () => {
    const [statement]: Statement[] = resolvedRole(REQUIRED).AssumeRolePolicyDocument.Statement;
    const pattern = statement.Condition?.ArnLike?.['aws:PrincipalArn'] as string;
    const role = (account: string, path: string) => `arn:aws:iam::${account}:role${path}drs-orchestrator-prod-StartWaveRole-1A2B3C4D5E6F`;

    expect(arnLike(pattern, role(ORCHESTRATOR_ACCOUNT, functionRolePath('prod')))).toBe(true);
    expect(arnLike(pattern, role(ORCHESTRATOR_ACCOUNT, functionRolePath('dev')))).toBe(false);
    expect(arnLike(pattern, role(ORCHESTRATOR_ACCOUNT, '/'))).toBe(false);
    expect(arnLike(pattern, role('999988887777', functionRolePath('prod')))).toBe(false);
  });
});

describe(`the member-account role's actions against the Service Authorization Reference (${SAR_VERSION})`, () => {
  it.each([
    { parameters: 'the defaults', given: REQUIRED },
    { parameters: 'instance roles and the launch-actions policy', given: CUSTOM },
  ])('names only actions the SAR defines, each on resources of a type it supports ("*" alone for actions without resource types), with $parameters', async ({ given }) => {
    const problems: string[] = [];
    for (const statement of policyStatements(resolvedRole(given))) {
      problems.push(...(await statementProblems('member role', statement, [statement.Resource].flat() as string[])));
    }
    expect(problems).toEqual([]);
  });

  it('grants every DRS operation the orchestrator calls in a member account with its dependent actions, and no DRS action beyond them', async () => {
    const actions = granted(resolvedRole(REQUIRED));
    const needed = new Set((await Promise.all(MEMBER_ACCOUNT_OPERATIONS.map(neededFor))).flat());
    if (await tagsOnCreate(MEMBER_ACCOUNT_OPERATIONS)) needed.add('drs:TagResource');

    expect([...needed].filter((action) => !actions.has(action))).toEqual([]);
    expect([...actions].filter((action) => action.startsWith('drs:') && !needed.has(action))).toEqual([]);
  });

  it("covers every DRS operation of the orchestrator's adapter but those of source networks (home account only)", async () => {
    const called = new Set([...(await adapterOperations()).values()].flat());
    called.delete('drs:StartSourceNetworkRecovery');
    called.delete('drs:DescribeSourceNetworks');
    expect([...called].filter((operation) => !(MEMBER_ACCOUNT_OPERATIONS as readonly string[]).includes(operation))).toEqual([]);
  });

  it('grants the EC2 actions DRS performs for the orchestrator only when DRS makes the call, and no wildcard action', () => {
    const statements = policyStatements(resolvedRole(REQUIRED));
    const direct = statements.filter(
      (statement) =>
        actionsOf(statement).some((action) => /^(ec2|cloudformation|s3):/.test(action)) &&
        JSON.stringify(statement.Condition?.['ForAnyValue:StringEquals']?.['aws:CalledVia']) !== JSON.stringify(['drs.amazonaws.com']),
    );
    expect(direct.map((statement) => actionsOf(statement).join(', '))).toEqual([]);
    expect(statements.flatMap(actionsOf).filter((action) => action.includes('*'))).toEqual([]);
  });
});
