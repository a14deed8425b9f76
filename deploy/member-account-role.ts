// `npm run member-role`: writes deploy/member-account-role.yaml, the CloudFormation template a
// member (target) account deploys so that the orchestrator may recover in it: one IAM role that the
// orchestrator's function roles assume with an external ID. Its policy is composed from the
// statement builders of deploy/functions.cjs, scoped as the home account's roles are, so that the
// two accounts' grants cannot drift apart; test/deploy/member-account-role.test.ts keeps the
// committed file current and checks it against AWS's Service Authorization Reference data.
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAUNCH_RESULT_PATTERN } from '#shared/events/drs-launch-result.ts';
import { RUN_END_PATTERNS } from '#shared/events/ssm-run-end.ts';
import { Document, isSeq, visit } from 'yaml';

/** An IAM statement as deploy/functions.cjs builds it (Resource may hold CloudFormation intrinsics). */
export interface PolicyStatement {
  Effect: 'Allow';
  Action: string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}
type Intrinsic = Record<string, unknown>;

interface StatementBuilders {
  sub(text: string): Intrinsic;
  allow(actions: string[], resource: unknown): PolicyStatement;
  read(...actions: string[]): PolicyStatement;
  drsArnIn(region: string, type: string, account?: string): Intrinsic;
  launchStatements(region: string, passedRoleArns: unknown): PolicyStatement[];
  terminateEc2(region: string): PolicyStatement[];
  DRS_ANY: string;
  ANY_REGION: string;
  CONVERSION_SERVER_ROLE: string;
  DEFAULT_INSTANCE_ROLES: string[];
  LAUNCH_ACTIONS_POLICY: Intrinsic;
  REVERSE_REPLICATION_DRS: string[];
}

const require = createRequire(import.meta.url);
const builders = require('./functions.cjs') as StatementBuilders;
const { functionRolePath } = require('./serverless.cjs') as { functionRolePath: (stage: string) => string };
const { sub, allow, read, drsArnIn, DRS_ANY, ANY_REGION } = builders;

export const TEMPLATE_FILE = fileURLToPath(new URL('member-account-role.yaml', import.meta.url));

/**
 * The DRS operations the orchestrator calls in a member account: every workflow call but those
 * of source networks (their recovery, and preflight's check that they exist: home account only),
 * and the extension of staging accounts' source servers.
 * The role grants each with its SAR dependent actions.
 */
export const MEMBER_ACCOUNT_OPERATIONS = [
  'drs:DescribeSourceServers',
  'drs:DescribeJobs',
  'drs:DescribeJobLogItems',
  'drs:DescribeRecoveryInstances',
  'drs:DescribeRecoverySnapshots',
  'drs:StartRecovery',
  'drs:TerminateRecoveryInstances',
  'drs:ListLaunchActions',
  'drs:GetLaunchConfiguration',
  'drs:ListExtensibleSourceServers',
  'drs:CreateExtendedSourceServer',
  'drs:TagResource',
  'drs:StartFailbackLaunch',
  'drs:StopFailback',
  'drs:ReverseReplication',
  'drs:StartReplication',
] as const;

/**
 * iam:PassRole's resources: DRS's conversion server role and the launch templates' instance roles,
 * by default DRS's recovery instance roles, else the InstanceRoleArns parameter's.
 */
const passedRoles = {
  'Fn::If': [
    'DefaultInstanceRoles',
    [builders.CONVERSION_SERVER_ROLE, ...builders.DEFAULT_INSTANCE_ROLES].map(sub),
    { 'Fn::Split': [',', { 'Fn::Join': [',', [sub(builders.CONVERSION_SERVER_ROLE), { 'Fn::Join': [',', { Ref: 'InstanceRoleArns' }] }]] }] },
  ],
};

