// The Automation operations of Systems Manager the orchestrator uses: StartAutomationExecution,
// GetAutomationExecution, StopAutomationExecution, DescribeAutomationExecutions, and DescribeDocument
// (its preflight). Each takes the request's JSON members and the authenticated caller, and returns
// the members of its answer. Members, constraints and errors are those of the SSM model (botocore
// ssm/2014-11-06/service-2.json) and its API reference.
//
// Whose execution: SSM keeps an account's documents and executions per Region. An execution of
// another account (or Region) is answered as one that does not exist
// (AutomationExecutionNotFoundException), a document of another account as InvalidDocument /
// AutomationDefinitionNotFoundException: the local identity world models no permission policies,
// so the stand-in answers what the caller's account and Region hold. Either way nothing is revealed.
import { jsonMembers } from '#local/http/json-body.ts';
import {
  invalidDocumentVersion,
  invalidFilterValue,
  invalidNextToken,
  serializationException,
  validationErrors,
  validationException,
} from './errors.ts';
import type { ExecutionView, SsmAutomation, Tag } from './automation.ts';

export type JsonObject = { [member: string]: unknown };

/** Who asked: the account of the request's credentials, the Region of its signature's scope, the caller's ARN. */
export interface Caller {
  account: string;
  region: string;
  arn: string;
}

export type OperationHandler = (automation: SsmAutomation, request: JsonObject, caller: Caller) => JsonObject;

/** SSM's patterns and limits (the model's shapes). */
const DOCUMENT_ARN = /^[a-zA-Z0-9_\-.:/]{3,128}$/;
const DOCUMENT_VERSION = /^([$]LATEST|[$]DEFAULT|[1-9][0-9]*)$/;
const CLIENT_TOKEN = /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/;
const TAG_TEXT = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;
const EXECUTION_ID_LENGTH = 36;
const MODES = ['Auto', 'Interactive'] as const;
const STOP_TYPES = ['Complete', 'Cancel'] as const;
const FILTER_KEYS = [
  'DocumentNamePrefix', 'ExecutionStatus', 'ExecutionId', 'ParentExecutionId', 'CurrentAction', 'StartTimeBefore', 'StartTimeAfter',
  'AutomationType', 'TagKey', 'TargetResourceGroup', 'AutomationSubtype', 'OpsItemId',
] as const;
const STATUSES = [
  'Pending', 'InProgress', 'Waiting', 'Success', 'TimedOut', 'Cancelling', 'Cancelled', 'Failed', 'PendingApproval', 'Approved', 'Rejected', 'Scheduled',
  'RunbookInProgress', 'PendingChangeCalendarOverride', 'ChangeCalendarOverrideApproved', 'ChangeCalendarOverrideRejected', 'CompletedWithSuccess', 'CompletedWithFailure', 'Exited',
];
const PAGE_MAX = 50;
/** Members of StartAutomationExecution for what never runs locally (rate control, multi-account, alarms): refused, not ignored. */
const NOT_SUPPORTED = ['Targets', 'TargetMaps', 'TargetParameterName', 'TargetLocations', 'TargetLocationsURL', 'MaxConcurrency', 'MaxErrors', 'AlarmConfiguration'];

// ---- members --------------------------------------------------------------------------------

const { string: stringMember, integer: integerMember, list: listMember } = jsonMembers(serializationException);

function objectOf(value: unknown, where: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw serializationException(`${where}: expected a structure, got ${JSON.stringify(value)}`);
  return value as JsonObject;
}

function stringsOf(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw serializationException(`${where}: expected a list of strings, got ${JSON.stringify(value)}`);
  return value as string[];
}

/** coral names members in lower camel case: `documentName`, `parameters`. */
const wire = (member: string) => member.charAt(0).toLowerCase() + member.slice(1);

function at(member: string, value: string | number | undefined): string {
  return `Value ${value === undefined ? 'null ' : `'${value}' `}at '${member}' failed to satisfy constraint: Member must`;
}

function required(member: string, value: unknown): string[] {
  return value === undefined ? [`${at(member, undefined)} not be null`] : [];
}

function pattern(member: string, value: string | undefined, regex: RegExp): string[] {
  return value === undefined || regex.test(value) ? [] : [`${at(member, value)} satisfy regular expression pattern: ${regex.source}`];
}

function length(member: string, value: string | undefined, min: number, max: number): string[] {
  if (value === undefined) return [];
  const size = [...value].length;
  if (size < min) return [`${at(member, value)} have length greater than or equal to ${min}`];
  if (size > max) return [`${at(member, value)} have length less than or equal to ${max}`];
  return [];
}

