// Functions, per-function IAM roles, drill schedules and alarm rules for serverless.yml, generated
// from the manifest `tsx deploy/prepare.ts --stage <stage>` writes after checking the stage
// configuration and the plan files. serverless.yml loads it: ${file(deploy/serverless.cjs):functions}.
// CommonJS because the framework require()s variable files; the checks live in deploy/prepare.ts.
'use strict';

const { readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const sub = (text) => ({ 'Fn::Sub': text });
const pascal = (key) => key.charAt(0).toUpperCase() + key.slice(1);

/** The trigger is not a workflow step: it starts the workflow. */
const TRIGGER = 'trigger';

// DRS Describe*/List* actions have no resource-level permissions (Service Authorization Reference:
// no resource type), so they take Resource "*". Write actions are scoped to this account's DRS
// resources of the type they act on.
const DRS_ANY = '*';
const drsArn = (type) => sub(`arn:\${AWS::Partition}:drs:\${AWS::Region}:\${AWS::AccountId}:${type}/*`);
/** Failback of EC2 origins acts in the origin Region too: this account's resources, any Region. */
const drsArnAnyRegion = (type) => sub(`arn:\${AWS::Partition}:drs:*:\${AWS::AccountId}:${type}/*`);

/**
 * StartRecovery runs the launch with the caller's credentials (forward access): its dependent
 * actions (Service Authorization Reference, drs:StartRecovery) must be granted to the caller.
 * EC2 creates the instances, volumes, snapshots and launch template versions during the job, so
 * their ARNs are unknown beforehand: Resource "*".
 */
const START_RECOVERY_EC2 = [
  'ec2:AttachVolume', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress',
  'ec2:CreateLaunchTemplate', 'ec2:CreateLaunchTemplateVersion', 'ec2:CreateSnapshot', 'ec2:CreateTags',
  'ec2:CreateVolume', 'ec2:DeleteLaunchTemplateVersions', 'ec2:DeleteSnapshot', 'ec2:DeleteVolume',
  'ec2:DescribeAccountAttributes', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeImages',
  'ec2:DescribeInstanceAttribute', 'ec2:DescribeInstanceStatus', 'ec2:DescribeInstanceTypes',
  'ec2:DescribeInstances', 'ec2:DescribeLaunchTemplateVersions', 'ec2:DescribeLaunchTemplates',
  'ec2:DescribeSecurityGroups', 'ec2:DescribeSnapshots', 'ec2:DescribeSubnets', 'ec2:DescribeVolumes',
  'ec2:DetachVolume', 'ec2:ModifyInstanceAttribute', 'ec2:ModifyLaunchTemplate',
  'ec2:RevokeSecurityGroupEgress', 'ec2:RunInstances', 'ec2:StartInstances', 'ec2:StopInstances',
  'ec2:TerminateInstances',
];

/** TerminateRecoveryInstances' dependent actions (Service Authorization Reference). */
const TERMINATE_EC2 = ['ec2:DeleteVolume', 'ec2:DescribeInstances', 'ec2:DescribeVolumes', 'ec2:TerminateInstances'];

const DEFAULT_PASS_ROLES = [
  'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/service-role/AWSElasticDisasterRecoveryRecoveryInstanceRole',
  'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/service-role/AWSElasticDisasterRecoveryRecoveryInstanceWithLaunchActionsRole',
];

const allow = (Action, Resource) => ({ Effect: 'Allow', Action, Resource });

/**
 * StartSourceNetworkRecovery deploys the recovered VPC with a CloudFormation stack under the
 * caller's credentials. Its dependent actions could not be confirmed offline (no Service
 * Authorization Reference entry at hand): this is the VPC stack's set, to be checked on a first
 * deploy (README, IAM).
 */
const SOURCE_NETWORK_STACK = [
  'cloudformation:CreateStack', 'cloudformation:UpdateStack', 'cloudformation:DescribeStacks',
  'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStackResources', 'cloudformation:GetTemplate',
  'ec2:CreateVpc', 'ec2:ModifyVpcAttribute', 'ec2:CreateSubnet', 'ec2:CreateRouteTable', 'ec2:CreateRoute',
  'ec2:AssociateRouteTable', 'ec2:CreateInternetGateway', 'ec2:AttachInternetGateway', 'ec2:CreateSecurityGroup',
  'ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:CreateNetworkAcl',
  'ec2:CreateNetworkAclEntry', 'ec2:ReplaceNetworkAclAssociation', 'ec2:CreateTags', 'ec2:DescribeVpcs',
  'ec2:DescribeSubnets', 'ec2:DescribeRouteTables', 'ec2:DescribeInternetGateways', 'ec2:DescribeSecurityGroups',
  'ec2:DescribeNetworkAcls', 'ec2:DescribeAvailabilityZones', 'ec2:CreateLaunchTemplateVersion',
  'ec2:ModifyLaunchTemplate', 'ec2:DescribeLaunchTemplates', 'ec2:DescribeLaunchTemplateVersions',
];

/** What a function that launches recovery instances (StartRecovery) needs besides DRS. */
function launchStatements(manifest) {
  return [
    allow(['drs:CreateRecoveryInstanceForDrs', 'drs:ListTagsForResource'], sub('arn:${AWS::Partition}:drs:*:${AWS::AccountId}:*')),
    allow(START_RECOVERY_EC2, '*'),
    {
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: (manifest.config.launch.passRoleArns ?? DEFAULT_PASS_ROLES).map(sub),
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    },
  ];
}

/** What each workflow function does in DRS and beyond; everything else is denied. */
function workflowStatements(key, manifest) {
  const read = (...actions) => allow(actions.map((action) => `drs:${action}`), DRS_ANY);
  const reports = (...suffixes) => allow(['s3:PutObject'], suffixes.map((suffix) => sub(`\${ReportsBucket.Arn}/reports/*${suffix}`)));
  switch (key) {
    case 'validateInput':
      return [];
    case 'preflight':
      return [read('DescribeSourceServers', 'DescribeJobs', 'DescribeRecoverySnapshots')];
    case 'startWave':
      return [
        read('DescribeSourceServers', 'DescribeJobs', 'DescribeRecoverySnapshots'),
        read('ListLaunchActions'),
        allow(['drs:StartRecovery'], drsArn('source-server')),
        // The job's tags (plan, execution, wave) are how a retried StartWave finds its jobs.
        allow(['drs:TagResource'], drsArn('job')),
        ...launchStatements(manifest),
      ];
    case 'checkLaunch':
    case 'checkPostLaunchActions':
    case 'completeWave':
      return [read('DescribeJobs', 'DescribeSourceServers')];
    case 'cleanUpDrill':
      return [
        read('DescribeJobs', 'DescribeRecoveryInstances', 'DescribeSourceServers'),
        allow(['drs:TerminateRecoveryInstances'], drsArn('recovery-instance')),
        allow(TERMINATE_EC2, '*'),
      ];
    case 'writeReport':
      return [read('DescribeJobs', 'DescribeJobLogItems', 'DescribeSourceServers'), reports('.json', '.md', '.html')];
    case 'recoverSourceNetworks':
      return [
        read('DescribeJobs', 'DescribeSourceNetworks'),
        allow(['drs:StartSourceNetworkRecovery'], drsArn('source-network')),
        allow(['drs:TagResource'], drsArn('job')),
        allow(SOURCE_NETWORK_STACK, '*'),
      ];
    case 'checkSourceNetworks':
      return [read('DescribeJobs', 'DescribeJobLogItems')];
    case 'validateFailbackInput':
      return [read('DescribeJobs')];
    case 'checkFailbackReadiness':
      return [read('DescribeJobs', 'DescribeRecoveryInstances', 'DescribeSourceServers'), reports('.json', '.md')];
    case 'startFailbackWave':
    case 'checkFailback':
      return [
        read('DescribeJobs', 'DescribeRecoveryInstances', 'DescribeSourceServers', 'ListLaunchActions'),
        allow(['drs:StartFailbackLaunch', 'drs:ReverseReplication'], drsArnAnyRegion('recovery-instance')),
        // EC2 origins: the reversed source server is recovered in the origin Region.
        allow(['drs:StartRecovery'], drsArnAnyRegion('source-server')),
        allow(['drs:TagResource'], drsArnAnyRegion('job')),
        ...launchStatements(manifest),
      ];
    case 'checkFailbackPostLaunchActions':
      return [read('DescribeJobs', 'DescribeSourceServers')];
    case 'reprotectFailbackWave':
      return [
        read('DescribeJobs', 'DescribeRecoveryInstances', 'DescribeSourceServers'),
        allow(['drs:StartReplication'], drsArnAnyRegion('source-server')),
        allow(['drs:ReverseReplication', 'drs:TerminateRecoveryInstances'], drsArnAnyRegion('recovery-instance')),
        allow(TERMINATE_EC2, '*'),
      ];
    case 'stopStartedFailbacks':
      return [read('DescribeJobs', 'DescribeRecoveryInstances'), allow(['drs:StopFailback'], drsArnAnyRegion('recovery-instance'))];
    case 'writeFailbackReport':
      return [read('DescribeJobs', 'DescribeJobLogItems', 'DescribeRecoveryInstances', 'DescribeSourceServers'), reports('.json', '.md', '.html')];
    default:
      throw new Error(`functions/${key}: no IAM statements defined for it in deploy/serverless.cjs; add what it calls`);
  }
}

function loadManifest(stage) {
  const path = join(__dirname, '..', '.build', 'deploy', `${stage}.json`);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`npx tsx deploy/prepare.ts --stage ${stage}\` first (it checks the plans and bundles the handlers)`);
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}

