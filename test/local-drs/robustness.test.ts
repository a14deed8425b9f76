import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeSourceServersCommand } from '@aws-sdk/client-drs';
import { SeededRandom } from '#local/drs/ids.ts';
import { drsModel, shapeOf } from '#local/drs/model.ts';
import { operationHandlers } from '#local/drs/operations.ts';
import { rawCall, startTestDrs, type TestDrs } from './helpers.ts';

let t: TestDrs;
beforeAll(async () => {
  t = await startTestDrs();
});
afterAll(async () => {
  await t.drs.stop();
});

const oddValues: unknown[] = [
  null, 0, -1, 1.5, 1e15, '', 'x', 's-00000000000000000', 'i-0123456789abcdef0', 'drsjob-00000000000000000', 'pit-00000000000000000',
  [], [{}], [{ sourceServerID: 's-00000000000000000' }], {}, { a: 'b' }, true, 'a'.repeat(3000), ['x', 1, null],
];

describe('robustness', () => {
  it('answers odd inputs to every simulated operation with a modeled 4xx (never a 5xx), with its headers, concurrently', async () => {
    const random = new SeededRandom(7);
    const requests: Promise<{ status: number; errorType: string | null; requestId: string | null; operation: string }>[] = [];
    for (const operation of Object.keys(operationHandlers)) {
      const { http, input } = drsModel.operations[operation]!;
      const members = Object.entries(input ? (shapeOf(input.shape).members ?? {}) : {}).filter(([, ref]) => ref.location === undefined);
      for (let i = 0; i < 25; i++) {
        const body = Object.fromEntries(members.filter(() => random.next() < 0.7).map(([name]) => [name, oddValues[Math.floor(random.next() * oddValues.length)]]));
        const path = http.requestUri.replace('{resourceArn}', encodeURIComponent(String(oddValues[Math.floor(random.next() * oddValues.length)]) || 'x')).replace(/\?.*$/, '');
        requests.push(rawCall(t.drs, http.method, path, http.method === 'GET' ? undefined : JSON.stringify(body)).then((r) => ({ ...r, operation })));
      }
    }

    const responses = await Promise.all(requests);
    const after = await t.client.send(new DescribeSourceServersCommand({}));

    expect(responses.filter((r) => r.status >= 500)).toEqual([]);
    expect(responses.filter((r) => r.status >= 400 && !r.errorType)).toEqual([]);
    expect(responses.every((r) => r.requestId)).toBe(true);
    expect(after.items).toHaveLength(13);
  });

  it('answers a request whose body is cut short by the client without crashing', async () => {
    const { request } = await import('node:http');
    const url = new URL(`${t.drs.endpoint}/DescribeJobs`);
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-length': '1000' } });
      req.on('error', () => resolve());
      req.write('{"maxRe');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });

    const after = await t.client.send(new DescribeSourceServersCommand({ maxResults: 1 }));

    expect(after.items).toHaveLength(1);
  });
});
