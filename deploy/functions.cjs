// Per-function deploy settings, one entry per handler in functions/, keyed by function key
// (functions/start-wave.ts → startWave): what the function may do besides writing its logs and
// traces (IAM), how long it may run, what it reads at run time besides its bundle, and Lambda
// settings of its own. deploy/serverless.cjs turns each entry into a function and its role; a
// handler without an entry fails the package, so each new function's permissions are decided.
// deploy/member-account-role.ts composes the role a member account deploys from the same
// statement builders, so both accounts' grants read, and are scoped, alike.
// CommonJS, like serverless.cjs, which the framework require()s.
'use strict';

const sub = (text) => ({ 'Fn::Sub': text });
const allow = (Action, Resource) => ({ Effect: 'Allow', Action, Resource });

// DRS actions without resource types in the Service Authorization Reference (SAR) — DescribeJobs,
// DescribeSourceServers, DescribeRecoveryInstances and the like — take Resource "*": a scoped
// grant would never match them. Every other action is scoped to this account's DRS resources of
// the type it acts on (test/deploy/iam.test.ts checks both against the SAR data).
const DRS_ANY = '*';
const drsArnIn = (region, type, account = '${AWS::AccountId}') => sub(`arn:\${AWS::Partition}:drs:${region}:${account}:${type}/*`);
const drsArn = (type) => drsArnIn('${AWS::Region}', type);
/** Failback of EC2 origins acts in the origin Region too: this account's resources, any Region. */
const drsArnAnyRegion = (type) => drsArnIn('*', type);
const read = (...actions) => allow(actions.map((action) => `drs:${action}`), DRS_ANY);
const jobLogs = () => allow(['drs:DescribeJobLogItems'], drsArn('job'));
const reports = (...suffixes) => allow(['s3:PutObject'], suffixes.map((suffix) => sub(`\${ReportsBucket.Arn}/reports/*${suffix}`)));

/** Where a function acts: its own Region, or (failback of EC2 origins) any Region of the account. */
const HOME = '${AWS::Region}';
const ANY_REGION = '*';

/**
 * Actions DRS performs with the function's credentials (forward access): allowed only when the
 * request comes through DRS (aws:CalledVia, the key AWS's own AWSElasticDisasterRecoveryConsoleFullAccess_v2
 * uses for DRS's calls). The functions call no EC2 or CloudFormation API themselves.
 */
const VIA_DRS = { 'ForAnyValue:StringEquals': { 'aws:CalledVia': ['drs.amazonaws.com'] } };
const viaDrs = (Action, Resource, Condition = {}) => ({ Effect: 'Allow', Action, Resource, Condition: { ...VIA_DRS, ...Condition } });

/** EC2 resources DRS created: it tags them AWSElasticDisasterRecoveryManaged (as a request tag when creating). */
const DRS_MANAGED = 'AWSElasticDisasterRecoveryManaged';
const managedByDrs = { Null: { [`aws:ResourceTag/${DRS_MANAGED}`]: 'false' } };
const createdAsManagedByDrs = { Null: { [`aws:RequestTag/${DRS_MANAGED}`]: 'false' } };
/** Snapshots and images have no account in their ARN (SAR). */
const ec2Arn = (region, type, account = '${AWS::AccountId}') => sub(`arn:\${AWS::Partition}:ec2:${region}:${account}:${type}/*`);

/** The EC2 reads among StartRecovery's dependent actions: no resource types, "*" only. */
const START_RECOVERY_EC2_READS = [
  'ec2:DescribeAccountAttributes', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeImages',
  'ec2:DescribeInstanceAttribute', 'ec2:DescribeInstanceStatus', 'ec2:DescribeInstanceTypes',
  'ec2:DescribeInstances', 'ec2:DescribeLaunchTemplateVersions', 'ec2:DescribeLaunchTemplates',
  'ec2:DescribeSecurityGroups', 'ec2:DescribeSnapshots', 'ec2:DescribeSubnets', 'ec2:DescribeVolumes',
];

/**
 * StartRecovery runs the launch with the caller's credentials (forward access): its 32 EC2
 * dependent actions (SAR, drs:StartRecovery), each scoped the way AWS's console policy
 * (AWSElasticDisasterRecoveryConsoleFullAccess_v2, v9) scopes it: only through DRS, and writes only
 * on resources DRS manages or creates tagged as its own.
 */