const service = 'drs-orchestrator';
const stateMachineName = (stage) => `${service}-${stage}-recovery`;
const stateMachineArn = (stage) => sub(`arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:${stateMachineName(stage)}`);

function roleFor(key, stage, manifest) {
  const logGroup = `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${service}-${stage}-${key}`;
  const statements = [
    allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [sub(`${logGroup}:*`)]),
    // X-Ray segments have no resource ARN.
    allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*'),
  ];
  if (key === TRIGGER) {
    statements.push(
      allow(['states:StartExecution', 'states:ListExecutions'], stateMachineArn(stage)),
      // The plan of a running execution is in its input: how a run of the same plan is refused.
      allow(['states:DescribeExecution'], sub(`arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:${stateMachineName(stage)}:*`)),
      // Lambda's on-failure destination for events the trigger could not handle.
      allow(['sqs:SendMessage'], { 'Fn::GetAtt': ['TriggerDeadLetterQueue', 'Arn'] }),
    );
  } else {
    statements.push(...workflowStatements(key, manifest));
    statements.push(
      allow(['events:PutEvents'], sub(`arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${manifest.config.eventBusName}`)),
    );
  }
  const role = {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [{ PolicyName: key, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
    },
  };
  if (key === 'startWave' && manifest.config.launch.launchActionsPolicy) {
    // Automation post-launch actions run with the credentials of whoever started the job.
    role.Properties.ManagedPolicyArns = [sub('arn:${AWS::Partition}:iam::aws:policy/AWSElasticDisasterRecoveryLaunchActionsPolicy')];
  }
  return role;
}

