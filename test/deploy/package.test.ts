// `npm run package` once, offline, then the synthesized CloudFormation template is read the way
// CloudFormation would: what is deployed is what the repository says.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import aslValidator from 'asl-validator';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionKeyOf, listHandlerFiles } from '#deploy/build.ts';
import { lockTableDefinition } from '#shared/lock/keys.ts';
import { readStageConfig, type StageConfig } from '#shared/trigger/config.ts';
import { OUTPUT, PACKAGE_TIMEOUT_MS, packagedOutputs, packagedResources, readZip, root, unzip, type Resource } from './packaged.ts';

const { functionRolePath } = createRequire(import.meta.url)('../../deploy/serverless.cjs') as { functionRolePath: (stage: string) => string };

let resources: Record<string, Resource>;
let outputs: Record<string, { Value: unknown }>;
let stage: StageConfig;

/** The file names in a zip. */
const zipEntries = async (path: string): Promise<string[]> => [...(await readZip(path)).keys()];

function ofType(type: string): Array<[string, Resource]> {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

/** Every IAM statement in the template, with the resource that holds it. */
function statements(): Array<{ holder: string; statement: Record<string, any> }> {
  const found: Array<{ holder: string; statement: Record<string, any> }> = [];
  const walk = (holder: string, node: unknown) => {
    if (Array.isArray(node)) node.forEach((child) => walk(holder, child));
    else if (node !== null && typeof node === 'object') {
      if ('Effect' in node && 'Action' in node) found.push({ holder, statement: node as Record<string, any> });
      Object.values(node).forEach((child) => walk(holder, child));
    }
  };
  Object.entries(resources).forEach(([id, resource]) => walk(id, resource));
  return found;
}

const actionsOf = (statement: Record<string, any>): string[] => [statement.Action].flat();

/** The Lambda functions the recovery and failback state machines invoke, by logical ID. */
function workflowFunctions(): string[] {
  const invoked = ['RecoveryStateMachine', 'FailbackStateMachine'].flatMap((id) => {
    const [, parameters] = resources[id].Properties.DefinitionString['Fn::Sub'] as [string, Record<string, any>];
    return Object.values(parameters).map((parameter) => parameter['Fn::GetAtt'][0] as string);
  });
  return [...new Set(invoked)].sort();
}

/** The roles of the stage's accounts: what its functions may assume. */
const accountRoleArns = () => stage.accounts.flatMap((account) => (account.roleArn === undefined ? [] : [account.roleArn]));

function roleActions(roleId: string): string[] {
  return statements()
    .filter(({ holder }) => holder === roleId)
    .flatMap(({ statement }) => actionsOf(statement))
    .filter((action) => action !== 'sts:AssumeRole');
}

beforeAll(async () => {
  resources = await packagedResources();
  outputs = await packagedOutputs();
  stage = await readStageConfig(join(root, 'deploy', 'stages', 'ci.yaml'));
}, PACKAGE_TIMEOUT_MS);

describe('the packaged functions', () => {
  it('has one Lambda function per handler in functions/, arm64 on Node.js 22, traced, with its own role', async () => {
    const keys = (await listHandlerFiles()).map(functionKeyOf).sort();
    const lambdas = ofType('AWS::Lambda::Function');
    expect(lambdas.map(([id]) => id).sort()).toEqual(keys.map((key) => `${key[0].toUpperCase()}${key.slice(1)}LambdaFunction`).sort());
    for (const [id, lambda] of lambdas) {
      expect(lambda.Properties.Runtime, id).toBe('nodejs22.x');
      expect(lambda.Properties.Architectures, id).toEqual(['arm64']);
      expect(lambda.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      // The stage leaves traceAwsCalls at its default: no X-Ray SDK loaded at init.
      expect(lambda.Properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED, id).toBe(String(stage.traceAwsCalls));
      expect(stage.traceAwsCalls).toBe(false);
      expect(lambda.Properties.Role, id).toEqual({ 'Fn::GetAtt': [id.replace(/LambdaFunction$/, 'Role'), 'Arn'] });
    }
  });

  it("ships in each function's zip everything its handler loads: the bundle exports `handler` when run from the unpacked zip", async () => {
    const functions = new Map<string, NodeJS.ProcessEnv>();
    for (const [id, lambda] of ofType('AWS::Lambda::Function')) {
      const key = id.replace(/LambdaFunction$/, '');
      const functionKey = `${key[0].toLowerCase()}${key.slice(1)}`;
      expect(lambda.Properties.Handler).toBe(`.build/functions/${functionKey}/index.handler`);
      // The function's environment as the template sets it, CloudFormation references made up.
      const variables = Object.entries(lambda.Properties.Environment.Variables as Record<string, unknown>).map(([name, value]) => [
        name,
        typeof value === 'string' ? value : name.endsWith('_ARN') ? 'arn:aws:states:eu-west-1:123456789012:stateMachine:ci' : `${name.toLowerCase()}-ref`,
      ]);
      functions.set(functionKey, { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', ...Object.fromEntries(variables), POWERTOOLS_TRACE_ENABLED: 'true' });
    }
    // Each zip unpacked on its own, as Lambda unpacks it into /var/task, and its bundle imported
    // there by plain Node in the environment Lambda gives it, with tracing on so that the lazily
    // loaded Tracer chunk is loaded too.
    const exported = await Promise.all(
      [...functions].map(async ([functionKey, environment]) => {
        const task = await mkdtemp(join(tmpdir(), `drs-${functionKey}-`));
        try {
          const files = await unzip(join(OUTPUT, `${functionKey}.zip`), task);
          // Its own folder of the build and the stage's compiled files, nothing of another function.
          expect(files.every((name) => name.startsWith(`.build/functions/${functionKey}/`) || name.startsWith('.build/deploy/ci/')), files.join(', ')).toBe(true);
          const { stdout } = await promisify(execFile)(
            process.execPath,
            ['--input-type=module', '-e', `console.log(typeof (await import('./.build/functions/${functionKey}/index.mjs')).handler)`],
            { cwd: task, env: environment },
          );
          return [functionKey, stdout.trim()];
        } finally {
          await rm(task, { recursive: true, force: true });
        }
      }),
    );
    expect(Object.fromEntries(exported)).toEqual(Object.fromEntries([...functions.keys()].map((key) => [key, 'function'])));
  });

  it("passes the stage's accounts to every function of the state machines as ACCOUNTS, none to the trigger, and the lock table (no accounts) to the lock steps", () => {
    // The plan lock's steps reach the stack's own table only, never another account.
    const lockSteps = ['TakePlanLockLambdaFunction', 'ReleasePlanLockLambdaFunction', 'RequestApprovalLambdaFunction'];
    const workflow = workflowFunctions().filter((id) => !lockSteps.includes(id));
    expect(workflow.length).toBeGreaterThan(10);
    expect(stage.accounts.map((account) => account.alias)).toEqual(['primary', 'target-b', 'staging-a']);
    for (const id of workflow) expect(JSON.parse(resources[id].Properties.Environment.Variables.ACCOUNTS), id).toEqual(stage.accounts);
    for (const id of lockSteps) {
      expect(resources[id].Properties.Environment.Variables.LOCK_TABLE, id).toEqual({ Ref: 'LockTable' });
      expect(resources[id].Properties.Environment.Variables.ACCOUNTS, id).toBeUndefined();
    }
    expect(workflow).not.toContain('TriggerLambdaFunction');
    expect(resources.TriggerLambdaFunction.Properties.Environment.Variables.ACCOUNTS).toBeUndefined();
  });

  it('ships the deployed plans, compiled to JSON, with the workflow functions and the stage configuration with the trigger', async () => {
    const plansDir = resources.StartWaveLambdaFunction.Properties.Environment.Variables.PLANS_DIR;
    expect(plansDir).toBe('.build/deploy/ci/plans');
    expect(await zipEntries(join(OUTPUT, 'startWave.zip'))).toContain(`${plansDir}/payments.json`);
    const compiledPlan = JSON.parse(await readFile(join(root, plansDir, 'payments.json'), 'utf8'));
    expect(compiledPlan).toEqual(parse(await readFile(join(root, 'plans', 'example.yaml'), 'utf8')));
    const triggersFile = resources.TriggerLambdaFunction.Properties.Environment.Variables.TRIGGERS_FILE;
    expect(triggersFile).toBe('.build/deploy/ci/stage.json');
    expect(await zipEntries(join(OUTPUT, 'trigger.zip'))).toContain(triggersFile);
    expect(JSON.parse(await readFile(join(root, triggersFile), 'utf8'))).toEqual(parse(await readFile(join(root, 'deploy', 'stages', 'ci.yaml'), 'utf8')));
  });
});

describe.each([
  { name: 'recovery', id: 'RecoveryStateMachine' },
  { name: 'failback', id: 'FailbackStateMachine' },
  { name: 'stopped-run', id: 'StoppedRunStateMachine' },
])('the $name state machine', ({ name, id }) => {
  /** The template's definition with each substituted ARN written as `lambda:<LogicalId>`. */
  function deployedDefinition(): Record<string, any> {
    const [text, parameters] = resources[id].Properties.DefinitionString['Fn::Sub'] as [string, Record<string, any>];
    const substituted = text.replace(/\$\{(\w+)\}/g, (_, name: string) => {
      const getAtt = parameters[name]?.['Fn::GetAtt'];
      if (getAtt === undefined) throw new Error(`unexpected substitution \${${name}} in the definition`);
      return `lambda:${getAtt[0]}`;
    });
    return JSON.parse(substituted);
  }

  it(`is statemachines/${name}.asl.yaml, with the function keys' ARNs substituted`, async () => {
    const source = parse(await readFile(join(root, 'statemachines', `${name}.asl.yaml`), 'utf8'));
    const expected = JSON.parse(
      JSON.stringify(source, (key, value) => {
        const getAtt = value?.['Fn::GetAtt'];
        return (key === 'Resource' || key === 'FunctionName') && getAtt ? `lambda:${getAtt[0][0].toUpperCase()}${getAtt[0].slice(1)}LambdaFunction` : value;
      }),
    );
    expect(deployedDefinition()).toEqual(expected);
  });

  it('is valid ASL, and every Task resource is a function of the template', () => {
    const definition = deployedDefinition();
    const tasks = Object.values<Record<string, any>>(definition.States).filter((state) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(0);
    for (const task of tasks) {
      // A callback Task (the approval gate) invokes its function through lambda:invoke.waitForTaskToken.
      const callback = task.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken';
      const logicalId = String(callback ? task.Parameters.FunctionName : task.Resource).replace(/^lambda:/, '');
      expect(resources[logicalId]?.Type, task.Resource).toBe('AWS::Lambda::Function');
      if (callback) task.Parameters.FunctionName = `arn:aws:lambda:eu-west-1:123456789012:function:${logicalId}`;
      else task.Resource = `arn:aws:lambda:eu-west-1:123456789012:function:${logicalId}`;
    }
    const { isValid, errorsText } = aslValidator(definition);
    expect(isValid, errorsText()).toBe(true);
  });

  it('logs executions to its log group and traces them with X-Ray', () => {
    const properties = resources[id].Properties;
    expect(properties.LoggingConfiguration.Level).toBe('ALL');
    expect(properties.LoggingConfiguration.Destinations).toEqual([
      { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [`${id}LogGroup`, 'Arn'] } } },
    ]);
    expect(properties.TracingConfiguration).toEqual({ Enabled: true });
  });
});

describe('the state machine alarms and the drills dashboard', () => {
  it('has a dashboard of the drills', () => {
    expect(resources.DrillDashboard.Type).toBe('AWS::CloudWatch::Dashboard');
  });

  it.each([
    { alarm: 'RecoveryExecutionsFailedAlarm', stateMachine: 'RecoveryStateMachine' },
    { alarm: 'FailbackExecutionsFailedAlarm', stateMachine: 'FailbackStateMachine' },
  ])('pages the operators when one execution of $stateMachine fails, times out or is aborted', ({ alarm, stateMachine }) => {
    const properties = resources[alarm].Properties;
    const stats = properties.Metrics.filter((query: Record<string, any>) => query.MetricStat !== undefined);
    expect(stats.map((query: Record<string, any>) => query.MetricStat.Metric.MetricName).sort()).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
    for (const query of stats) {
      expect(query.MetricStat).toMatchObject({ Stat: 'Sum', Metric: { Namespace: 'AWS/States', Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: stateMachine } }] } });
    }
    const [alarmed] = properties.Metrics.filter((query: Record<string, any>) => query.ReturnData === true);
    // The alarmed expression adds up all three, each missing point counted as 0.
    for (const query of stats) expect(alarmed.Expression).toContain(`FILL(${query.Id}, 0)`);
    expect(properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [{ Ref: 'OperatorAlertsTopic' }] });
  });
});