function startRecoveryEc2(region) {
  const instances = ec2Arn(region, 'instance');
  const volumes = ec2Arn(region, 'volume');
  const snapshots = ec2Arn(region, 'snapshot', '');
  const templates = ec2Arn(region, 'launch-template');
  const interfaces = ec2Arn(region, 'network-interface');
  return [
    viaDrs(START_RECOVERY_EC2_READS, '*'),
    viaDrs(['ec2:RunInstances'], instances, createdAsManagedByDrs),
    // The other resources a launch uses: the AMI, subnet, security groups and launch template of the launch settings.
    viaDrs(['ec2:RunInstances'], [ec2Arn(region, 'image', ''), ec2Arn(region, 'subnet'), ec2Arn(region, 'security-group'), volumes, interfaces, templates]),
    viaDrs(['ec2:StartInstances', 'ec2:StopInstances', 'ec2:TerminateInstances', 'ec2:ModifyInstanceAttribute', 'ec2:AttachVolume', 'ec2:DetachVolume'], instances, managedByDrs),
    // An existing instance the launch configuration names to launch into carries this tag instead.
    viaDrs(['ec2:StartInstances', 'ec2:AttachVolume', 'ec2:DetachVolume'], instances, { StringEquals: { 'ec2:ResourceTag/AWSDRS': 'AllowLaunchingIntoThisInstance' } }),
    viaDrs(['ec2:CreateVolume'], volumes, createdAsManagedByDrs),
    viaDrs(['ec2:AttachVolume', 'ec2:DeleteVolume', 'ec2:CreateSnapshot'], volumes, managedByDrs),
    // Detaching needs no tag (AWS's policy): a launched-into instance's own volumes have none.
    viaDrs(['ec2:DetachVolume'], volumes),
    viaDrs(['ec2:CreateSnapshot'], snapshots, createdAsManagedByDrs),
    viaDrs(['ec2:CreateVolume', 'ec2:DeleteSnapshot'], snapshots, managedByDrs),
    viaDrs(['ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:RevokeSecurityGroupEgress'], ec2Arn(region, 'security-group'), managedByDrs),
    viaDrs(['ec2:CreateLaunchTemplate'], templates, createdAsManagedByDrs),
    viaDrs(['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate', 'ec2:DeleteLaunchTemplateVersions', 'ec2:CreateTags'], templates, managedByDrs),
    // Tags given while creating (the DRS-managed tag among them).
    viaDrs(['ec2:CreateTags'], [instances, volumes, snapshots, interfaces], { StringEquals: { 'ec2:CreateAction': ['RunInstances', 'CreateVolume', 'CreateSnapshot'] } }),
    viaDrs(['ec2:CreateTags'], templates, { StringEquals: { 'ec2:CreateAction': ['CreateLaunchTemplate'] } }),
  ];
}

/**
 * TerminateRecoveryInstances' EC2 dependent actions (SAR): DRS terminates the instances it launched
 * and deletes their volumes, in `region` (or each of several Regions).
 */
function terminateEc2(region) {
  const arns = (type) => {
    const each = [region].flat().map((one) => ec2Arn(one, type));
    return each.length === 1 ? each[0] : each;
  };
  return [
    viaDrs(['ec2:DescribeInstances', 'ec2:DescribeVolumes'], '*'),
    viaDrs(['ec2:TerminateInstances'], arns('instance'), managedByDrs),
    viaDrs(['ec2:DeleteVolume'], arns('volume'), managedByDrs),
  ];
}

/** The instance roles DRS's default launch templates attach; a stage's `launch.passRoleArns` replaces them. */
const DEFAULT_INSTANCE_ROLES = [
  'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/service-role/AWSElasticDisasterRecoveryRecoveryInstanceRole',
  'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/service-role/AWSElasticDisasterRecoveryRecoveryInstanceWithLaunchActionsRole',
];
/**
 * The conversion server DRS launches during a recovery runs with this role, passed with the
 * caller's credentials like the instance roles (AWS's console policy passes it too): always.
 */
const CONVERSION_SERVER_ROLE = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/service-role/AWSElasticDisasterRecoveryConversionServerRole';

/**
 * The stack's own resources: CloudFormation creates them with the same credentials, still through
 * DRS. The SAR does not list them (they depend on the template DRS writes): the VPC set a recovered
 * network needs, *unconfirmed* offline (README, IAM).
 */