function functionsOf(stage, manifest) {
  const planFiles = Object.keys(manifest.planFiles).map((name) => `${manifest.compiled.plansDir}/${name}.json`);
  return Object.fromEntries(
    manifest.functions.map((key) => {
      const bundle = `.build/functions/${key}`;
      const definition = {
        handler: `${bundle}.handler`,
        role: `${pascal(key)}Role`,
        package: { patterns: [`${bundle}.mjs`, `${bundle}.mjs.map`, `${bundle}.chunks/**`, ...(key === TRIGGER ? [manifest.compiled.configFile] : planFiles)] },
        timeout: ['writeReport', 'writeFailbackReport', 'cleanUpDrill'].includes(key) ? 120 : 60,
      };
      if (key === TRIGGER) {
        Object.assign(definition, {
          description: 'Starts the recovery workflow for a drill schedule or an alarm going into ALARM',
          timeout: 30,
          // One at a time: two alarms of one plan arriving together must not both pass the
          // "no run of this plan in progress" check. Throttled async events are retried by Lambda.
          reservedConcurrency: 1,
          maximumRetryAttempts: 2,
          destinations: { onFailure: { type: 'sqs', arn: { 'Fn::GetAtt': ['TriggerDeadLetterQueue', 'Arn'] } } },
          environment: { STATE_MACHINE_ARN: stateMachineArn(stage), TRIGGERS_FILE: manifest.compiled.configFile },
        });
      }
      return [key, definition];
    }),
  );
}