/** The role's statements, in groups that each say what they are for (comments in the template). */
export function memberAccountStatements(): Array<{ why: string; statements: PolicyStatement[] }> {
  // A member account's Regions are the stage configuration's (`regions:`): the role serves any.
  const region = ANY_REGION;
  return [
    {
      why: 'DRS actions without resource types in the SAR take "*": the Describe* of source servers, jobs, recovery instances and replication configuration templates (ReverseReplication), the extensible servers of staging accounts.',
      statements: [
        read('DescribeSourceServers', 'DescribeJobs', 'DescribeRecoveryInstances', ...builders.REVERSE_REPLICATION_DRS, 'ListExtensibleSourceServers'),
      ],
    },
    {
      why: "Extending a staging account's source server into this account (no resource types either). Its dependent action reads a replication configuration; which server's (the staging one, in its account, or the new one) is unconfirmed offline, so any account's: an identity policy alone grants nothing in another account.",
      statements: [allow(['drs:CreateExtendedSourceServer'], DRS_ANY), allow(['drs:GetReplicationConfiguration'], drsArnIn(region, 'source-server', '*'))],
    },
    {
      why: "This account's source servers, jobs and recovery instances: snapshots, post-launch actions and launch configurations, recovery, job logs, drill clean-up, failback and re-protection. Tags: the jobs StartRecovery and StartFailbackLaunch create and the extended source servers.",
      statements: [
        allow(['drs:DescribeRecoverySnapshots', 'drs:ListLaunchActions', 'drs:GetLaunchConfiguration', 'drs:StartRecovery', 'drs:StartReplication'], drsArnIn(region, 'source-server')),
        allow(['drs:DescribeJobLogItems'], drsArnIn(region, 'job')),
        allow(['drs:TagResource'], [drsArnIn(region, 'job'), drsArnIn(region, 'source-server')]),
        allow(['drs:TerminateRecoveryInstances', 'drs:StartFailbackLaunch', 'drs:StopFailback', 'drs:ReverseReplication'], drsArnIn(region, 'recovery-instance')),
      ],
    },
    {
      why: "StartRecovery launches with the caller's credentials: its dependent actions, EC2 only through DRS and writes only on what DRS manages (README, Why the launching functions hold EC2 permissions).",
      statements: builders.launchStatements(region, passedRoles),
    },
    {
      why: 'TerminateRecoveryInstances: DRS terminates the instances it launched and deletes their volumes with the caller\'s credentials.',
      statements: builders.terminateEc2(region),
    },
  ];
}

/** The template: parameters, the role (trust and policy), its ARN as the output. */
export function memberAccountTemplate(): Record<string, unknown> {
  const orchestratorRoles = sub(`arn:\${AWS::Partition}:iam::\${OrchestratorAccountId}:role${functionRolePath('${OrchestratorStage}')}*`);
  const orchestratorBus = sub('arn:${AWS::Partition}:events:${AWS::Region}:${OrchestratorAccountId}:event-bus/default');
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'The role the DRS orchestrator assumes to recover in this account (drs-orchestrator, deploy/member-account-role.yaml)',
    Parameters: {
      RoleName: { Type: 'String', Default: 'drs-orchestrator-access', AllowedPattern: '[\\w+=,.@-]{1,64}', Description: "The role's name: the roleArn of this account in the orchestrator's stage file" },
      OrchestratorAccountId: { Type: 'String', AllowedPattern: '\\d{12}', Description: 'The account the orchestrator runs in' },
      OrchestratorStage: {
        Type: 'String',
        AllowedPattern: '[a-zA-Z0-9-]+',
        Description: `The orchestrator's stage (osls --stage): its function roles, under the path ${functionRolePath('<stage>')}, may assume this role`,
      },
      ExternalId: { Type: 'String', AllowedPattern: '[\\w+=,.@:/-]{2,1224}', Description: "The externalId of this account in the orchestrator's stage file" },
      InstanceRoleArns: {
        Type: 'CommaDelimitedList',
        Default: '',
        Description: "Instance roles this account's launch templates attach (iam:PassRole); empty: DRS's recovery instance roles",
      },
      LaunchActionsPolicy: {
        Type: 'String',
        AllowedValues: ['true', 'false'],
        Default: 'false',
        Description: "true: attach AWSElasticDisasterRecoveryLaunchActionsPolicy (automation post-launch actions run with the caller's credentials)",
      },
    },
    Conditions: {
      DefaultInstanceRoles: { 'Fn::Equals': [{ 'Fn::Join': ['', { Ref: 'InstanceRoleArns' }] }, ''] },
      AttachLaunchActionsPolicy: { 'Fn::Equals': [{ Ref: 'LaunchActionsPolicy' }, 'true'] },
    },
    Resources: {
      OrchestratorAccessRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: { Ref: 'RoleName' },
          Description: 'Assumed by the DRS orchestrator to recover, clean up and fail back in this account',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: sub('arn:${AWS::Partition}:iam::${OrchestratorAccountId}:root') },
                Action: 'sts:AssumeRole',
                // The account's principals narrowed to the stage's function roles, and only with the
                // external ID the stage file gives (the confused-deputy guard).
                Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } }, ArnLike: { 'aws:PrincipalArn': orchestratorRoles } },
              },
            ],
          },
          Policies: [
            {
              PolicyName: 'drs-orchestrator',
              PolicyDocument: { Version: '2012-10-17', Statement: memberAccountStatements().flatMap((group) => group.statements) },
            },
          ],
          ManagedPolicyArns: { 'Fn::If': ['AttachLaunchActionsPolicy', [builders.LAUNCH_ACTIONS_POLICY], { Ref: 'AWS::NoValue' }] },
        },
      },
      // DRS sends its launch results to this account's default bus; the orchestrator's waves wait
      // for them in its own account (statemachines/recovery.asl.yaml, WaitForLaunch): forwarded
      // there, where its stack lets this account put events on its default bus.
      LaunchResultForwardingRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Description: "Forwards DRS's launch results and SSM's ends of post-launch action runs to the DRS orchestrator's account",
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }],
          },
          Policies: [{ PolicyName: 'forward-launch-results', PolicyDocument: { Version: '2012-10-17', Statement: [allow(['events:PutEvents'], orchestratorBus)] } }],
        },
      },
      LaunchResultForwardingRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Description: "DRS's Source Server Launch Result events, to the DRS orchestrator's account: they resume its waves",
          EventPattern: LAUNCH_RESULT_PATTERN,
          State: 'ENABLED',
          Targets: [{ Id: 'orchestrator', Arn: orchestratorBus, RoleArn: { 'Fn::GetAtt': ['LaunchResultForwardingRole', 'Arn'] } }],
        },
      },
      // SSM's ends of the post-launch action runs DRS starts here: they resume waves waiting for their actions.
      ActionAutomationEndForwardingRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Description: "SSM's ends of automation executions (DRS's post-launch action runs), to the DRS orchestrator's account",
          EventPattern: RUN_END_PATTERNS.automation,
          State: 'ENABLED',
          Targets: [{ Id: 'orchestrator', Arn: orchestratorBus, RoleArn: { 'Fn::GetAtt': ['LaunchResultForwardingRole', 'Arn'] } }],
        },
      },
      ActionCommandEndForwardingRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Description: "SSM's ends of commands (DRS's post-launch action runs), to the DRS orchestrator's account",
          EventPattern: RUN_END_PATTERNS.command,
          State: 'ENABLED',
          Targets: [{ Id: 'orchestrator', Arn: orchestratorBus, RoleArn: { 'Fn::GetAtt': ['LaunchResultForwardingRole', 'Arn'] } }],
        },
      },
    },
    Outputs: {
      RoleArn: { Description: "This account's roleArn in the orchestrator's stage file", Value: { 'Fn::GetAtt': ['OrchestratorAccessRole', 'Arn'] } },
    },
  };
}

