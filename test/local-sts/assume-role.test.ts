import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  ADMIN_ROLE,
  EXTERNAL_ID,
  MALLORY,
  OPERATOR,
  RECOVERY,
  REPORT_ROLE,
  STAGING,
  STAGING_ROLE,
  functionRole,
  mallory,
  operator,
  recoveryRoot,
  sessionCredentials,
  startTestSts,
  type TestSts,
} from './helpers.ts';

let t: TestSts;
beforeEach(async () => {
  t = await startTestSts();
});
afterEach(async () => {
  await t.sts.stop();
});

const denialOf = (caller: string, role: string) => `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${role}`;

describe('AssumeRole and GetCallerIdentity through the unmodified SDK', () => {
  it('a trusted caller assumes a role of another account, and the session is that account to GetCallerIdentity', async () => {
    const source = t.clientWith(functionRole);

    const assumed = await source.send(new AssumeRoleCommand({ RoleArn: STAGING_ROLE, RoleSessionName: 'drill-2026-01-05', ExternalId: EXTERNAL_ID }));
    const asStaging = t.clientWith(sessionCredentials(assumed.Credentials));
    const identity = await asStaging.send(new GetCallerIdentityCommand({}));

    const sessionArn = `arn:aws:sts::${STAGING}:assumed-role/drs-orchestrator-access/drill-2026-01-05`;
    expect(assumed.AssumedRoleUser).toEqual({ Arn: sessionArn, AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:drill-2026-01-05$/) });
    expect(assumed.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(assumed.Credentials?.SessionToken).toMatch(/^IQoJb3JpZ2luX2VjE[A-Za-z0-9+/=]{100,}$/);
    expect(assumed.Credentials!.Expiration!.getTime() - t.clock.now().getTime()).toBeGreaterThan(3590_000);
    expect(assumed.Credentials!.Expiration!.getTime() - t.clock.now().getTime()).toBeLessThanOrEqual(3600_000);
    expect(identity).toMatchObject({ Account: STAGING, Arn: sessionArn, UserId: assumed.AssumedRoleUser!.AssumedRoleId });
  });

  it('tells each kind of caller who it is: a function role session, a user and the account root', async () => {
    const asFunction = await t.clientWith(functionRole).send(new GetCallerIdentityCommand({}));
    const asOperator = await t.clientWith(operator).send(new GetCallerIdentityCommand({}));
    const asRoot = await t.clientWith(recoveryRoot).send(new GetCallerIdentityCommand({}));

    expect(asFunction).toMatchObject({ Account: RECOVERY, Arn: `arn:aws:sts::${RECOVERY}:assumed-role/drs-orchestrator-function/start-wave`, UserId: expect.stringMatching(/^AROA[A-Z2-7]{17}:start-wave$/) });
    expect(asOperator).toMatchObject({ Account: RECOVERY, Arn: OPERATOR, UserId: expect.stringMatching(/^AIDA[A-Z2-7]{17}$/) });
    expect(asRoot).toMatchObject({ Account: RECOVERY, Arn: `arn:aws:iam::${RECOVERY}:root`, UserId: RECOVERY });
  });

  it('makes the minted session known to every service sharing the identity store', async () => {
    const assumed = await t.clientWith(functionRole).send(new AssumeRoleCommand({ RoleArn: STAGING_ROLE, RoleSessionName: 'wave-1', ExternalId: EXTERNAL_ID }));

    const known = t.sts.identity.identityOf(assumed.Credentials!.AccessKeyId!);

    expect(known).toMatchObject({ account: STAGING, arn: assumed.AssumedRoleUser!.Arn, principalArn: STAGING_ROLE, principalKind: 'role' });
    expect(t.sts.calls()).toEqual([expect.objectContaining({ action: 'AssumeRole', caller: expect.stringContaining('assumed-role/drs-orchestrator-function'), roleArn: STAGING_ROLE, status: 200 })]);
  });

  it('admits every principal of an account whose root the trust policy names, for up to the role’s MaxSessionDuration', async () => {
    const assumed = await t.clientWith(operator).send(new AssumeRoleCommand({ RoleArn: ADMIN_ROLE, RoleSessionName: 'operator', DurationSeconds: 43_200 }));

    expect(assumed.Credentials!.Expiration!.getTime() - t.clock.now().getTime()).toBeGreaterThan(43_190_000);
  });
});

