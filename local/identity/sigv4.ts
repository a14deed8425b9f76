// AWS Signature Version 4, server side: parse the Authorization header, rebuild the canonical
// request from what arrived, recompute the signature with the stored secret and compare. The
// steps follow the SigV4 specification ("Create a canonical request for Signature Version 4",
// AWS General Reference) and match what @smithy/signature-v4 and botocore sign: the path is
// normalised and URI-encoded again (every service but S3 double-encodes), query pairs are
// decoded, re-encoded and sorted, header values trimmed with inner whitespace collapsed, and the
// payload hash is the SHA-256 of the body.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CallerIdentity, StoredCredentials } from './store.ts';

/** A request as it arrived: method, raw URL (path and query), headers, body. */
export interface SignedRequest {
  method: string;
  /** The request target as sent: `/path?query`, still percent-encoded. */
  url: string;
  /** Header names in lower case (Node's `headers` or, for repeated headers, `headersDistinct`). */
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array | string;
}

/** The SignedRequest of a Node HTTP request whose body has been read. */
export function signedRequestOf(request: IncomingMessage, body: Uint8Array): SignedRequest {
  // headersDistinct keeps repeated headers apart: SigV4 joins their values with ',' (Node's
  // `headers` would join them with ', ').
  return { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headersDistinct, body };
}

export interface SigV4Authorization {
  accessKeyId: string;
  /** YYYYMMDD of the credential scope. */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/**
 * The common AWS errors of authentication, named as the query protocol (STS, IAM) names them.
 * A JSON service answers the same failures as UnrecognizedClientException (InvalidClientTokenId),
 * InvalidSignatureException (SignatureDoesNotMatch), ExpiredTokenException (ExpiredToken),
 * MissingAuthenticationTokenException and IncompleteSignatureException.
 */
export type AuthErrorCode = 'MissingAuthenticationToken' | 'IncompleteSignature' | 'InvalidClientTokenId' | 'SignatureDoesNotMatch' | 'ExpiredToken';

/** The names a JSON-protocol service (DynamoDB, Step Functions, SSM, Lambda) answers the same failures under. */
export const jsonAuthErrorCodes: Readonly<Record<AuthErrorCode, string>> = {
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
  IncompleteSignature: 'IncompleteSignatureException',
  InvalidClientTokenId: 'UnrecognizedClientException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  ExpiredToken: 'ExpiredTokenException',
};

export type AuthResult =
  | { ok: true; caller: CallerIdentity; credentials: StoredCredentials; region: string; service: string }
  | { ok: false; code: AuthErrorCode; status: 400 | 403; message: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** Requests signed more than 15 minutes before or after now are refused (SigV4 clock skew limit). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const failure = (code: AuthErrorCode, message: string): AuthResult => ({ ok: false, code, status: code === 'IncompleteSignature' ? 400 : 403, message });

/**
 * Parses `AWS4-HMAC-SHA256 Credential=AKID/20260105/us-east-1/sts/aws4_request,
 * SignedHeaders=host;x-amz-date, Signature=…`; a string names what is wrong (IncompleteSignature).
 */
export function parseAuthorizationHeader(header: string): SigV4Authorization | string {
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== ALGORITHM) return `Unsupported AWS 'algorithm': '${algorithm}'`;
  const parameters = new Map<string, string>();
  for (const part of trimmed.slice(space + 1).split(',')) {
    const pair = part.trim();
    const equals = pair.indexOf('=');
    if (equals < 0) return `'${pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`;
    parameters.set(pair.slice(0, equals), pair.slice(equals + 1));
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !parameters.get(name));
  if (missing.length > 0) return `${missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' ')} Authorization=${header}`;
  const scope = parameters.get('Credential')!.split('/');
  if (scope.length !== 5) return `Credential should be scoped to a valid region, service and date: '${parameters.get('Credential')}'.`;
  const [accessKeyId, date, region, service, terminator] = scope as [string, string, string, string, string];
  if (terminator !== 'aws4_request') return `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`;
  if (!/^\d{8}$/.test(date)) return `Credential should be scoped to a valid date, not '${date}'.`;
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: parameters.get('SignedHeaders')!.split(';'),
    signature: parameters.get('Signature')!,
  };
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeLeniently(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  // The path arrives percent-encoded and is encoded once more: '%' becomes '%25'.
  return uriEncode(normalized).replace(/%2F/g, '/');
}

function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const key = equals < 0 ? pair : pair.slice(0, equals);
      const value = equals < 0 ? '' : pair.slice(equals + 1);
      return [uriEncode(decodeLeniently(key)), uriEncode(decodeLeniently(value))] as const;
    })
    .filter(([key]) => key.toLowerCase() !== 'x-amz-signature')
    .sort(([keyA, valueA], [keyB, valueB]) => (keyA < keyB ? -1 : keyA > keyB ? 1 : valueA < valueB ? -1 : valueA > valueB ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).map((v) => v.trim().replace(/\s+/g, ' ')).join(',');
}