const HEADER = [
  ' The role the DRS orchestrator assumes to recover in this member (target) account.',
  ' Generated by `npm run member-role` from deploy/member-account-role.ts and the statement builders',
  ' of deploy/functions.cjs: edit those, not this file.',
  '',
  '   aws cloudformation deploy --template-file deploy/member-account-role.yaml \\',
  '     --stack-name drs-orchestrator-access --capabilities CAPABILITY_NAMED_IAM \\',
  '     --parameter-overrides OrchestratorAccountId=<12 digits> OrchestratorStage=<stage> ExternalId=<external ID>',
].join('\n');

/** `text` as comment lines of at most `width` characters. */
function commentLines(text: string, width = 96): string {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + word.length < width) lines[last] += ` ${word}`;
    else lines.push(` ${word}`);
  }
  return lines.join('\n');
}

/**
 * The template as YAML, with the header and a comment on each group of statements. No anchors and
 * aliases (CloudFormation refuses them), and versions quoted: a YAML 1.1 reader takes 2012-10-17
 * for a date.
 */
export function memberAccountTemplateYaml(): string {
  const document = new Document(memberAccountTemplate(), { aliasDuplicateObjects: false });
  document.commentBefore = HEADER;
  visit(document, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(node.value)) node.type = 'QUOTE_SINGLE';
    },
  });
  const statements = document.getIn(['Resources', 'OrchestratorAccessRole', 'Properties', 'Policies', 0, 'PolicyDocument', 'Statement'], true);
  if (!isSeq(statements)) throw new Error('the template has no policy statements');
  let index = 0;
  for (const group of memberAccountStatements()) {
    const first = statements.items[index] as { commentBefore?: string };
    first.commentBefore = commentLines(group.why);
    index += group.statements.length;
  }
  return document.toString({ lineWidth: 0 });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await writeFile(TEMPLATE_FILE, memberAccountTemplateYaml());
  console.log(`wrote ${TEMPLATE_FILE}`);
}
