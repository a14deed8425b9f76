// The composition root's DRS ports: one per (account, Region), created on first use and kept,
// every one of them talking to DRS_ENDPOINT when it is set (the local DRS service here).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalDrs } from '#local/drs/index.ts';
import { startTestDrs } from '../local-drs/helpers.ts';

let localDrs: LocalDrs;
let aws: typeof import('#shared/aws/drs.ts');

/** Another account, reached with credentials that say when they are asked for (as an STS role's would be). */
const credentialsAsked: string[] = [];
const otherAccount = {
  account: '222233334444',
  credentials: async () => {
    credentialsAsked.push('222233334444');
    return { accessKeyId: 'AKIAOTHERACCOUNT', secretAccessKey: 'other-account-secret' };
  },
};

beforeAll(async () => {
  ({ drs: localDrs } = await startTestDrs());
  vi.stubEnv('AWS_REGION', localDrs.region);
  vi.stubEnv('DRS_ENDPOINT', localDrs.endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
  aws = await import('#shared/aws/drs.ts');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await localDrs?.stop();
});

describe('the DRS ports of the composition root', () => {
  it('keep one port per (account, Region): the home Region in this account is the default port', () => {
    const home = aws.drsPortFor({ region: localDrs.region });
    const elsewhere = aws.drsPortFor({ region: 'ap-southeast-2' });
    const otherAccountHere = aws.drsPortFor({ region: localDrs.region, ...otherAccount });

    expect(home).toBe(aws.drs);
    expect(aws.regionalDrs(localDrs.region)).toBe(aws.drs);
    expect(aws.regionalDrs('ap-southeast-2')).toBe(elsewhere);
    expect(elsewhere).not.toBe(home);
    expect(otherAccountHere).not.toBe(home);
    expect(aws.drsPortFor({ region: localDrs.region, ...otherAccount })).toBe(otherAccountHere);
  });

  it('talk to DRS_ENDPOINT, with this account\'s credentials or the ones given for another account', async () => {
    const expected = (await aws.drs.listSourceServers()).map((server) => server.sourceServerID);

    const viaOtherAccount = await aws.drsPortFor({ region: localDrs.region, ...otherAccount }).listSourceServers();

    expect(expected.length).toBeGreaterThan(0);
    expect(credentialsAsked).toContain('222233334444');
    expect(viaOtherAccount.map((server) => server.sourceServerID)).toEqual(expected);
  });
});