const sha256Hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Uint8Array | string, data: string) => createHmac('sha256', key).update(data).digest();

/** The canonical request SigV4 hashes, rebuilt from the request as received. */
export function canonicalRequestOf(request: SignedRequest, signedHeaders: string[]): string {
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
  const rawQuery = queryStart < 0 ? '' : request.url.slice(queryStart + 1);
  const headers = signedHeaders.map((name) => `${name}:${headerValue(request.headers, name) ?? ''}\n`).join('');
  return [request.method.toUpperCase(), canonicalPath(rawPath), canonicalQuery(rawQuery), headers, signedHeaders.join(';'), sha256Hex(request.body)].join('\n');
}

/** The hex signature of a canonical request, as a client holding `secretAccessKey` computes it. */
export function signatureOf(secretAccessKey: string, amzDate: string, scope: Pick<SigV4Authorization, 'date' | 'region' | 'service'>, canonicalRequest: string): string {
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${secretAccessKey}`, scope.date);
  for (const part of [scope.region, scope.service, 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

/** `20260105T020000Z` → milliseconds, or undefined when it is not that format. */
function parseAmzDate(amzDate: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}

const amzDateOf = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export interface VerifyOptions {
  /** The service the endpoint is: the credential scope must name it. */
  service: string;
  now: Date;
  credentialsOf(accessKeyId: string): StoredCredentials | undefined;
}

/**
 * Verifies a request signed with SigV4 in its Authorization header. Checks run in this order:
 * header present and well formed, access key known, session token right, scope date and service,
 * signature, request time within 15 minutes, credentials not expired. Messages are AWS's.
 */
export function verifySignedRequest(request: SignedRequest, options: VerifyOptions): AuthResult {
  const header = headerValue(request.headers, 'authorization');
  if (!header) return failure('MissingAuthenticationToken', 'Request is missing Authentication Token');
  const authorization = parseAuthorizationHeader(header);
  if (typeof authorization === 'string') return failure('IncompleteSignature', authorization);

  const credentials = options.credentialsOf(authorization.accessKeyId);
  const token = headerValue(request.headers, 'x-amz-security-token');
  // AWS answers an unknown key and a wrong or missing session token alike.
  if (!credentials || (credentials.sessionToken ?? undefined) !== (token || undefined)) {
    return failure('InvalidClientTokenId', 'The security token included in the request is invalid');
  }

  const amzDate = headerValue(request.headers, 'x-amz-date');
  const signedAt = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signedAt === undefined) {
    return failure('IncompleteSignature', "Authorization header requires existence of a valid 'X-Amz-Date' header.");
  }
  if (amzDate.slice(0, 8) !== authorization.date) {
    return failure('SignatureDoesNotMatch', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${authorization.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  }
  if (authorization.service !== options.service) {
    return failure('SignatureDoesNotMatch', `Credential should be scoped to correct service: '${options.service}'. `);
  }

  const expected = signatureOf(credentials.secretAccessKey, amzDate, authorization, canonicalRequestOf(request, authorization.signedHeaders));
  const given = Buffer.from(authorization.signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected, 'utf8'))) {
    return failure('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
  }

  const now = options.now.getTime();
  if (signedAt < now - MAX_CLOCK_SKEW_MS) {
    return failure('SignatureDoesNotMatch', `Signature expired: ${amzDate} is now earlier than ${amzDateOf(now - MAX_CLOCK_SKEW_MS)} (${amzDateOf(now)} - 15 min.)`);
  }
  if (signedAt > now + MAX_CLOCK_SKEW_MS) {
    return failure('SignatureDoesNotMatch', `Signature not yet current: ${amzDate} is still later than ${amzDateOf(now + MAX_CLOCK_SKEW_MS)} (${amzDateOf(now)} + 15 min.)`);
  }
  if (credentials.expiration && credentials.expiration.getTime() <= now) {
    return failure('ExpiredToken', 'The security token included in the request is expired');
  }

  const { account, arn, userId, principalArn, principalKind } = credentials;
  return { ok: true, caller: { account, arn, userId, principalArn, principalKind }, credentials, region: authorization.region, service: authorization.service };
}
