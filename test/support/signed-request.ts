// Raw requests to a local stand-in, signed as the SDK signs them (@smithy/signature-v4): how the
// tests send what the SDK would never build (a wrong secret, an unknown target, a malformed body)
// and still get past, or deliberately fail, the stand-in's SigV4 check.
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { StaticCredentials } from './test-world.ts';

/** The SHA-256 constructor the SDK's signer uses in Node. */
const Sha256 = Hash.bind(null, 'sha256');

export interface RawRequest {
  /** The signing name the credential scope names (`ssm`, `states`, `sts`, …). */
  service: string;
  region: string;
  credentials: StaticCredentials;
  /** Default POST. A GET is sent without a body. */
  method?: string;
  /** Default `/`. */
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** The headers SignatureV4 gives `request` sent to `endpoint` (`host` included: fetch sets its own, drop it before sending). */
export async function signedHeaders(endpoint: string, request: RawRequest): Promise<Record<string, string>> {
  const url = new URL(endpoint);
  const method = request.method ?? 'POST';
  const signer = new SignatureV4({ service: request.service, region: request.region, credentials: request.credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: request.path ?? '/',
    query: {},
    headers: { host: url.host, ...request.headers },
    ...(method === 'GET' ? {} : { body: request.body }),
  });
  return signed.headers;
}

/** Sends `request` to `endpoint` with `headers` as they are (none signed, or signed elsewhere); `host` is fetch's own. */
export function sendRaw(endpoint: string, request: Pick<RawRequest, 'method' | 'path' | 'body'>, headers: Record<string, string>): Promise<Response> {
  const method = request.method ?? 'POST';
  const { host: _host, ...sent } = headers;
  return fetch(`${endpoint}${request.path ?? '/'}`, { method, headers: sent, ...(method === 'GET' ? {} : { body: request.body }) });
}

/** Signs `request` as the SDK would and sends it to `endpoint`; resolves with the stand-in's answer. */
export async function sendSigned(endpoint: string, request: RawRequest): Promise<Response> {
  return sendRaw(endpoint, request, await signedHeaders(endpoint, request));
}