describe('trust: who may assume a role', () => {
  it.each([
    ['a wrong external ID', { ExternalId: 'guessed-id' }],
    ['no external ID where the trust policy requires one', {}],
  ])('refuses %s with AccessDenied', async (_case, externalId) => {
    const error = await t.clientWith(functionRole).send(new AssumeRoleCommand({ RoleArn: STAGING_ROLE, RoleSessionName: 'wave-1', ...externalId })).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'AccessDenied', message: denialOf(`arn:aws:sts::${RECOVERY}:assumed-role/drs-orchestrator-function/start-wave`, STAGING_ROLE), $fault: 'client', $metadata: { httpStatusCode: 403 } });
  });

  it('refuses a caller of an account the trust policy does not name, naming the caller and the role', async () => {
    const error = await t.clientWith(mallory).send(new AssumeRoleCommand({ RoleArn: ADMIN_ROLE, RoleSessionName: 'mallory' })).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'AccessDenied', message: denialOf(MALLORY, ADMIN_ROLE), $metadata: { httpStatusCode: 403 } });
  });

  it('refuses a principal of the right account that is not the one the trust policy names', async () => {
    const error = await t.clientWith(operator).send(new AssumeRoleCommand({ RoleArn: STAGING_ROLE, RoleSessionName: 'operator', ExternalId: EXTERNAL_ID })).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'AccessDenied', message: denialOf(OPERATOR, STAGING_ROLE) });
  });

  it('answers an unknown role exactly as an untrusted caller, so the role’s existence does not leak', async () => {
    const unknownRole = `arn:aws:iam::${STAGING}:role/no-such-role`;

    const error = await t.clientWith(functionRole).send(new AssumeRoleCommand({ RoleArn: unknownRole, RoleSessionName: 'wave-1', ExternalId: EXTERNAL_ID })).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'AccessDenied', message: denialOf(`arn:aws:sts::${RECOVERY}:assumed-role/drs-orchestrator-function/start-wave`, unknownRole), $metadata: { httpStatusCode: 403 } });
  });

  it('refuses the account root, which may not assume roles', async () => {
    const error = await t.clientWith(recoveryRoot).send(new AssumeRoleCommand({ RoleArn: ADMIN_ROLE, RoleSessionName: 'root' })).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'AccessDenied', message: 'Roles may not be assumed by root accounts.' });
  });
});

describe('AssumeRole input validation, as STS words it', () => {
  it.each([
    ['a one-character session name', { RoleSessionName: 'x' }, "Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"],
    ['a 65-character session name', { RoleSessionName: 's'.repeat(65) }, `Value '${'s'.repeat(65)}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64`],
    ['a session name with a slash', { RoleSessionName: 'PowerUser/alice' }, "Value 'PowerUser/alice' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"],
    ['a duration under 15 minutes', { DurationSeconds: 899 }, "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"],
    ['a duration over 12 hours', { DurationSeconds: 43_201 }, "Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"],
  ])('refuses %s with ValidationError', async (_case, change, violation) => {
    const error = await t.clientWith(operator).send(new AssumeRoleCommand({ RoleArn: ADMIN_ROLE, RoleSessionName: 'operator', ...change })).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'ValidationError', message: `1 validation error detected: ${violation}`, $metadata: { httpStatusCode: 400 } });
  });

  it('lists every violation of one request in one message', async () => {
    const error = await t.clientWith(operator).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::1:role', RoleSessionName: 'a:b' })).catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'ValidationError',
      message:
        "2 validation errors detected: Value 'arn:aws:iam::1:role' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20; " +
        "Value 'a:b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    });
  });

  it('refuses a duration above the role’s MaxSessionDuration, and above one hour for a role session (role chaining)', async () => {
    const beyondRole = await t.clientWith(operator).send(new AssumeRoleCommand({ RoleArn: REPORT_ROLE, RoleSessionName: 'operator', DurationSeconds: 7200 })).catch((e: unknown) => e);
    const chained = await t.clientWith(functionRole).send(new AssumeRoleCommand({ RoleArn: ADMIN_ROLE, RoleSessionName: 'wave-1', DurationSeconds: 7200 })).catch((e: unknown) => e);
    const byUser = await t.clientWith(operator).send(new AssumeRoleCommand({ RoleArn: ADMIN_ROLE, RoleSessionName: 'operator', DurationSeconds: 7200 }));

    expect(beyondRole).toMatchObject({ name: 'ValidationError', message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', $metadata: { httpStatusCode: 400 } });
    expect(chained).toMatchObject({ name: 'ValidationError', message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.' });
    expect(byUser.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });
});
