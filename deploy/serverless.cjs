// Functions, per-function IAM roles, drill and sweep schedules and alarm rules for serverless.yml, generated
// from the manifest `tsx deploy/prepare.ts --stage <stage>` writes after checking the stage
// configuration and the plan files. serverless.yml loads it: ${file(deploy/serverless.cjs):functions}.
// Each function's own settings (IAM statements, timeout, what it ships) are in deploy/functions.cjs.
// CommonJS because the framework require()s variable files; the checks live in deploy/prepare.ts.
'use strict';

const { readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const { allow, settingsOf, sub } = require('./functions.cjs');

const pascal = (key) => key.charAt(0).toUpperCase() + key.slice(1);

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

/**
 * The IAM path of a stage's function roles. A member account's role trusts the roles under it
 * (deploy/member-account-role.yaml): CloudFormation names the roles, and a trust policy naming
 * each of them would outgrow IAM's 2,048 characters and break whenever one is replaced.
 */
const functionRolePath = (stage) => `/${service}/${stage}/`;

/** The roles of the stage's accounts (`accounts:`): what its functions may assume. */
const accountRoleArns = (manifest) => manifest.config.accounts.flatMap((account) => (account.roleArn === undefined ? [] : [account.roleArn]));

/** ACCOUNTS of the workflow functions: the stage's accounts as JSON (`[]`: only this account). */
const accountsVariable = (manifest) => JSON.stringify(manifest.config.accounts);

function roleFor(key, context) {
  const settings = settingsOf(key);
  const logGroup = `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${service}-${context.stage}-${key}`;
  const statements = [
    allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [sub(`${logGroup}:*`)]),
    // X-Ray segments have no resource ARN.
    allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*'),
    ...settings.statements(context),
  ];
  if (settings.progressEvents) {
    statements.push(
      allow(['events:PutEvents'], sub(`arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${context.manifest.config.eventBusName}`)),
    );
  }
  // A function that calls DRS here calls it in the stage's other accounts through their roles:
  // those roles only, and no statement at all when the stage has none.
  const roleArns = accountRoleArns(context.manifest);
  const callsDrs = statements.some((statement) => [statement.Action].flat().some((action) => action.startsWith('drs:')));
  if (settings.stageAccounts && callsDrs && roleArns.length > 0) statements.push(allow(['sts:AssumeRole'], roleArns));
  const role = {
    Type: 'AWS::IAM::Role',
    Properties: {
      Path: functionRolePath(context.stage),
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [{ PolicyName: key, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
    },
  };
  const managedPolicyArns = settings.managedPolicyArns?.(context);
  if (managedPolicyArns !== undefined) role.Properties.ManagedPolicyArns = managedPolicyArns;
  return role;
}

function functionsOf(context) {
  return Object.fromEntries(
    context.manifest.functions.map((key) => {
      const settings = settingsOf(key);
      const bundle = `.build/functions/${key}`;
      const lambda = settings.lambda?.(context) ?? {};
      const environment = { ...(settings.stageAccounts ? { ACCOUNTS: accountsVariable(context.manifest) } : {}), ...lambda.environment };
      const definition = {
        handler: `${bundle}/index.handler`,
        role: `${pascal(key)}Role`,
        package: { patterns: [`${bundle}/**`, ...settings.files(context)] },
        timeout: settings.timeout,
        ...lambda,
        ...(Object.keys(environment).length > 0 ? { environment } : {}),
      };
      return [key, definition];
    }),
  );
}

/**
 * The role EventBridge Scheduler invokes `functionArn` with, in this account only; it also writes
 * undeliverable invocations to the trigger's dead-letter queue with it.
 */
function schedulerRole(policyName, functionArn) {
  return {
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
          PolicyName: policyName,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [allow(['lambda:InvokeFunction'], functionArn), allow(['sqs:SendMessage'], { 'Fn::GetAtt': ['TriggerDeadLetterQueue', 'Arn'] })],
          },
        },
      ],
    },
  };
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
    resources.DrillSchedulerRole = schedulerRole('invoke-trigger', { 'Fn::GetAtt': ['TriggerLambdaFunction', 'Arn'] });
  }
  return resources;
}

/**
 * The orphan sweeper's schedule (the stage's `sweep.schedule`): it invokes the sweep function with
 * the scheduled time, which instance ages are counted to.
 */
function sweepResources(stage, manifest) {
  if (!manifest.functions.includes('sweep')) return {};
  const sweepFunction = { 'Fn::GetAtt': ['SweepLambdaFunction', 'Arn'] };
  const deadLetterQueue = { 'Fn::GetAtt': ['TriggerDeadLetterQueue', 'Arn'] };
  return {
    OrphanSweepSchedule: {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: `${service}-${stage}-orphan-sweep`.slice(0, 64),
        Description: 'The orphan sweeper: terminates drill instances no run will terminate',
        ScheduleExpression: manifest.config.sweep.schedule,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: sweepFunction,
          RoleArn: { 'Fn::GetAtt': ['OrphanSweepSchedulerRole', 'Arn'] },
          Input: JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' }),
          // A late sweep is as good as a punctual one; the next one comes anyway.
          RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: deadLetterQueue },
        },
      },
    },
    OrphanSweepSchedulerRole: schedulerRole('invoke-sweep', sweepFunction),
  };
}

