// The ci stage as `npm run package` synthesizes it, packaged once per test run and shared by the
// suites that read it (package.test.ts, iam.test.ts): packaging takes a minute of the two cores,
// and vitest runs each test file in a process of its own. The first suite to get here packages
// under a lock; the others wait for it and read the same output.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const PACKAGE_TIMEOUT_MS = 300_000;
/** Where the suites package to (what `npm run package` writes to .serverless/). */
export const OUTPUT = join(root, '.build', 'package-test');
const LOCK = `${OUTPUT}.lock`;
/** Written last: which run and which inputs the output in OUTPUT was packaged from. */
const DONE = join(OUTPUT, 'packaged-for');

export interface Resource {
  Type: string;
  Properties: Record<string, any>;
  [attribute: string]: unknown;
}

/**
 * What the packaged output is a function of, besides the bundles (built once per run by
 * test/global-setup.ts): the vitest run (every test file's process is a child of it) and the
 * deploy inputs, so a file edited between two runs of one process is packaged anew.
 */
async function runKey(): Promise<string> {
  const hash = createHash('sha256').update(String(process.ppid));
  const files = ['serverless.yml', 'package-lock.json'];
  for (const folder of ['deploy', 'statemachines', 'plans']) {
    for (const entry of await readdir(join(root, folder), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.push(join(entry.parentPath, entry.name).slice(root.length));
    }
  }
  for (const file of files.sort()) hash.update(file).update(await readFile(join(root, file)));
  return hash.digest('hex');
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Holds the lock (a directory: mkdir is atomic) while `work` runs; a dead holder's lock is taken over. */
async function withLock<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + PACKAGE_TIMEOUT_MS;
  for (;;) {
    try {
      await mkdir(LOCK);
      await writeFile(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(join(LOCK, 'pid'), 'utf8').catch(() => '0'));
      if (holder > 0 && !alive(holder)) await rm(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${LOCK} is held by process ${holder} for too long`);
      else await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    return await work();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

function withoutAwsCredentials(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE)$/.test(name)));
}

/**
 * `npm run package`, but with the bundles test/global-setup.ts built for this run when they are
 * there: rebuilding would delete them under the end-to-end suites running alongside. No AWS
 * credentials: the template must synthesize offline.
 */
async function packageCi(): Promise<void> {
  const run = promisify(execFile);
  const options = { cwd: root, timeout: PACKAGE_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, env: withoutAwsCredentials() };
  const built = await stat(join(root, '.build', 'functions')).then(() => true, () => false);
  await run(process.execPath, ['--import', 'tsx', 'deploy/prepare.ts', '--stage', 'ci', ...(built ? ['--reuse-build'] : [])], options);
  // Whatever --package names, osls builds in .serverless/ (emptied when it starts, moved to
  // OUTPUT at the end): one osls at a time per tree, which the lock gives this run's suites. It
  // also stats each file it zips and refuses one that changed before it reads it: the bundles must
  // hold still meanwhile (a rebuild of unchanged handlers leaves them as they are: deploy/build.ts).
  await run(join(root, 'node_modules', '.bin', 'osls'), ['package', '--stage', 'ci', '--region', 'eu-west-1', '--package', OUTPUT], options);
}

/** The synthesized CloudFormation template's resources, packaged into OUTPUT once per run. */
export async function packagedResources(): Promise<Record<string, Resource>> {
  return (await packagedTemplate()).Resources;
}

/** The stack's outputs, by name. */
export async function packagedOutputs(): Promise<Record<string, { Value: unknown }>> {
  return (await packagedTemplate()).Outputs;
}

async function packagedTemplate(): Promise<{ Resources: Record<string, Resource>; Outputs: Record<string, { Value: unknown }> }> {
  const key = await runKey();
  const current = () => readFile(DONE, 'utf8').then((done) => done === key, () => false);
  if (!(await current())) {
    await withLock(async () => {
      if (await current()) return;
      await rm(DONE, { force: true });
      await packageCi();
      await writeFile(DONE, key);
    });
  }
  return JSON.parse(await readFile(join(OUTPUT, 'cloudformation-template-update-stack.json'), 'utf8'));
}

/** The entries of a zip (stored or deflated), by name; directories left out. */
export async function readZip(path: string): Promise<Map<string, Buffer>> {
  const zip = await readFile(path);
  const files = new Map<string, Buffer>();
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let offset = zip.readUInt32LE(end + 16);
  for (let index = 0; index < zip.readUInt16LE(end + 10); index += 1) {
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    const local = zip.readUInt32LE(offset + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressedSize);
    if (!name.endsWith('/')) files.set(name, method === 8 ? inflateRawSync(data) : data);
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return files;
}

/** Unpacks a zip into `folder`, as Lambda unpacks a function's zip into /var/task; returns the file names. */
export async function unzip(path: string, folder: string): Promise<string[]> {
  const files = await readZip(path);
  for (const [name, data] of files) {
    await mkdir(dirname(join(folder, name)), { recursive: true });
    await writeFile(join(folder, name), data);
  }
  return [...files.keys()];
}
