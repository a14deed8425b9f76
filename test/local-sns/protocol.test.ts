// What the installed @aws-sdk/client-sns sends, captured at a bare HTTP server: the protocol the
// local service implements. Should a later client-sns move to AWS JSON 1.0 (X-Amz-Target, or
// x-amzn-query-mode for awsQuery compatibility), this fails first.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

describe('the protocol @aws-sdk/client-sns speaks', () => {
  it('is the AWS query protocol: a form-encoded POST of Action=Publish&Version=2010-03-31, MessageAttributes as entry.N', async () => {
    let captured: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string } | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        captured = { method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end('<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>');
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as { port: number }).port;
    try {
      const client = new SNSClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 's' }, maxAttempts: 1 });
      await client.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:111122223333:t', Message: 'm', Subject: 's', MessageAttributes: { kind: { DataType: 'String', StringValue: 'v' } } }));
    } finally {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    }

    expect(captured).toMatchObject({ method: 'POST', url: '/' });
    expect(captured!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(captured!.headers['x-amz-target']).toBeUndefined();
    expect(captured!.headers['x-amzn-query-mode']).toBeUndefined();
    expect(captured!.headers.authorization).toMatch(/Credential=AKIAEXAMPLE000000000\/\d{8}\/us-east-1\/sns\/aws4_request/);
    expect(Object.fromEntries(new URLSearchParams(captured!.body))).toEqual({
      Action: 'Publish',
      Version: '2010-03-31',
      TopicArn: 'arn:aws:sns:us-east-1:111122223333:t',
      Message: 'm',
      Subject: 's',
      'MessageAttributes.entry.1.Name': 'kind',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'v',
    });
  });
});

describe('local/sns imports only from local/http and local/identity', () => {
  it('has no other project import', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const folder = join(root, 'local/sns');
    const files = readdirSync(folder).filter((name) => name.endsWith('.ts') && statSync(join(folder, name)).isFile());
    const outside = files.flatMap((file) =>
      [...readFileSync(join(folder, file), 'utf8').matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)]
        .map((match) => match[1]!)
        .filter((specifier) => specifier.startsWith('#') || (specifier.startsWith('.') && !relative(folder, resolve(folder, specifier)).match(/^[^./][^/]*$/)))
        .filter((specifier) => !/^#local\/(http|identity)\//.test(specifier))
        .map((specifier) => `${file} → ${specifier}`),
    );
    expect(files.length).toBeGreaterThan(0);
    expect(outside).toEqual([]);
  });
});
