// Benchmark of the local DRS service at DRS's default account size (4,000 source servers):
// paging DescribeSourceServers, request throughput with 8 concurrent SDK clients, memory. The
// timings are taken BENCH_REPEATS times (default 3; page sizes interleaved round by round) and
// print as min / median / max. Prints figures; asserts nothing. Run: npx tsx bench/drs-local.ts
import { pathToFileURL } from 'node:url';
import { DescribeJobsCommand, DescribeSourceServersCommand, paginateDescribeSourceServers, type DrsClient } from '@aws-sdk/client-drs';
import { generateScenario, startLocalDrs } from '#local/drs/index.ts';
import { drsClientFor } from '#local/drs/client.ts';
import { fixed, interleave, mib, printTable, repeat, REPEATS, spread } from './support.ts';

const SERVERS = 4000;
const CLIENTS = 8;
const THROUGHPUT_SECONDS = 3;
/** Page sizes by label (labels not numbers: an object keeps numeric keys in ascending order). */
const PAGE_SIZES = { '1,000 a page (the default)': undefined, '200 a page': 200, '50 a page': 50 } as const;

async function pageAll(client: DrsClient, pageSize?: number): Promise<{ pages: number; servers: number; ms: number }> {
  const started = performance.now();
  let pages = 0;
  let servers = 0;
  for await (const page of paginateDescribeSourceServers({ client, ...(pageSize ? { pageSize } : {}) }, {})) {
    pages++;
    servers += page.items?.length ?? 0;
  }
  return { pages, servers, ms: performance.now() - started };
}

export async function benchDrsLocal(): Promise<void> {
  global.gc?.();
  const before = process.memoryUsage();
  const drs = await startLocalDrs({ scenario: generateScenario({ servers: SERVERS, applications: 40, launchActions: true }), speed: 600 });
  global.gc?.();
  const loaded = process.memoryUsage();
  const client = drsClientFor(drs);
  console.log(`local DRS service: ${SERVERS} source servers at ${drs.endpoint}`);

  await pageAll(client); // warm-up: JIT, keep-alive connection
  const paged = await interleave(
    REPEATS,
    Object.fromEntries(Object.entries(PAGE_SIZES).map(([name, pageSize]) => [name, () => pageAll(client, pageSize)])) as Record<keyof typeof PAGE_SIZES, () => ReturnType<typeof pageAll>>,
  );

  const ids = (await client.send(new DescribeSourceServersCommand({ maxResults: 100 }))).items!.map((s) => s.sourceServerID!);
  const clients = Array.from({ length: CLIENTS }, () => drsClientFor(drs));
  const throughput = await repeat(REPEATS, async () => {
    const deadline = performance.now() + THROUGHPUT_SECONDS * 1000;
    const counts = await Promise.all(
      clients.map(async (c, index) => {
        let requests = 0;
        while (performance.now() < deadline) {
          // A poller's mix: filtered source servers and the job list.
          if (requests % 2 === 0) await c.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: ids.slice((index * 10) % 90, (index * 10) % 90 + 10) } }));
          else await c.send(new DescribeJobsCommand({}));
          requests++;
        }
        return requests;
      }),
    );
    return counts.reduce((a, b) => a + b, 0) / THROUGHPUT_SECONDS;
  });
  printTable(
    `   Local DRS service at ${SERVERS.toLocaleString('en-US')} source servers (wall clock, ${REPEATS} sample${REPEATS === 1 ? '' : 's'} each; min / median / max)`,
    ['figure', 'value'],
    [
      ...Object.entries(paged).map(([name, runs]) => [
        `DescribeSourceServers, all ${runs[0]!.pages} pages, ${name}`,
        spread(runs.map((run) => run.ms), fixed(0), 'ms'),
      ]),
      [`${CLIENTS} concurrent SDK clients, ${THROUGHPUT_SECONDS} s windows`, spread(throughput, fixed(0), 'requests/s')],
    ],
  );

  const after = process.memoryUsage();
  console.log(`  memory: RSS ${mib(before.rss)} before start, ${mib(loaded.rss)} with ${SERVERS} servers loaded, ${mib(after.rss)} after the runs`);
  console.log(`  heap used: ${mib(before.heapUsed)} before start, ${mib(loaded.heapUsed)} loaded, ${mib(after.heapUsed)} after the runs (same process as the SDK clients)`);
  for (const c of [client, ...clients]) c.destroy();
  await drs.stop();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchDrsLocal();
}