describe('the triggers', () => {
  it("schedules each configured drill with its cron, time zone, retry policy and dead-letter queue", () => {
    const schedules = ofType('AWS::Scheduler::Schedule').filter(([, schedule]) => schedule.Properties.Target.Arn['Fn::GetAtt'][0] === 'TriggerLambdaFunction');
    expect(schedules).toHaveLength(stage.drills.length);
    const [, schedule] = schedules[0];
    expect(schedule.Properties).toMatchObject({ ScheduleExpression: 'cron(0 2 ? * SUN *)', ScheduleExpressionTimezone: 'Europe/Berlin', State: 'ENABLED' });
    const target = schedule.Properties.Target;
    expect(target.Arn).toEqual({ 'Fn::GetAtt': ['TriggerLambdaFunction', 'Arn'] });
    expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['TriggerDeadLetterQueue', 'Arn'] } });
    expect(JSON.parse(target.Input)).toMatchObject({ kind: 'scheduled-drill', plan: 'payments', scheduledTime: '<aws.scheduler.scheduled-time>' });
  });

  it('routes only the configured alarms going into ALARM to the trigger, with a dead-letter queue', () => {
    const rule = resources.AlarmTriggerRule.Properties;
    expect(rule.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { alarmName: ['payments-primary-site-down', 'payments-canary-failing'], state: { value: ['ALARM'] } },
    });
    expect(rule.Targets).toHaveLength(1);
    expect(rule.Targets[0].Arn).toEqual({ 'Fn::GetAtt': ['TriggerLambdaFunction', 'Arn'] });
    expect(rule.Targets[0].DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['TriggerDeadLetterQueue', 'Arn'] } });
    expect(resources.AlarmTriggerPermission.Properties).toMatchObject({ Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': ['AlarmTriggerRule', 'Arn'] } });
  });

  it('reserves no concurrency for the trigger: a new account has none to spare', () => {
    expect(resources.TriggerLambdaFunction.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('sends events the trigger failed on, and failed orphan sweeps, to the same dead-letter queue', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, config]) => config.Properties);
    expect(configs.map((config) => config.FunctionName.Ref).sort()).toEqual(['SweepLambdaFunction', 'TriggerLambdaFunction']);
    for (const config of configs) expect(config.DestinationConfig).toEqual({ OnFailure: { Destination: { 'Fn::GetAtt': ['TriggerDeadLetterQueue', 'Arn'] } } });
  });
});

