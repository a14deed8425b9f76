// The parameters of an AWS query-protocol request (STS, CloudFormation): the URL query, then a
// form-encoded body, as those services read them (they accept GET too).
import type { IncomingMessage } from 'node:http';

export function queryParametersOf(request: IncomingMessage, body: Buffer): URLSearchParams {
  const url = request.url ?? '/';
  const parameters = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  if (body.length > 0 && (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    for (const [name, value] of new URLSearchParams(body.toString('utf8'))) parameters.append(name, value);
  }
  return parameters;
}
