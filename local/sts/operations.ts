// The STS operations the local world needs: AssumeRole and GetCallerIdentity. Each takes the
// query parameters and the authenticated caller, and returns the members of its <…Result>.
// Constraints are those of the STS model (botocore sts/2011-06-15/service-2.json,
// AssumeRoleRequest); the duration limits and denial wording are STS's own messages.
import type { CallerIdentity, IdentityStore } from '#local/identity/index.ts';
import { accessDenied, StsError, validationError, validationErrors } from './errors.ts';
import type { XmlMembers } from './xml.ts';

export type Parameters = URLSearchParams;
export type OperationHandler = (store: IdentityStore, parameters: Parameters, caller: CallerIdentity) => XmlMembers;

export const DEFAULT_DURATION_SECONDS = 3600;
/** Role chaining (a role session assuming a role) caps a session at one hour, whatever the role allows. */
const ROLE_CHAINING_LIMIT_SECONDS = 3600;

// The model's pattern texts, quoted as-is in the messages.
const ARN_PATTERN_TEXT = '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+';
const ARN_PATTERN = /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]+$/u;
const SESSION_NAME_PATTERN_TEXT = '[\\w+=,.@-]*';
const SESSION_NAME_PATTERN = /^[\w+=,.@-]*$/;
const EXTERNAL_ID_PATTERN_TEXT = '[\\w+=,.@:\\/-]*';
const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]*$/;

interface StringConstraint {
  member: string;
  min: number;
  max: number;
  pattern: RegExp;
  patternText: string;
}

/** STS's violation texts for a string member: pattern first, then length, as STS lists them. */
function checkString(value: string | null, constraint: StringConstraint, required: boolean): string[] {
  const at = (shown: string) => `Value ${shown} at '${constraint.member}' failed to satisfy constraint: Member must`;
  if (value === null) return required ? [`${at('null')} not be null`] : [];
  const violations: string[] = [];
  const shown = `'${value}'`;
  if (!constraint.pattern.test(value)) violations.push(`${at(shown)} satisfy regular expression pattern: ${constraint.patternText}`);
  // Lengths count characters (code points), not UTF-16 units.
  const length = [...value].length;
  if (length < constraint.min) violations.push(`${at(shown)} have length greater than or equal to ${constraint.min}`);
  if (length > constraint.max) violations.push(`${at(shown)} have length less than or equal to ${constraint.max}`);
  return violations;
}

function checkDuration(value: string | null): { violations: string[]; seconds?: number } {
  if (value === null) return { violations: [] };
  const at = `Value '${value}' at 'durationSeconds' failed to satisfy constraint: Member must`;
  // The query protocol carries integers as text; the SDKs always send digits.
  if (!/^-?\d+$/.test(value)) return { violations: [`${at} be an integer`] };
  const seconds = Number(value);
  if (seconds < 900) return { violations: [`${at} have value greater than or equal to 900`] };
  if (seconds > 43_200) return { violations: [`${at} have value less than or equal to 43200`] };
  return { violations: [], seconds };
}

/**
 * AssumeRole: validate the request, check the role's trust policy (an unknown role, an untrusted
 * caller and a missing or wrong external ID all answer the same AccessDenied, so a caller cannot
 * tell which), then the duration limits, then mint the session. Session policies, tags, MFA and
 * source identity are accepted and not modelled (the local world has no permission policies).
 */
export const assumeRole: OperationHandler = (store, parameters, caller) => {
  const roleArn = parameters.get('RoleArn');
  const sessionName = parameters.get('RoleSessionName');
  const externalId = parameters.get('ExternalId');
  const duration = checkDuration(parameters.get('DurationSeconds'));
  const violations = [
    ...checkString(roleArn, { member: 'roleArn', min: 20, max: 2048, pattern: ARN_PATTERN, patternText: ARN_PATTERN_TEXT }, true),
    ...checkString(sessionName, { member: 'roleSessionName', min: 2, max: 64, pattern: SESSION_NAME_PATTERN, patternText: SESSION_NAME_PATTERN_TEXT }, true),
    ...checkString(externalId, { member: 'externalId', min: 2, max: 1224, pattern: EXTERNAL_ID_PATTERN, patternText: EXTERNAL_ID_PATTERN_TEXT }, false),
    ...duration.violations,
  ];
  if (violations.length > 0) throw validationErrors(violations);

  const decision = store.evaluateTrust(roleArn!, caller, externalId ?? undefined);
  if (!decision.allowed) {
    // Wording of AWS for a root caller (e.g. kubeflow/testing#961); every other denial is the generic one.
    if (decision.reason === 'rootCaller') throw new StsError('AccessDenied', 403, 'Roles may not be assumed by root accounts.');
    throw accessDenied(caller.arn, roleArn!);
  }
  const seconds = duration.seconds ?? DEFAULT_DURATION_SECONDS;
  if (caller.principalKind === 'role' && seconds > ROLE_CHAINING_LIMIT_SECONDS) {
    throw validationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (seconds > decision.role.maxSessionDuration) {
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }

  const session = store.mintRoleSession(decision.role, sessionName!, seconds);
  return {
    Credentials: {
      SessionToken: session.sessionToken!,
      SecretAccessKey: session.secretAccessKey,
      // ISO 8601 in UTC, to the second (STS sets expirations on whole seconds).
      Expiration: session.expiration!.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      AccessKeyId: session.accessKeyId,
    },
    AssumedRoleUser: { Arn: session.arn, AssumedRoleId: session.userId },
  };
};

/** GetCallerIdentity: who signed the request. It needs no permission and never fails once authenticated. */
export const getCallerIdentity: OperationHandler = (_store, _parameters, caller) => ({
  Arn: caller.arn,
  UserId: caller.userId,
  Account: caller.account,
});

export const operationHandlers: Record<string, OperationHandler> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
};