describe('the orphan sweeper', () => {
  it("runs on the stage's schedule with the scheduled time, and its settings reach the function", () => {
    const schedule = resources.OrphanSweepSchedule.Properties;
    expect(schedule).toMatchObject({ ScheduleExpression: 'rate(12 hours)', State: 'ENABLED', Target: { Arn: { 'Fn::GetAtt': ['SweepLambdaFunction', 'Arn'] } } });
    expect(JSON.parse(schedule.Target.Input)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(schedule.Target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['TriggerDeadLetterQueue', 'Arn'] } });
    const variables = resources.SweepLambdaFunction.Properties.Environment.Variables;
    expect(JSON.parse(variables.SWEEP_SETTINGS)).toEqual({ schedule: 'rate(12 hours)', olderThanHours: 24, terminateUnknown: false });
    expect(JSON.parse(variables.ACCOUNTS)).toEqual(stage.accounts);
  });

  it('may terminate recovery instances in its own account and read, not start, executions of the three workflows', () => {
    expect(roleActions('SweepRole').filter((action) => /^drs:(Start|Terminate|Tag|Create)/.test(action))).toEqual(['drs:TerminateRecoveryInstances']);
    expect(roleActions('SweepRole').filter((action) => action.startsWith('states:')).sort()).toEqual(['states:DescribeExecution', 'states:ListExecutions']);
  });

  it('pages the operators when a sweep finds orphans', () => {
    expect(resources.OrphansFoundAlarm.Properties).toMatchObject({
      Namespace: 'DrsOrchestrator',
      MetricName: 'OrphansFound',
      Dimensions: [{ Name: 'service', Value: 'drs-orchestrator' }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: 'OperatorAlertsTopic' }],
    });
  });
});