/** A queue policy letting only the rule `ruleKey` (EventBridge) send to the queue `queueKey`. */
function queueOpenToRule(queueKey, ...ruleKeys) {
  return {
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: [{ Ref: queueKey }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': [queueKey, 'Arn'] },
            Condition: { ArnEquals: { 'aws:SourceArn': ruleKeys.length === 1 ? { 'Fn::GetAtt': [ruleKeys[0], 'Arn'] } : ruleKeys.map((ruleKey) => ({ 'Fn::GetAtt': [ruleKey, 'Arn'] })) } },
          },
        ],
      },
    },
  };
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
    TriggerDeadLetterQueuePolicy: queueOpenToRule('TriggerDeadLetterQueue', 'AlarmTriggerRule'),
  };
}

/** The rules of SSM's run ends, by the kind of run (the keys of shared/events/ssm-run-end.ts's RUN_END_PATTERNS). */
const RUN_END_RULES = { automation: 'ActionAutomationEndRule', command: 'ActionCommandEndRule' };

/**
 * DRS's launch results resume the waves waiting for them: an EventBridge rule puts them on a queue,
 * which resumeWave reads in batches (functions/resume-wave.ts; its event source in
 * deploy/functions.cjs), so a 1,000-server wave costs a few invocations, not 1,000. A lost event
 * costs only latency (the wait's timeout polls), so no dead-letter queue: a result older than the
 * fallback poll is of no use to anyone, and the queue keeps none longer than five minutes. SSM's
 * ends of post-launch action runs go the same way, to resume the waves waiting for their actions.
 */
function launchResultResources(manifest) {
  // The stage's other accounts forward their launch results here (deploy/member-account-role.yaml).
  const memberAccounts = [...new Set(accountRoleArns(manifest).map((arn) => arn.split(':')[4]))].sort();
  const busPolicies = Object.fromEntries(
    memberAccounts.map((account) => [
      `LaunchResultBusPolicy${account}`,
      {
        Type: 'AWS::Events::EventBusPolicy',
        Properties: {
          StatementId: `drs-orchestrator-launch-results-${account}`,
          Statement: {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${account}:root` },
            Action: 'events:PutEvents',
            Resource: sub('arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default'),
          },
        },
      },
    ]),
  );
  return {
    ...busPolicies,
    LaunchResultQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        MessageRetentionPeriod: 300,
        // Six times the function's timeout, as Lambda's event source mappings ask.
        VisibilityTimeout: 180,
        SqsManagedSseEnabled: true,
      },
    },
    LaunchResultRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: "DRS's Source Server Launch Result events resume the waves waiting for their launch",
        EventPattern: manifest.launchResultPattern,
        State: 'ENABLED',
        Targets: [{ Id: 'launchResults', Arn: { 'Fn::GetAtt': ['LaunchResultQueue', 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 120 } }],
      },
    },
    // SSM's ends of post-launch action runs (automation executions, commands) resume the waves waiting for their actions.
    ...Object.fromEntries(
      Object.entries(manifest.runEndPatterns).map(([kind, pattern]) => [
        RUN_END_RULES[kind],
        {
          Type: 'AWS::Events::Rule',
          Properties: {
            Description: `SSM's ends of ${kind === 'automation' ? 'automation executions' : 'commands'}: the post-launch action runs DRS started resume the waves waiting for them`,
            EventPattern: pattern,
            State: 'ENABLED',
            Targets: [{ Id: 'actionRunEnds', Arn: { 'Fn::GetAtt': ['LaunchResultQueue', 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 120 } }],
          },
        },
      ]),
    ),
    LaunchResultQueuePolicy: queueOpenToRule('LaunchResultQueue', 'LaunchResultRule', ...Object.values(RUN_END_RULES)),
  };
}

/** Called by the framework with its variable resolver: the stage decides which manifest. */
module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const manifest = loadManifest(stage);
  // What the settings of deploy/functions.cjs are computed from.
  const context = {
    stage,
    manifest,
    planFiles: Object.keys(manifest.planFiles).map((name) => `${manifest.compiled.plansDir}/${name}.json`),
    stateMachineName: stateMachineName(stage),
    stateMachineArn: stateMachineArn(stage),
  };
  const roles = Object.fromEntries(manifest.functions.map((key) => [`${pascal(key)}Role`, roleFor(key, context)]));
  return {
    functions: functionsOf(context),
    resources: { Resources: { ...roles, ...scheduleResources(stage, manifest), ...sweepResources(stage, manifest), ...alarmResources(manifest), ...launchResultResources(manifest) } },
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
module.exports.functionRolePath = functionRolePath;
module.exports.accountsVariable = accountsVariable;
module.exports.roleFor = roleFor;
module.exports.functionsOf = functionsOf;