function oneOf(member: string, value: string | undefined, allowed: readonly string[]): string[] {
  return value === undefined || allowed.includes(value) ? [] : [`${at(member, value)} satisfy enum value set: [${allowed.join(', ')}]`];
}

function throwIfAny(violations: string[]): void {
  if (violations.length > 0) throw validationErrors(violations);
}

/** Dates go over the wire as epoch seconds (JSON numbers, milliseconds as the fraction), as awsJson has them. */
const epochSeconds = (ms: number) => ms / 1000;

// ---- StartAutomationExecution ----------------------------------------------------------------

function parametersOf(request: JsonObject, violations: string[]): Record<string, string[]> | undefined {
  const value = request.Parameters;
  if (value === undefined || value === null) return undefined;
  const map = objectOf(value, 'Parameters');
  const entries = Object.entries(map).map(([key, values]) => [key, stringsOf(values, `Parameters.${key}`)] as const);
  if (entries.length < 1) violations.push(`${at('parameters', '{}')} have length greater than or equal to 1`);
  if (entries.length > 200) violations.push(`Value at 'parameters' failed to satisfy constraint: Member must have length less than or equal to 200`);
  for (const [key, values] of entries) {
    violations.push(...length(`parameters.${key}.member`, key, 1, 50));
    if (values.length > 50) violations.push(`Value at 'parameters.${key}' failed to satisfy constraint: Member must have length less than or equal to 50`);
    for (const item of values) violations.push(...length(`parameters.${key}.member`, item, 1, 512));
  }
  return Object.fromEntries(entries);
}

function tagsOf(request: JsonObject, violations: string[]): Tag[] | undefined {
  const list = listMember(request, 'Tags');
  if (list === undefined) return undefined;
  return list.map((item, index) => {
    const tag = objectOf(item, `Tags.${index}`);
    const key = stringMember(tag, 'Key');
    const value = stringMember(tag, 'Value');
    const where = `tags.${index + 1}.member`;
    violations.push(
      ...required(`${where}.key`, key), ...length(`${where}.key`, key, 1, 128), ...pattern(`${where}.key`, key, TAG_TEXT),
      ...required(`${where}.value`, value), ...length(`${where}.value`, value, 0, 256), ...pattern(`${where}.value`, value, TAG_TEXT),
    );
    return { Key: key ?? '', Value: value ?? '' };
  });
}

export const startAutomationExecution: OperationHandler = (automation, request, caller) => {
  const documentName = stringMember(request, 'DocumentName');
  const documentVersion = stringMember(request, 'DocumentVersion');
  const clientToken = stringMember(request, 'ClientToken');
  const mode = stringMember(request, 'Mode');
  const violations = [
    ...required('documentName', documentName),
    ...pattern('documentName', documentName, DOCUMENT_ARN),
    ...pattern('documentVersion', documentVersion, DOCUMENT_VERSION),
    ...length('clientToken', clientToken, 36, 36),
    ...(clientToken !== undefined && [...clientToken].length === 36 ? pattern('clientToken', clientToken, CLIENT_TOKEN) : []),
    ...oneOf('mode', mode, MODES),
  ];
  const parameters = parametersOf(request, violations);
  const tags = tagsOf(request, violations);
  throwIfAny(violations);
  const unsupported = NOT_SUPPORTED.filter((member) => request[member] !== undefined && request[member] !== null);
  if (unsupported.length > 0) {
    throw validationException(`${unsupported.join(', ')}: rate-controlled, multi-account and alarm-driven automations are not run by the local SSM service (start one execution per target)`);
  }
  const id = automation.start(
    { account: caller.account, region: caller.region },
    {
      // A document ARN of the caller's own account names the document by its name.
      documentName: documentName!.replace(new RegExp(`^arn:aws:ssm:${caller.region}:${caller.account}:document/`), ''),
      ...(documentVersion === undefined ? {} : { documentVersion }),
      ...(parameters === undefined ? {} : { parameters }),
      ...(clientToken === undefined ? {} : { clientToken }),
      ...(tags === undefined ? {} : { tags }),
      ...(mode === undefined ? {} : { mode }),
      executedBy: caller.arn,
    },
  );
  return { AutomationExecutionId: id };
};

// ---- GetAutomationExecution, StopAutomationExecution ------------------------------------------