describe('IAM', () => {
  it('grants no wildcard action (a Deny may use one: it only takes away)', () => {
    const wildcards = statements()
      .filter(({ statement }) => statement.Effect === 'Allow')
      .flatMap(({ holder, statement }) => actionsOf(statement).filter((action) => action.includes('*')).map((action) => `${holder}: ${action}`));
    expect(wildcards).toEqual([]);
  });

  it("lets every function that calls DRS assume exactly the roles of the stage's accounts, and no other function any role", () => {
    const functionRoles = ofType('AWS::Lambda::Function').map(([, lambda]) => lambda.Properties.Role['Fn::GetAtt'][0] as string);
    const assumable = (role: string) =>
      statements()
        .filter(({ holder, statement }) => holder === role && statement.Principal === undefined && actionsOf(statement).includes('sts:AssumeRole'))
        .map(({ statement }) => statement);
    expect(accountRoleArns()).toEqual(['arn:aws:iam::222233334444:role/drs-orchestrator-access']);
    for (const role of functionRoles) {
      const grants = assumable(role);
      if (roleActions(role).some((action) => action.startsWith('drs:'))) {
        expect(grants.map((statement) => statement.Resource), role).toEqual([accountRoleArns()]);
        expect(grants.flatMap(actionsOf), role).toEqual(['sts:AssumeRole']);
      } else {
        expect(grants, role).toEqual([]);
      }
    }
    expect(assumable('StartWaveRole')).toHaveLength(1);
    expect(assumable('TriggerRole')).toEqual([]);
  });

  it('puts the function roles under the path the member-account role trusts (deploy/member-account-role.yaml)', () => {
    const functionRoles = ofType('AWS::Lambda::Function').map(([, lambda]) => lambda.Properties.Role['Fn::GetAtt'][0] as string);
    for (const role of functionRoles) expect(resources[role].Properties.Path, role).toBe(functionRolePath('ci'));
    expect(functionRolePath('ci')).toBe('/drs-orchestrator/ci/');
  });

  it('gives DRS write actions only to the functions that need them', () => {
    const drsWrites = (role: string) => roleActions(role).filter((action) => /^drs:(Start|Terminate|Tag|Create)/.test(action)).sort();
    expect(drsWrites('StartWaveRole')).toEqual(['drs:CreateRecoveryInstanceForDrs', 'drs:StartRecovery', 'drs:TagResource']);
    expect(drsWrites('CleanUpDrillRole')).toEqual(['drs:TerminateRecoveryInstances']);
    for (const role of ['ValidateInputRole', 'PreflightRole', 'CheckLaunchRole', 'CheckPostLaunchActionsRole', 'CompleteWaveRole', 'WriteReportRole', 'TriggerRole']) {
      expect(drsWrites(role), role).toEqual([]);
    }
    expect(roleActions('TriggerRole').filter((action) => action.startsWith('drs:') || action.startsWith('ec2:'))).toEqual([]);
    expect(roleActions('TriggerRole')).toEqual(expect.arrayContaining(['states:StartExecution', 'states:ListExecutions']));
    expect(roleActions('WriteReportRole')).toContain('s3:PutObject');
    expect(drsWrites('StopStartedFailbacksRole')).toEqual([]);
    expect(roleActions('StopStartedFailbacksRole')).toContain('drs:StopFailback');
    expect(drsWrites('StartFailbackWaveRole')).toEqual(['drs:CreateRecoveryInstanceForDrs', 'drs:StartFailbackLaunch', 'drs:StartRecovery', 'drs:TagResource']);
  });
});