const SOURCE_NETWORK_VPC = [
  'ec2:CreateVpc', 'ec2:ModifyVpcAttribute', 'ec2:CreateSubnet', 'ec2:CreateRouteTable', 'ec2:CreateRoute',
  'ec2:AssociateRouteTable', 'ec2:CreateInternetGateway', 'ec2:AttachInternetGateway', 'ec2:CreateSecurityGroup',
  'ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:CreateNetworkAcl',
  'ec2:CreateNetworkAclEntry', 'ec2:ReplaceNetworkAclAssociation', 'ec2:CreateTags',
  'ec2:DescribeRouteTables', 'ec2:DescribeInternetGateways', 'ec2:DescribeNetworkAcls', 'ec2:DescribeAvailabilityZones',
];

/**
 * StartSourceNetworkRecovery deploys each recovered VPC with a CloudFormation stack under the
 * caller's credentials and points the servers' launch templates at it. Its dependent actions (SAR):
 * the stack, the servers' launch configurations and DRS-managed launch templates, and S3 objects
 * (the stack's template, in a bucket DRS does not name). DRS names the stacks itself unless the
 * plan gives cfnStackName, and its naming is undocumented: any stack of this account and Region,
 * only through DRS.
 */
function sourceNetworkRecovery() {
  return [
    allow(['drs:StartSourceNetworkRecovery'], drsArn('source-network')),
    allow(['drs:GetLaunchConfiguration'], drsArn('source-server')),
    allow(['drs:TagResource'], drsArn('job')),
    viaDrs(
      ['cloudformation:CreateStack', 'cloudformation:UpdateStack', 'cloudformation:DescribeStacks', 'cloudformation:DescribeStackResource'],
      sub('arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/*'),
    ),
    viaDrs(['s3:GetObject', 's3:PutObject'], sub('arn:${AWS::Partition}:s3:::*/*')),
    viaDrs(['ec2:DescribeLaunchTemplateVersions', 'ec2:DescribeLaunchTemplates', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'], '*'),
    viaDrs(['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate'], ec2Arn(HOME, 'launch-template'), managedByDrs),
    viaDrs(SOURCE_NETWORK_VPC, '*'),
  ];
}

/**
 * What CloudFormation does with the caller's credentials when it deletes a stack DRS deployed
 * without a service role (DeleteStack: "If no role is available, CloudFormation uses a temporary
 * session that's generated from your user credentials"): only when CloudFormation makes the call.
 */
const VIA_CLOUDFORMATION = { 'ForAnyValue:StringEquals': { 'aws:CalledVia': ['cloudformation.amazonaws.com'] } };
const viaCloudFormation = (Action, Resource) => ({ Effect: 'Allow', Action, Resource, Condition: VIA_CLOUDFORMATION });

/**
 * Removing a drill's network stacks: the run's network jobs and their logs (which stack each
 * network got), DescribeSourceNetworks when a log names none, the orchestrator's own DescribeStacks
 * and DeleteStack, and what CloudFormation needs to delete the resources of SOURCE_NETWORK_VPC. Any
 * stack of this account and Region: DRS names the stacks itself unless the plan gives
 * cfnStackName, and its naming is undocumented (the domain deletes only stacks its drill created).
 * The EC2 deletes are on this account's resources of their type in the Region, through
 * CloudFormation only; not conditioned on CloudFormation's own `aws:cloudformation:stack-id` tag:
 * its propagation "varies by resource type" (CloudFormation resource tagging), and deleting a
 * subnet's network ACL association re-associates the subnet with the VPC's default network ACL,
 * which EC2 created, untagged.
 */
function drillNetworkRemoval() {
  const ec2 = (type) => ec2Arn(HOME, type);
  return [
    read('DescribeJobs', 'DescribeSourceNetworks'),
    jobLogs(),
    allow(['cloudformation:DescribeStacks', 'cloudformation:DeleteStack'], sub('arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/*')),
    viaCloudFormation(['ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeRouteTables', 'ec2:DescribeInternetGateways', 'ec2:DescribeSecurityGroups', 'ec2:DescribeNetworkAcls'], '*'),
    viaCloudFormation(['ec2:DeleteVpc'], ec2('vpc')),
    viaCloudFormation(['ec2:DetachInternetGateway'], [ec2('internet-gateway'), ec2('vpc')]),
    viaCloudFormation(['ec2:DeleteInternetGateway'], ec2('internet-gateway')),
    viaCloudFormation(['ec2:DeleteSubnet'], ec2('subnet')),
    viaCloudFormation(['ec2:DeleteRouteTable', 'ec2:DeleteRoute'], ec2('route-table')),
    viaCloudFormation(['ec2:DisassociateRouteTable'], [ec2('route-table'), ec2('subnet')]),
    viaCloudFormation(['ec2:DeleteSecurityGroup', 'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'], ec2('security-group')),
    viaCloudFormation(['ec2:DeleteNetworkAcl', 'ec2:DeleteNetworkAclEntry'], ec2('network-acl')),
    viaCloudFormation(['ec2:ReplaceNetworkAclAssociation'], [ec2('network-acl'), ec2('subnet')]),
  ];
}

/** The roles a launch passes to EC2: the conversion server role and the stage's instance roles. */
const passedRoles = (manifest) => [CONVERSION_SERVER_ROLE, ...(manifest.config.launch.passRoleArns ?? DEFAULT_INSTANCE_ROLES)].map(sub);

/**
 * What a function that launches recovery instances (StartRecovery) needs besides DRS, in `region`;
 * `passedRoleArns`: the Resource of its iam:PassRole (passedRoles).
 */
function launchStatements(region, passedRoleArns) {
  return [
    allow(['drs:CreateRecoveryInstanceForDrs'], drsArnIn(region, 'source-server')),
    // No resource types (SAR): a statement scoped to ARNs never matches it.
    allow(['drs:ListTagsForResource'], DRS_ANY),
    ...startRecoveryEc2(region),
    { Effect: 'Allow', Action: ['iam:PassRole'], Resource: passedRoleArns, Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } },
  ];
}

/** DescribeRecoveryInstances' dependent actions (SAR): DRS looks up the source servers and the EC2 instances. */
const describeRecoveryInstances = () => [read('DescribeRecoveryInstances', 'DescribeSourceServers'), viaDrs(['ec2:DescribeInstances'], '*')];

/**
 * Automation post-launch actions run with the credentials of whoever started the job: every
 * function that calls StartRecovery (startWave, and the failback launch in origin Regions).
 */
const LAUNCH_ACTIONS_POLICY = sub('arn:${AWS::Partition}:iam::aws:policy/AWSElasticDisasterRecoveryLaunchActionsPolicy');
const launchActionsPolicy = ({ manifest }) => (manifest.config.launch.launchActionsPolicy ? [LAUNCH_ACTIONS_POLICY] : undefined);

const TRIGGER_DEAD_LETTER_QUEUE = { 'Fn::GetAtt': ['TriggerDeadLetterQueue', 'Arn'] };

/** The Regions the home account recovers in: its entry's `regions` in the stage's accounts, else the deployment's. */
const homeRegions = (manifest) => manifest.config.accounts.find((account) => account.home === true)?.regions ?? [HOME];

/** The stage's three state machines by name (serverless.yml names them after the recovery one). */
const stateMachineNames = (stateMachineName) => ({ recovery: stateMachineName, failback: `${stateMachineName}-failback`, stoppedRun: `${stateMachineName}-stopped-run` });
const statesArn = (kind, name) => sub(`arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:${kind}:${name}`);

/** The plan lock table (serverless.yml, LockTable): its items only, no other table. */
const lockTable = (...actions) => allow(actions.map((action) => `dynamodb:${action}`), { 'Fn::GetAtt': ['LockTable', 'Arn'] });
/** A lock step: no plan files, no events, no DRS, the table's name as LOCK_TABLE. */
const LOCK_STEP = { files: () => [], progressEvents: false, stageAccounts: false, lambda: () => ({ environment: { LOCK_TABLE: { Ref: 'LockTable' } } }) };
/** Executions of the two workflows that hold plan locks: the recovery and the failback workflow. */
const lockHolderExecutions = (stateMachineName) =>
  [stateMachineName, `${stateMachineName}-failback`].map((name) => sub(`arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:${name}:*`));

/**
 * The deployed plans' action functions (names in this account and Region, or ARNs), each also with
 * a qualifier (a version or alias): lambda:InvokeFunction and GetFunctionConfiguration on these only.
 */
const actionFunctionArns = (manifest) =>
  (manifest.actions?.functions ?? []).flatMap((fn) => {
    const unqualified = fn.startsWith('arn:') ? fn.split(':').slice(0, 7).join(':') : `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${fn.split(':')[0]}`;
    return [sub(unqualified), sub(`${unqualified}:*`)];
  });
/** The deployed plans' Automation documents: AWS-owned ones (AWS-…) have no account in their ARN. */
const actionDocumentArns = (manifest) =>
  (manifest.actions?.documents ?? []).map((document) =>
    document.startsWith('arn:') ? document : sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:${document.startsWith('AWS-') ? '' : '\${AWS::AccountId}'}:document/${document}`),
  );
const automationExecutions = sub('arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*');
/** Preflight's look at the actions: the functions and documents exist (nothing when no plan has actions). */
const actionChecks = (manifest) => [
  ...(actionFunctionArns(manifest).length === 0 ? [] : [allow(['lambda:GetFunctionConfiguration'], actionFunctionArns(manifest))]),
  ...(actionDocumentArns(manifest).length === 0 ? [] : [allow(['ssm:DescribeDocument'], actionDocumentArns(manifest))]),
];
/** The automation role the stage configures: the only role passed, and only to SSM. */
const automationRole = (manifest) => manifest.config.actions?.automationRoleArn;

/**
 * A step of the workflows: packaged with the deployed plans, allowed to publish progress events,
 * given the stage's accounts, a minute to run unless `settings` says otherwise.
 */
function step(statements, settings = {}) {
  return { timeout: 60, files: ({ planFiles }) => planFiles, progressEvents: true, stageAccounts: true, statements, ...settings };
}

const readWaveJobs = () => [read('DescribeJobs', 'DescribeSourceServers')];

/** What preflight reads (and the dry run, which reads the same and changes nothing). */
const preflightReads = ({ manifest }) => [
  // DescribeSourceNetworks: the plan's source networks exist (no resource types: "*" only).
  read('DescribeSourceServers', 'DescribeJobs', 'DescribeSourceNetworks'),
  allow(['drs:DescribeRecoverySnapshots'], drsArn('source-server')),
  // The staging servers a target account may extend (no resource types: "*" only).
  allow(['drs:ListExtensibleSourceServers'], '*'),
  ...actionChecks(manifest),
];

/** ReverseReplication's dependent actions (SAR), besides drs:DescribeSourceServers and ec2:DescribeInstances. */
const REVERSE_REPLICATION_DRS = ['DescribeReplicationConfigurationTemplates'];

/** The failback launch: startFailbackWave and checkFailback need the same. */
const failbackLaunch = ({ manifest }) => [
  read('DescribeJobs', 'DescribeRecoveryInstances', 'DescribeSourceServers', ...REVERSE_REPLICATION_DRS),
  allow(['drs:StartFailbackLaunch', 'drs:ReverseReplication'], drsArnAnyRegion('recovery-instance')),
  // EC2 origins: the reversed source server is recovered in the origin Region, waiting for the
  // post-launch actions it has and its launch configuration enables.
  allow(['drs:StartRecovery', 'drs:ListLaunchActions', 'drs:GetLaunchConfiguration'], drsArnAnyRegion('source-server')),
  allow(['drs:TagResource'], drsArnAnyRegion('job')),
  ...launchStatements(ANY_REGION, passedRoles(manifest)),
];

/**
 * Function key → its settings. Every function gets its own role with logs and X-Ray; besides:
 *  - statements(context): its IAM statements; everything else is denied.
 *  - progressEvents: events:PutEvents on the stage's bus.
 *  - stageAccounts: the stage's `accounts:` as its ACCOUNTS variable and, if it calls DRS,
 *    sts:AssumeRole on their roles (it calls DRS in those accounts as in its own).
 *  - timeout (seconds); files(context): what its package ships besides its bundle.
 *  - managedPolicyArns(context), lambda(context): optional managed policies and function settings.
 * context: { stage, manifest, planFiles, stateMachineName, stateMachineArn } (deploy/serverless.cjs).
 */
const FUNCTIONS = {
  // Not a workflow step: it starts the workflow.
  trigger: {
    timeout: 30,
    files: ({ manifest }) => [manifest.compiled.configFile],
    progressEvents: false,
    statements: ({ stateMachineName, stateMachineArn }) => [
      allow(['states:StartExecution', 'states:ListExecutions'], stateMachineArn),
      // The plan of a running execution is in its input: how a run of the same plan is refused.
      allow(['states:DescribeExecution'], sub(`arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:${stateMachineName}:*`)),
      // Lambda's on-failure destination for events the trigger could not handle.
      allow(['sqs:SendMessage'], TRIGGER_DEAD_LETTER_QUEUE),
    ],
    lambda: ({ manifest, stateMachineArn }) => ({
      description: 'Starts the recovery workflow for a drill schedule or an alarm going into ALARM',
      // No reserved concurrency: Lambda keeps 10 of an account's concurrency unreserved, and a new
      // account has 10 in all, so reserving even 1 fails the deploy there. Repeated deliveries of
      // one event still start one run (the execution is named after the event: Step Functions
      // de-duplicates); two different events of one plan within the same second can both pass
      // the "no run of this plan in progress" check, and the workflow's plan lock (takePlanLock)
      // then ends the second run before it changes anything.
      maximumRetryAttempts: 2,
      destinations: { onFailure: { type: 'sqs', arn: TRIGGER_DEAD_LETTER_QUEUE } },
      environment: { STATE_MACHINE_ARN: stateMachineArn, TRIGGERS_FILE: manifest.compiled.configFile },
    }),
  },

  // Not a step either: its schedule (deploy/serverless.cjs) and people (npm run aws -- sweep) invoke it.
  sweep: {
    timeout: 300,
    files: () => [],
    progressEvents: true,
    stageAccounts: true,
    statements: ({ manifest, stateMachineName }) => {
      const names = stateMachineNames(stateMachineName);
      const regions = homeRegions(manifest);
      return [
        read('DescribeRecoveryInstances', 'DescribeSourceServers', 'DescribeJobs'),
        allow(['drs:TerminateRecoveryInstances'], regions.map((region) => drsArnIn(region, 'recovery-instance'))),
        ...terminateEc2(regions),
        // Whether the run that launched a drill instance still runs, in any of the three workflows.
        allow(['states:DescribeExecution'], Object.values(names).map((name) => statesArn('execution', `${name}:*`))),
        // The stopped-run workflow's executions are named by Step Functions: listed, then read for what they clean up after.
        allow(['states:ListExecutions'], statesArn('stateMachine', names.stoppedRun)),
        // Lambda's on-failure destination: a scheduled sweep that could not reach an account.
        allow(['sqs:SendMessage'], TRIGGER_DEAD_LETTER_QUEUE),
      ];
    },
    lambda: ({ manifest, stateMachineName }) => {
      const names = stateMachineNames(stateMachineName);
      return {
        description: 'Terminates drill instances no run will terminate; lists other old drill instances',
        // A sweep that failed after Lambda's retries lands with the undelivered triggers, whose alarm pages the operators.
        destinations: { onFailure: { type: 'sqs', arn: TRIGGER_DEAD_LETTER_QUEUE } },
        environment: {
          SWEEP_SETTINGS: JSON.stringify(manifest.config.sweep),
          RECOVERY_STATE_MACHINE_ARN: statesArn('stateMachine', names.recovery),
          FAILBACK_STATE_MACHINE_ARN: statesArn('stateMachine', names.failback),
          STOPPED_RUN_STATE_MACHINE_ARN: statesArn('stateMachine', names.stoppedRun),
        },
      };
    },
  },

  validateInput: step(() => []),
  // One run per plan: a conditional write, and whether the run holding the plan still runs.
  takePlanLock: step(({ stateMachineName }) => [lockTable('PutItem', 'GetItem'), allow(['states:DescribeExecution'], lockHolderExecutions(stateMachineName))], LOCK_STEP),
  releasePlanLock: step(() => [lockTable('DeleteItem')], LOCK_STEP),
  preflight: step(preflightReads, { lambda: ({ manifest }) => ({ environment: automationRole(manifest) === undefined ? {} : { AUTOMATION_ROLE_ARN: sub(automationRole(manifest)) } }) }),
  // Not a step: the dry run (npm run aws -- plan) invokes it. Preflight's reads, nothing more: it changes nothing.
  inspectPlan: step(preflightReads, {
    progressEvents: false,
    lambda: ({ manifest }) => ({
      description: "The dry run: every wave of a plan resolved against DRS as preflight would, and its problems; launches nothing",
      environment: automationRole(manifest) === undefined ? {} : { AUTOMATION_ROLE_ARN: sub(automationRole(manifest)) },
    }),
  }),
  // The next wave's gate and actions: read from the plan.
  prepareWave: step(() => []),
  // The approval gate: stores the task token for the approve and reject commands, and tells the operators.
  requestApproval: {
    timeout: 30,
    files: () => [],
    progressEvents: true,
    stageAccounts: false,
    statements: () => [lockTable('PutItem'), allow(['sns:Publish'], { Ref: 'OperatorAlertsTopic' })],
    lambda: () => ({ environment: { LOCK_TABLE: { Ref: 'LockTable' }, OPERATOR_TOPIC_ARN: { Ref: 'OperatorAlertsTopic' } } }),
  },
  // The wave's actions: invokes only the deployed plans' functions, starts only their documents,
  // passes only the stage's automation role; the ledger keeps a retried step from starting one twice.
  // Fifteen minutes: a lambda action may take fourteen.
  runWaveActions: step(
    ({ manifest }) => [
      read('DescribeJobs', 'DescribeSourceServers'),
      ...describeRecoveryInstances(),
      lockTable('PutItem', 'GetItem', 'UpdateItem', 'DeleteItem'),
      ...(actionFunctionArns(manifest).length === 0 ? [] : [allow(['lambda:InvokeFunction'], actionFunctionArns(manifest))]),
      ...(actionDocumentArns(manifest).length === 0
        ? []
        : [
            allow(['ssm:DescribeDocument'], actionDocumentArns(manifest)),
            allow(['ssm:StartAutomationExecution'], [...actionDocumentArns(manifest), automationExecutions]),
            allow(['ssm:GetAutomationExecution', 'ssm:StopAutomationExecution'], automationExecutions),
          ]),
      ...(automationRole(manifest) === undefined
        ? []
        : [{ Effect: 'Allow', Action: ['iam:PassRole'], Resource: sub(automationRole(manifest)), Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } } }]),
    ],
    {
      timeout: 900,
      lambda: ({ manifest }) => ({
        environment: { LOCK_TABLE: { Ref: 'LockTable' }, ...(automationRole(manifest) === undefined ? {} : { AUTOMATION_ROLE_ARN: sub(automationRole(manifest)) }) },
      }),
    },
  ),
  extendSourceServers: step(
    () => [
      read('DescribeSourceServers'),
      // No resource types: "*" only. The extension is tagged with the plan and the execution.
      allow(['drs:ListExtensibleSourceServers', 'drs:CreateExtendedSourceServer'], '*'),
      // CreateExtendedSourceServer's dependent action reads a replication configuration: the
      // staging server's, in its own account, or the new one's (unconfirmed offline), so any account's.
      allow(['drs:GetReplicationConfiguration'], drsArnIn('${AWS::Region}', 'source-server', '*')),
      allow(['drs:TagResource'], drsArn('source-server')),
    ],
    { timeout: 300 },
  ),
  startWave: step(
    ({ manifest }) => [
      read('DescribeSourceServers', 'DescribeJobs'),
      // The snapshot to recover from.
      allow(['drs:StartRecovery', 'drs:DescribeRecoverySnapshots'], drsArn('source-server')),
      // The job's tags (plan, execution, wave) are how a retried StartWave finds its jobs.
      allow(['drs:TagResource'], drsArn('job')),
      ...launchStatements(HOME, passedRoles(manifest)),
      // A wave quotas held back: its servers as the first round resolved them, for the later rounds.
      lockTable('PutItem', 'GetItem'),
    ],
    { managedPolicyArns: launchActionsPolicy, lambda: () => ({ environment: { LOCK_TABLE: { Ref: 'LockTable' } } }) },
  ),
  checkLaunch: step(readWaveJobs),
  // The wave's event-driven wait: registers its token and the servers it waits for, or resumes at
  // once (SendTaskSuccess has no resource type: "*" only, as the Service Authorization Reference says).
  awaitLaunch: step(() => [read('DescribeJobs'), lockTable('PutItem', 'BatchWriteItem'), allow(['states:SendTaskSuccess'], '*')], {
    lambda: () => ({ environment: { LOCK_TABLE: { Ref: 'LockTable' } } }),
  }),
  // Not a workflow step: DRS's launch results (an EventBridge rule, a queue) resume the waves waiting for them.
  resumeWave: {
    timeout: 30,
    files: () => [],
    progressEvents: false,
    stageAccounts: false,
    statements: () => [
      lockTable('UpdateItem'),
      allow(['states:SendTaskSuccess'], '*'),
      allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], { 'Fn::GetAtt': ['LaunchResultQueue', 'Arn'] }),
    ],
    lambda: () => ({
      environment: { LOCK_TABLE: { Ref: 'LockTable' } },
      // Up to 10 results an invocation, whatever the poller finds waiting: no batching window, which
      // would add its seconds to every hand-off. Lambda takes more than 10 from an SQS queue only
      // with a batching window of at least 1 s (Lambda API reference, MaximumBatchingWindowInSeconds).
      events: [{ sqs: { arn: { 'Fn::GetAtt': ['LaunchResultQueue', 'Arn'] }, batchSize: 10, functionResponseType: 'ReportBatchItemFailures' } }],
    }),
  },
  // A server whose SSM agent DRS has not discovered when the rest of the wave is done: the
  // post-launch actions it has, and whether its launch configuration enables them.
  checkPostLaunchActions: step(() => [...readWaveJobs(), allow(['drs:ListLaunchActions', 'drs:GetLaunchConfiguration'], drsArn('source-server'))]),
  // Names the failed servers over budget; keeps the wave's sightings in the lock table, out of the state.
  completeWave: step(() => [read('DescribeSourceServers'), lockTable('PutItem')], { lambda: () => ({ environment: { LOCK_TABLE: { Ref: 'LockTable' } } }) }),
  cleanUpDrill: step(
    () => [
      read('DescribeJobs', 'DescribeRecoveryInstances', 'DescribeSourceServers'),
      allow(['drs:TerminateRecoveryInstances'], drsArn('recovery-instance')),
      ...terminateEc2(HOME),
    ],
    { timeout: 120 },
  ),
  // The job logs date each launch (RTO, RPO); what a failed or skipped drill clean-up left is counted from DRS.
  // The completed waves' sightings come back from the lock table.
  writeReport: step(() => [read('DescribeJobs', 'DescribeSourceServers'), ...describeRecoveryInstances(), jobLogs(), reports('.json', '.md', '.html'), lockTable('GetItem')], {
    timeout: 120,
    lambda: () => ({ environment: { LOCK_TABLE: { Ref: 'LockTable' } } }),
  }),
  recoverSourceNetworks: step(() => [read('DescribeJobs'), ...sourceNetworkRecovery()]),
  // Networks DRS refused to start for now (quotas) are started again here.
  checkSourceNetworks: step(() => [read('DescribeJobs'), jobLogs(), ...sourceNetworkRecovery()]),
  // After a drill's clean-up: deletes the network stacks the drill created.
  removeDrillNetworks: step(drillNetworkRemoval),

  // After a stopped execution: rebuilds its run from the event (the plan, the accounts); a
  // failback's also from its recovery's jobs and what it had started (its jobs, its recovery
  // instances, in the origin Regions too). Clean-up and report are the workflows' own steps.
  prepareStoppedRun: step(() => [read('DescribeJobs'), ...describeRecoveryInstances()]),
  validateFailbackInput: step(() => [read('DescribeJobs')]),
  checkFailbackReadiness: step(() => [read('DescribeJobs'), ...describeRecoveryInstances(), reports('.json', '.md')]),
  startFailbackWave: step(failbackLaunch, { managedPolicyArns: launchActionsPolicy }),
  checkFailback: step(failbackLaunch, { managedPolicyArns: launchActionsPolicy }),
  checkFailbackPostLaunchActions: step(readWaveJobs),
  reprotectFailbackWave: step(() => [
    read('DescribeJobs', 'DescribeRecoveryInstances', 'DescribeSourceServers', ...REVERSE_REPLICATION_DRS),
    allow(['drs:StartReplication'], drsArnAnyRegion('source-server')),
    allow(['drs:ReverseReplication', 'drs:TerminateRecoveryInstances'], drsArnAnyRegion('recovery-instance')),
    ...terminateEc2(ANY_REGION),
  ]),
  // The failure path's clean-up: it must be able to list what it stops.
  stopStartedFailbacks: step(() => [read('DescribeJobs'), ...describeRecoveryInstances(), allow(['drs:StopFailback'], drsArnAnyRegion('recovery-instance'))]),
  writeFailbackReport: step(
    () => [read('DescribeJobs'), ...describeRecoveryInstances(), reports('.json', '.md', '.html')],
    { timeout: 120 },
  ),
};

/** The settings of a function; a handler without an entry fails the package, naming itself. */
function settingsOf(key) {
  if (!Object.hasOwn(FUNCTIONS, key)) {
    throw new Error(`functions/${key}: no settings for it in deploy/functions.cjs; add what it calls (IAM) and how long it may run`);
  }
  return FUNCTIONS[key];
}

module.exports = {
  FUNCTIONS,
  settingsOf,
  sub,
  allow,
  // The building blocks of the member account's role (deploy/member-account-role.ts).
  read,
  drsArnIn,
  launchStatements,
  terminateEc2,
  DRS_ANY,
  ANY_REGION,
  CONVERSION_SERVER_ROLE,
  DEFAULT_INSTANCE_ROLES,
  LAUNCH_ACTIONS_POLICY,
  REVERSE_REPLICATION_DRS,
};