function executionIdOf(request: JsonObject): string {
  const id = stringMember(request, 'AutomationExecutionId');
  throwIfAny([...required('automationExecutionId', id), ...length('automationExecutionId', id, EXECUTION_ID_LENGTH, EXECUTION_ID_LENGTH)]);
  return id!;
}

/** The members GetAutomationExecution and DescribeAutomationExecutions share; absent ones left out, not null. */
function commonMembers(execution: ExecutionView): JsonObject {
  return {
    AutomationExecutionId: execution.id,
    DocumentName: execution.document,
    DocumentVersion: execution.documentVersion,
    AutomationExecutionStatus: execution.status,
    ExecutionStartTime: epochSeconds(execution.startMs),
    ...(execution.endMs === undefined ? {} : { ExecutionEndTime: epochSeconds(execution.endMs) }),
    ...(execution.outputs === undefined || Object.keys(execution.outputs).length === 0 ? {} : { Outputs: execution.outputs }),
    ...(execution.failureMessage === undefined ? {} : { FailureMessage: execution.failureMessage }),
    Mode: execution.mode,
    ExecutedBy: execution.executedBy,
  };
}

export const getAutomationExecution: OperationHandler = (automation, request, caller) => {
  const execution = automation.get({ account: caller.account, region: caller.region }, executionIdOf(request));
  return {
    AutomationExecution: {
      ...commonMembers(execution),
      ...(Object.keys(execution.parameters).length === 0 ? {} : { Parameters: execution.parameters }),
      StepExecutions: [],
      StepExecutionsTruncated: false,
    },
  };
};

export const stopAutomationExecution: OperationHandler = (automation, request, caller) => {
  const id = executionIdOf(request);
  const type = stringMember(request, 'Type');
  throwIfAny(oneOf('type', type, STOP_TYPES));
  automation.stop({ account: caller.account, region: caller.region }, id);
  return {};
};

// ---- DescribeAutomationExecutions -----------------------------------------------------------------

interface Filter {
  key: (typeof FILTER_KEYS)[number];
  values: string[];
}