describe('the reports bucket', () => {
  it('is encrypted, blocks public access and expires old reports', () => {
    const bucket = resources.ReportsBucket.Properties;
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.LifecycleConfiguration.Rules[0]).toMatchObject({ Status: 'Enabled', Prefix: 'reports/', ExpirationInDays: stage.reportRetentionDays });
  });
});

describe('the launch results queue', () => {
  it('feeds the function resuming waves at most 10 messages an invocation, with no batching window (Lambda takes more from SQS only with a window of 1 s or more)', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, mapping]) => mapping.Properties);
    expect(mappings).toEqual([expect.objectContaining({ EventSourceArn: { 'Fn::GetAtt': ['LaunchResultQueue', 'Arn'] }, BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] })]);
    for (const mapping of mappings) {
      // Lambda API reference, MaximumBatchingWindowInSeconds: for SQS, a BatchSize over 10 needs a window of at least 1 s.
      if ((mapping.BatchSize as number) > 10) expect(mapping.MaximumBatchingWindowInSeconds).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('the lock table', () => {
  it('is on demand, keyed by the string pk, expires items by expiresAt, and its stage-specific name is an output', () => {
    const [[id, table], ...others] = ofType('AWS::DynamoDB::Table');
    expect(others).toEqual([]);
    // The local runner creates the same table (lockTableDefinition), without TTL (dynalite has none).
    expect(table.Properties).toEqual({
      ...lockTableDefinition('drs-orchestrator-ci-locks'),
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(table.Properties.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    expect(outputs.LockTableName.Value).toEqual({ Ref: id });
  });
});
