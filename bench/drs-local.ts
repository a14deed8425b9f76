// Benchmark of the local DRS service at DRS's default account size (4,000 source servers):
// paging DescribeSourceServers, request throughput with 8 concurrent SDK clients, memory.
// Prints figures; asserts nothing. Run: npx tsx bench/drs-local.ts
import { pathToFileURL } from 'node:url';
import { DescribeJobsCommand, DescribeSourceServersCommand, paginateDescribeSourceServers, type DrsClient } from '@aws-sdk/client-drs';
import { drsClientFor, generateScenario, startLocalDrs } from '#local/drs/index.ts';

const SERVERS = 4000;
const CLIENTS = 8;
const THROUGHPUT_SECONDS = 5;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

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
  for (const pageSize of [undefined, 200, 50]) {
    const { pages, servers, ms } = await pageAll(client, pageSize);
    console.log(`  DescribeSourceServers paged (${pageSize ?? 'default 1000'}/page): ${servers} servers, ${pages} pages, ${ms.toFixed(0)} ms`);
  }

  const ids = (await client.send(new DescribeSourceServersCommand({ maxResults: 100 }))).items!.map((s) => s.sourceServerID!);
  const clients = Array.from({ length: CLIENTS }, () => drsClientFor(drs));
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
  const total = counts.reduce((a, b) => a + b, 0);
  console.log(`  ${CLIENTS} concurrent SDK clients for ${THROUGHPUT_SECONDS} s: ${total} requests, ${(total / THROUGHPUT_SECONDS).toFixed(0)} requests/s`);

  const after = process.memoryUsage();
  console.log(`  memory: RSS ${mib(before.rss)} before start, ${mib(loaded.rss)} with ${SERVERS} servers loaded, ${mib(after.rss)} after the runs`);
  console.log(`  heap used: ${mib(before.heapUsed)} before start, ${mib(loaded.heapUsed)} loaded, ${mib(after.heapUsed)} after the runs (same process as the SDK clients)`);
  for (const c of [client, ...clients]) c.destroy();
  await drs.stop();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchDrsLocal();
}