function filtersOf(request: JsonObject): Filter[] {
  const list = listMember(request, 'Filters');
  if (list === undefined) return [];
  const violations: string[] = [];
  if (list.length < 1) violations.push(`Value '[]' at 'filters' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  if (list.length > 10) violations.push(`Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 10`);
  const filters = list.map((item, index) => {
    const filter = objectOf(item, `Filters.${index}`);
    const key = stringMember(filter, 'Key');
    const values = filter.Values === undefined || filter.Values === null ? undefined : stringsOf(filter.Values, `Filters.${index}.Values`);
    const where = `filters.${index + 1}.member`;
    violations.push(...required(`${where}.key`, key), ...oneOf(`${where}.key`, key, FILTER_KEYS), ...required(`${where}.values`, values));
    if (values !== undefined && (values.length < 1 || values.length > 10)) violations.push(`Value at '${where}.values' failed to satisfy constraint: Member must have length between 1 and 10`);
    for (const value of values ?? []) violations.push(...length(`${where}.values.member`, value, 1, 150));
    return { key: key as Filter['key'], values: values ?? [] };
  });
  throwIfAny(violations);
  return filters;
}

/** A StartTimeBefore/After value: a date-time such as 2026-12-01T21:00:00Z (what the CLI's examples use). */
function timeOf(value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalidFilterValue(`${value} is not a valid date-time (e.g. 2026-12-01T21:00:00Z)`);
  return ms;
}

function matches(execution: ExecutionView, filter: Filter): boolean {
  const { values } = filter;
  switch (filter.key) {
    case 'ExecutionId':
      return values.some((value) => value.toLowerCase() === execution.id);
    case 'DocumentNamePrefix':
      return values.some((value) => execution.document.startsWith(value));
    case 'ExecutionStatus':
      return values.includes(execution.status);
    case 'StartTimeBefore':
      return values.some((value) => execution.startMs <= timeOf(value));
    case 'StartTimeAfter':
      return values.some((value) => execution.startMs >= timeOf(value));
    case 'AutomationType':
      return values.includes('Local');
    case 'TagKey':
      // The reference gives no format for a TagKey value: it is the tag's key, as the filter's name says.
      return values.some((value) => execution.tags.some((tag) => tag.Key === value));
    default:
      // No local execution has a parent, a current action, a resource group, a subtype or an OpsItem.
      return false;
  }
}

/** Where a page starts: after this execution, for these filters. */
interface PageToken {
  filters: string;
  startMs: number;
  id: string;
}

export const describeAutomationExecutions: OperationHandler = (automation, request, caller) => {
  const filters = filtersOf(request);
  const maxResults = integerMember(request, 'MaxResults');
  const nextToken = stringMember(request, 'NextToken');
  throwIfAny([
    ...(maxResults !== undefined && maxResults < 1 ? [`${at('maxResults', maxResults)} have value greater than or equal to 1`] : []),
    ...(maxResults !== undefined && maxResults > PAGE_MAX ? [`${at('maxResults', maxResults)} have value less than or equal to ${PAGE_MAX}`] : []),
  ]);
  for (const filter of filters) {
    if (filter.key === 'ExecutionStatus') {
      const unknown = filter.values.find((value) => !STATUSES.includes(value));
      if (unknown !== undefined) throw invalidFilterValue(`${unknown} is not an automation execution status (${STATUSES.join(', ')})`);
    }
    if (filter.key === 'StartTimeBefore' || filter.key === 'StartTimeAfter') filter.values.forEach(timeOf);
  }
  const fingerprint = JSON.stringify(filters);
  let after: PageToken | undefined;
  if (nextToken !== undefined) {
    try {
      after = JSON.parse(Buffer.from(nextToken, 'base64url').toString('utf8')) as PageToken;
    } catch {
      throw invalidNextToken();
    }
    if (typeof after !== 'object' || after === null || after.filters !== fingerprint || typeof after.startMs !== 'number' || typeof after.id !== 'string') throw invalidNextToken();
  }
  const all = automation.list({ account: caller.account, region: caller.region }).filter((execution) => filters.every((filter) => matches(execution, filter)));
  const from = after === undefined ? 0 : all.findIndex((execution) => execution.id === after.id) + 1;
  if (after !== undefined && from === 0) throw invalidNextToken();
  const pageSize = maxResults ?? PAGE_MAX;
  const page = all.slice(from, from + pageSize);
  const more = from + pageSize < all.length;
  const last = page.at(-1);
  return {
    AutomationExecutionMetadataList: page.map((execution) => ({ ...commonMembers(execution), AutomationType: 'Local' })),
    ...(more && last !== undefined ? { NextToken: Buffer.from(JSON.stringify({ filters: fingerprint, startMs: last.startMs, id: last.id } satisfies PageToken), 'utf8').toString('base64url') } : {}),
  };
};

// ---- DescribeDocument ---------------------------------------------------------------------------

export const describeDocument: OperationHandler = (automation, request, caller) => {
  const name = stringMember(request, 'Name');
  const documentVersion = stringMember(request, 'DocumentVersion');
  const versionName = stringMember(request, 'VersionName');
  throwIfAny([...required('name', name), ...pattern('name', name, DOCUMENT_ARN), ...pattern('documentVersion', documentVersion, DOCUMENT_VERSION)]);
  const ownName = name!.replace(new RegExp(`^arn:aws:ssm:${caller.region}:${caller.account}:document/`), '');
  const document = automation.describeDocument({ account: caller.account, region: caller.region }, ownName, documentVersion);
  // No local document has a version name: one asked for names no version of it.
  if (versionName !== undefined) throw invalidDocumentVersion(ownName, versionName);
  return {
    Document: {
      Name: document.name,
      DocumentType: 'Automation',
      Status: 'Active',
      DocumentVersion: document.version,
      LatestVersion: document.version,
      DefaultVersion: document.version,
      DocumentFormat: 'YAML',
      SchemaVersion: '0.3',
      Owner: caller.account,
      CreatedDate: epochSeconds(document.createdMs),
      HashType: 'Sha256',
      PlatformTypes: ['Windows', 'Linux', 'MacOS'],
      ...(document.description === undefined ? {} : { Description: document.description }),
      Parameters: document.parameters.map((parameter) => ({
        Name: parameter.name,
        Type: parameter.type,
        Description: parameter.description ?? '',
        ...(parameter.default === undefined ? {} : { DefaultValue: Array.isArray(parameter.default) ? JSON.stringify(parameter.default) : parameter.default }),
      })),
      Tags: [],
    },
  };
};

export const operationHandlers: Record<string, OperationHandler> = {
  StartAutomationExecution: startAutomationExecution,
  GetAutomationExecution: getAutomationExecution,
  StopAutomationExecution: stopAutomationExecution,
  DescribeAutomationExecutions: describeAutomationExecutions,
  DescribeDocument: describeDocument,
};