function scheduleResources(stage, manifest) {
  const resources = {};
  manifest.config.drills.forEach((drill) => {
    const input = {
      kind: 'scheduled-drill',
      plan: drill.plan,
      // Scheduler substitutes these context attributes on every invocation.
      scheduledTime: '<aws.scheduler.scheduled-time>',
      scheduleArn: '<aws.scheduler.schedule-arn>',
      ...(drill.holdMinutes === undefined ? {} : { holdMinutes: drill.holdMinutes }),
      ...(drill.waves === undefined ? {} : { waves: drill.waves }),
    };
    resources[`${pascal(drill.plan.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase()))}DrillSchedule`] = {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: `${service}-${stage}-${drill.plan}-drill`.slice(0, 64),
        Description: `Weekly drill of plan ${drill.plan}`,
        ScheduleExpression: drill.schedule,
        ScheduleExpressionTimezone: drill.timezone,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: drill.enabled ? 'ENABLED' : 'DISABLED',
        Target: {
          Arn: { 'Fn::GetAtt': ['TriggerLambdaFunction', 'Arn'] },
          RoleArn: { 'Fn::GetAtt': ['DrillSchedulerRole', 'Arn'] },
          Input: JSON.stringify(input),
          // A drill an hour late is still worth running; later it would collide with the day.
          RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['TriggerDeadLetterQueue', 'Arn'] } },
        },
      },
    };
  });
  if (manifest.config.drills.length > 0) {
    resources.DrillSchedulerRole = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'invoke-trigger',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                allow(['lambda:InvokeFunction'], { 'Fn::GetAtt': ['TriggerLambdaFunction', 'Arn'] }),
                // Scheduler writes undeliverable invocations to the DLQ with this role.
                allow(['sqs:SendMessage'], { 'Fn::GetAtt': ['TriggerDeadLetterQueue', 'Arn'] }),
              ],
            },
          },
        ],
      },
    };
  }
  return resources;
}

/** The EventBridge pattern of the alarms that start plans: transitions into ALARM only. */
function alarmEventPattern(alarmNames) {
  return {
    source: ['aws.cloudwatch'],
    'detail-type': ['CloudWatch Alarm State Change'],
    detail: { alarmName: alarmNames, state: { value: ['ALARM'] } },
  };
}

function alarmResources(manifest) {
  const alarmNames = manifest.config.alarms.map((alarm) => alarm.alarmName);
  if (alarmNames.length === 0) return {};
  return {
    AlarmTriggerRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: 'CloudWatch alarms going into ALARM start their plans (deploy/stages)',
        EventPattern: alarmEventPattern(alarmNames),
        State: 'ENABLED',
        Targets: [
          {
            Id: 'trigger',
            Arn: { 'Fn::GetAtt': ['TriggerLambdaFunction', 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['TriggerDeadLetterQueue', 'Arn'] } },
          },
        ],
      },
    },
    AlarmTriggerPermission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': ['TriggerLambdaFunction', 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': ['AlarmTriggerRule', 'Arn'] },
      },
    },
    TriggerDeadLetterQueuePolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: 'TriggerDeadLetterQueue' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: { 'Fn::GetAtt': ['TriggerDeadLetterQueue', 'Arn'] },
              Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['AlarmTriggerRule', 'Arn'] } } },
            },
          ],
        },
      },
    },
  };
}

/** Called by the framework with its variable resolver: the stage decides which manifest. */
module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const manifest = loadManifest(stage);
  const roles = Object.fromEntries(manifest.functions.map((key) => [`${pascal(key)}Role`, roleFor(key, stage, manifest)]));
  return {
    functions: functionsOf(stage, manifest),
    resources: { Resources: { ...roles, ...scheduleResources(stage, manifest), ...alarmResources(manifest) } },
    eventBusName: manifest.config.eventBusName,
    logRetentionDays: manifest.config.logRetentionDays,
    plansDir: manifest.compiled.plansDir,
    // Powertools reads the string; false keeps the Tracer and the X-Ray SDK unloaded.
    traceAwsCalls: String(manifest.config.traceAwsCalls),
    reportRetentionDays: manifest.config.reportRetentionDays,
    stateMachineName: stateMachineName(stage),
  };
};

module.exports.alarmEventPattern = alarmEventPattern;
