import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ADMIN_ROLE, EXTERNAL_ID, OPERATOR, RECOVERY, STAGING_ROLE, functionRole, operator, rawPost, sessionCredentials, signedPost, startTestSts, type TestSts } from './helpers.ts';

let t: TestSts;
beforeEach(async () => {
  t = await startTestSts();
});
afterEach(async () => {
  await t.sts.stop();
});

const MINUTE_MS = 60_000;

describe('SigV4: requests are authenticated with the secret of their access key', () => {
  it('refuses a request signed with the wrong secret with SignatureDoesNotMatch', async () => {
    const tampered = { ...operator, secretAccessKey: `${operator.secretAccessKey}x` };

    const error = await t.clientWith(tampered).send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('refuses an access key no account has with InvalidClientTokenId', async () => {
    const error = await t.clientWith({ accessKeyId: 'AKIANOBODYHASTHIS001', secretAccessKey: 'whatever' }).send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'InvalidClientTokenId', message: 'The security token included in the request is invalid', $metadata: { httpStatusCode: 403 } });
  });

  it('refuses session credentials sent without their session token with InvalidClientTokenId', async () => {
    const { sessionToken: _dropped, ...withoutToken } = functionRole;

    const error = await t.clientWith(withoutToken).send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'InvalidClientTokenId' });
  });

  it('refuses an assumed-role session after its expiration with ExpiredToken', async () => {
    const assumed = await t.clientWith(operator).send(new AssumeRoleCommand({ RoleArn: ADMIN_ROLE, RoleSessionName: 'short', DurationSeconds: 900 }));
    t.clock.advanceBy(16 * 60);
    // A client whose clock agrees with the service's, so only the session's age is at stake.
    const late = t.clientWith(sessionCredentials(assumed.Credentials), { systemClockOffset: t.clock.offsetMs });

    const error = await late.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'ExpiredToken', message: 'The security token included in the request is expired', $metadata: { httpStatusCode: 403 } });
  });

  it('refuses a request signed more than 15 minutes off the service’s clock, and the SDK recovers by correcting its clock from the Date header', async () => {
    const skewed = { systemClockOffset: -20 * MINUTE_MS };

    const once = await t.clientWith(operator, { ...skewed, maxAttempts: 1 }).send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);
    const withRetries = await t.clientWith(operator, skewed).send(new GetCallerIdentityCommand({}));

    expect(once).toMatchObject({ name: 'SignatureDoesNotMatch', message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/) });
    expect(withRetries.Arn).toBe(OPERATOR);
  });

  it('refuses a request signed for another service', async () => {
    const response = await signedPost(t.sts, 'Action=GetCallerIdentity&Version=2011-06-15', operator, 'drs');

    expect(response.status).toBe(403);
    expect(response.body).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(response.body).toContain("Credential should be scoped to correct service: 'sts'.");
  });
});

describe('the query protocol on the wire', () => {
  it('answers an unsigned request with MissingAuthenticationToken in an ErrorResponse document', async () => {
    const response = await rawPost(t.sts, 'Action=GetCallerIdentity&Version=2011-06-15');

    const requestId = response.headers.get('x-amzn-requestid');
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('text/xml');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body).toBe(
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n' +
        '  <Error>\n    <Type>Sender</Type>\n    <Code>MissingAuthenticationToken</Code>\n    <Message>Request is missing Authentication Token</Message>\n  </Error>\n' +
        `  <RequestId>${requestId}</RequestId>\n` +
        '</ErrorResponse>\n',
    );
  });

  it('wraps a result in <ActionResponse><ActionResult> with the request ID in ResponseMetadata', async () => {
    const response = await signedPost(t.sts, 'Action=GetCallerIdentity&Version=2011-06-15', operator);

    expect(response.status).toBe(200);
    expect(response.body).toMatch(
      new RegExp(
        '^<GetCallerIdentityResponse xmlns="https://sts\\.amazonaws\\.com/doc/2011-06-15/">\\n  <GetCallerIdentityResult>\\n' +
          `    <Arn>${OPERATOR}</Arn>\\n    <UserId>AIDA[A-Z2-7]{17}</UserId>\\n    <Account>${RECOVERY}</Account>\\n` +
          `  </GetCallerIdentityResult>\\n  <ResponseMetadata>\\n    <RequestId>${response.headers.get('x-amzn-requestid')}</RequestId>\\n  </ResponseMetadata>\\n</GetCallerIdentityResponse>\\n$`,
      ),
    );
  });

  it('answers an operation it does not implement, or another API version, with InvalidAction', async () => {
    const unknown = await signedPost(t.sts, 'Action=GetSessionToken&Version=2011-06-15', operator);
    const otherVersion = await signedPost(t.sts, 'Action=GetCallerIdentity&Version=2010-01-01', operator);

    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain('<Code>InvalidAction</Code>');
    expect(unknown.body).toContain('Could not find operation GetSessionToken for version 2011-06-15');
    expect(otherVersion.body).toContain('Could not find operation GetCallerIdentity for version 2010-01-01');
  });

  it('serves the AWS CLI: assume-role with an external ID through `aws sts`', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: '/nonexistent',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: functionRole.accessKeyId,
      AWS_SECRET_ACCESS_KEY: functionRole.secretAccessKey,
      AWS_SESSION_TOKEN: functionRole.sessionToken!,
    };
    // Asynchronous: the service answers from this same process.
    const { stdout } = await promisify(execFile)(
      'aws',
      ['sts', 'assume-role', '--role-arn', STAGING_ROLE, '--role-session-name', 'from-cli', '--external-id', EXTERNAL_ID, '--endpoint-url', t.sts.endpoint, '--output', 'json'],
      { env },
    );

    const answer = JSON.parse(stdout);
    expect(answer.AssumedRoleUser.Arn).toBe('arn:aws:sts::444455556666:assumed-role/drs-orchestrator-access/from-cli');
    const identity = await t.clientWith({ accessKeyId: answer.Credentials.AccessKeyId, secretAccessKey: answer.Credentials.SecretAccessKey, sessionToken: answer.Credentials.SessionToken }).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(answer.AssumedRoleUser.Arn);
  });
});
