// `npm run build`: bundles every Lambda handler in functions/ into .build/functions/<key>/index.mjs,
// the same artefacts the local runner invokes, serverless packages and benchmarks measure.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { counted } from '#shared/words.ts';
import { bundleFileOf, ENTRY_NAME } from '#deploy/bundles.ts';
import { context, version as esbuildVersion, type BuildOptions as BuildOptions_, type Metafile } from 'esbuild';

export { bundleFileOf };

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export const DEFAULT_FUNCTIONS_DIR = join(projectRoot, 'functions');
export const DEFAULT_BUILD_DIR = join(projectRoot, '.build', 'functions');

export interface BuiltFunction {
  /** The serverless.yml function key, which the state machine's Task resources name. */
  key: string;
  /** Absolute path of the bundle. */
  file: string;
  /** What Node reads at init: the bundle and the chunks it imports statically, not the lazy ones. */
  bytes: number;
  /** Taken from the previous build: no file it read has changed since. */
  reused?: boolean;
}

export interface BuildOptions {
  /** Where the handlers are (default functions/); tests point this at their fixtures. */
  functionsDir?: string;
  /** Where the bundles go (default .build/functions/). */
  outDir?: string;
  /** Build even when every file the last build read is unchanged (default false: reuse it). */
  force?: boolean;
  /**
   * Only these handlers (function keys; default all): a local run builds those it can invoke. The
   * others keep their bundles and record while still up to date; a stale one loses its record, so
   * the next build that wants it builds it again.
   */
  only?: readonly string[];
}

/**
 * What each bundle was built from, by content: kept beside the bundles (`<outDir>.inputs.json`) so
 * that the next build reuses every bundle whose handler is the same file and every file it read
 * (sources, node_modules, by their SHA-256) is unchanged, and builds the others.
 */
interface BuildRecord {
  /** esbuild's version and the bundle options: another esbuild or other options build anew. */
  builder: string;
  /** Function key → the handler file it was built from, the init bytes of its bundle, and what it read (indices into inputFiles). */
  functions: Record<string, { file: string; bytes: number; inputs: number[] }>;
  /**
   * Every input file of every bundle (absolute), its SHA-256, and its size and mtime when hashed:
   * a file whose size and mtime are unchanged is not read again (git's index does the same), any
   * other is hashed and compared, so a touched but unchanged file still reuses the bundles.
   */
  inputFiles: InputFile[];
}

interface InputFile {
  path: string;
  sha256: string;
  size: number;
  mtimeMs: number;
}

/** The build record of the bundles in `outDir`: beside the folder, not in it (the folder holds exactly the current bundles). */
export const recordFileOf = (outDir: string) => `${outDir}.inputs.json`;

/** What builds a bundle besides its inputs: esbuild's version and the options. */
function builder(): string {
  return `esbuild ${esbuildVersion} ${JSON.stringify(HANDLER_BUNDLE_OPTIONS)}`;
}

async function sha256Of(path: string): Promise<string | undefined> {
  const bytes = await readFile(path).catch(() => undefined);
  return bytes === undefined ? undefined : createHash('sha256').update(bytes).digest('hex');
}

/**
 * Whether the file still holds what was recorded: `exactly` when its size and mtime are unchanged
 * (the record stays as it is), `content` when its content is (it is recorded again), else false.
 */
async function unchanged(recorded: InputFile): Promise<'exactly' | 'content' | false> {
  const now = await stat(recorded.path).catch(() => undefined);
  if (now === undefined) return false;
  if (now.size === recorded.size && now.mtimeMs === recorded.mtimeMs) return 'exactly';
  return (await sha256Of(recorded.path)) === recorded.sha256 ? 'content' : false;
}

/** The last build's record, if this esbuild with these options made it; else undefined (build everything). */
async function readRecord(outDir: string): Promise<BuildRecord | undefined> {
  const text = await readFile(recordFileOf(outDir), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const record = JSON.parse(text) as BuildRecord;
    return record.builder === builder() && Array.isArray(record.inputFiles) ? record : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The bundles of the last build that can be reused as they are: same handler file, bundle there,
 * every input unchanged; and the inputs checked whose record still holds exactly, for the next
 * record (not hashed again).
 */
async function reusableBundles(
  record: BuildRecord | undefined,
  outDir: string,
  keys: readonly string[],
  files: readonly string[],
): Promise<{ reusable: Map<string, BuiltFunction>; exact: Map<string, InputFile> }> {
  const reusable = new Map<string, BuiltFunction>();
  const exact = new Map<string, InputFile>();
  if (record === undefined) return { reusable, exact };
  // Each input is checked once, however many bundles read it.
  const checks = new Map<number, Promise<'exactly' | 'content' | false>>();
  const unchangedInput = (index: number) => {
    let check = checks.get(index);
    if (check === undefined) {
      const recorded = record.inputFiles[index];
      check = recorded === undefined ? Promise.resolve(false) : unchanged(recorded);
      void check.then((outcome) => outcome === 'exactly' && exact.set(recorded!.path, recorded!));
      checks.set(index, check);
    }
    return check;
  };
  await Promise.all(
    keys.map(async (key, index) => {
      const entry = record.functions[key];
      if (entry === undefined || entry.file !== files[index]) return;
      const file = bundleFileOf(outDir, key);
      const [present, inputs] = await Promise.all([stat(file).then(() => true, () => false), Promise.all(entry.inputs.map(unchangedInput))]);
      if (present && !inputs.includes(false)) reusable.set(key, { key, file, bytes: entry.bytes, reused: true });
    }),
  );
  return { reusable, exact };
}

/**
 * Records what each bundle read, for the next build to compare with: each input hashed, but those
 * whose record the check before the build found unchanged to the mtime (`exact`).
 */
async function recordBuild(outDir: string, built: ReadonlyArray<BuiltFunction & { handlerFile: string; inputs: readonly string[] }>, exact: ReadonlyMap<string, InputFile>): Promise<void> {
  const paths = [...new Set(built.flatMap((bundle) => bundle.inputs))].sort();
  const indexOf = new Map(paths.map((path, index) => [path, index]));
  const inputFiles: InputFile[] = [];
  for (let start = 0; start < paths.length; start += 64) {
    const batch = paths.slice(start, start + 64).map(async (path): Promise<InputFile> => {
      const known = exact.get(path);
      if (known !== undefined) return known;
      // Stat before reading: a file changed in between has a newer mtime than recorded, so the next
      // check hashes it again rather than trusting a stale hash.
      const before = await stat(path).catch(() => undefined);
      const hash = await sha256Of(path);
      // An input esbuild read but that cannot be read now (a virtual one) makes the bundle not reusable.
      return { path, sha256: hash ?? 'unreadable', size: before?.size ?? -1, mtimeMs: before?.mtimeMs ?? -1 };
    });
    inputFiles.push(...(await Promise.all(batch)));
  }
  const functions = Object.fromEntries(
    built.map((bundle) => [bundle.key, { file: bundle.handlerFile, bytes: bundle.bytes, inputs: bundle.inputs.map((path) => indexOf.get(path)!).sort((a, b) => a - b) }]),
  );
  const record: BuildRecord = { builder: builder(), functions, inputFiles };
  await writeFile(recordFileOf(outDir), `${JSON.stringify(record)}\n`);
}

/** `start-wave` → `startWave`: the function key serverless.yml and the ASL use. */
export function functionKeyOf(fileName: string): string {
  return basename(fileName, '.ts').replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** The handler files of a folder: every `*.ts` except tests and type declarations. */
export async function listHandlerFiles(functionsDir = DEFAULT_FUNCTIONS_DIR): Promise<string[]> {
  const names = await readdir(functionsDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return names
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts'))
    .sort()
    .map((name) => join(functionsDir, name));
}

// Some AWS SDK and Powertools dependencies are CommonJS and call require(); an ESM bundle has
// no require of its own, so give it one.
const REQUIRE_BANNER =
  "import { createRequire as __drsCreateRequire } from 'node:module'; const require = __drsCreateRequire(import.meta.url);";

/**
 * The esbuild options of a Lambda bundle: ESM for Node 22, minified, tree-shaken, with source
 * maps (mappings only), and code split so that what a handler imports only dynamically (the
 * Tracer and the X-Ray SDK when tracing is off) sits in a chunk of its own that Node neither
 * reads nor compiles at init. The cold-start benchmark builds its baseline bundle with the same
 * options.
 */
export const HANDLER_BUNDLE_OPTIONS = {
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  platform: 'node',
  target: 'node22',
  bundle: true,
  splitting: true,
  mainFields: ['module', 'main'],
  minify: true,
  treeShaking: true,
  sourcemap: true,
  // Maps without the sources' text: stack traces need only the mappings, and Node reads and parses
  // each map at init under --enable-source-maps (the text was about two thirds of every map).
  sourcesContent: false,
  // Keeps the handler's module-scope names readable in stack traces despite minification.
  keepNames: true,
  banner: { js: REQUIRE_BANNER },
  // Lambda's credentials are in the environment: the SDK's default chain, whose other links a
  // function never reaches, is swapped for that one link (shared/aws/lambda-credentials.ts).
  alias: { '@aws-sdk/credential-provider-node': fileURLToPath(new URL('../shared/aws/lambda-credentials.ts', import.meta.url)) },
  logLevel: 'silent',
} as const satisfies BuildOptions_;

/** The import the build context bundles; the plugin below makes it the handler of the moment. */
const HANDLER_ENTRY = 'drs-orchestrator:handler-entry';

/**
 * Bundles every handler of `functionsDir` into its own folder, `<outDir>/<functionKey>/index.mjs`
 * (ESM, Node 22, minified, with source maps) and the chunks it loads lazily beside it, so each
 * function's files are its own and its package holds nothing else. Only the bundles whose handler
 * or any file they read changed are built again (all with `force`). Folders of removed handlers
 * are deleted, so the build folder holds exactly the current handlers.
 *
 * One esbuild context builds them one after the other: its cache parses each source once (the AWS
 * SDK above all), where an esbuild call per handler parsed it once per handler (a cold build of
 * the 31 handlers took about 2 × as long). Each bundle is what a call of its own would make; one
 * call with every handler as an entry would share chunks across functions, costing each cold import
 * 10–40 ms here (measured, not taken).
 */
export async function buildFunctions(options: BuildOptions = {}): Promise<BuiltFunction[]> {
  const functionsDir = resolve(options.functionsDir ?? DEFAULT_FUNCTIONS_DIR);
  const outDir = resolve(options.outDir ?? DEFAULT_BUILD_DIR);
  const files = await listHandlerFiles(functionsDir);
  if (files.length === 0) throw new Error(`no handlers to build: ${functionsDir} holds no *.ts file`);
  const keys = files.map(functionKeyOf);
  const unknown = (options.only ?? []).filter((key) => !keys.includes(key));
  if (unknown.length > 0) throw new Error(`no handler to build for ${unknown.join(', ')}: ${functionsDir} has none of that name (the handlers: ${keys.join(', ')})`);
  const wanted = new Set(options.only ?? keys);
  const record = options.force === true ? undefined : await readRecord(outDir);
  const { reusable, exact } = await reusableBundles(record, outDir, keys, files);
  const sameHandlers = record !== undefined && Object.keys(record.functions).length === keys.length;
  // Nothing wanted to build: the record stays as it is (a stale bundle not wanted keeps the record
  // that tells the next build so). A build of them all also removes what a removed handler left.
  const upToDate = options.only === undefined ? reusable.size === keys.length && sameHandlers : [...wanted].every((key) => reusable.has(key));
  if (upToDate) return keys.filter((key) => wanted.has(key)).map((key) => reusable.get(key)!);

  // Each file is written aside, then renamed into place (atomic): a run or a test importing the
  // bundles while another process rebuilds them never sees a missing or half-written file. A file
  // whose bytes did not change is left as it is (same inode, same mtime): a packager reading the
  // bundles meanwhile — osls stats each file, then refuses it if it changed before it reads it —
  // is undisturbed by a rebuild of unchanged sources (e.g. `npm start` during the test run).
  await mkdir(outDir, { recursive: true });
  const stagingDir = await mkdtemp(`${outDir}.building-`);
  let handlerFile = '';
  const newContext = () =>
    context({
      ...HANDLER_BUNDLE_OPTIONS,
      entryPoints: { [ENTRY_NAME]: HANDLER_ENTRY },
      chunkNames: '[name]-[hash]',
      // One level below the build folder like the functions' folders, so the maps' relative paths
      // to the sources are theirs.
      outdir: join(stagingDir, 'function'),
      write: false,
      metafile: true,
      plugins: [{ name: 'handler-entry', setup: (build) => build.onResolve({ filter: /^drs-orchestrator:handler-entry$/ }, () => ({ path: handlerFile })) }],
    });
  // Made at the first bundle to build: a removed handler alone needs none.
  let context_: Awaited<ReturnType<typeof newContext>> | undefined;
  try {
    const built: Array<BuiltFunction & { handlerFile: string; inputs: readonly string[] }> = [];
    for (const [index, key] of keys.entries()) {
      const reused = reusable.get(key);
      if (reused !== undefined) {
        const inputs = record!.functions[key]!.inputs.map((input) => record!.inputFiles[input]!.path);
        built.push({ ...reused, handlerFile: files[index]!, inputs });
        continue;
      }
      // Not wanted now, and out of date: left for the build that wants it (no record, so not reused).
      if (!wanted.has(key)) continue;
      handlerFile = files[index]!;
      context_ ??= await newContext();
      const { outputFiles, metafile } = await context_.rebuild();
      // Chunks first, so an entry never lands before the chunks it imports.
      const ordered = [...outputFiles].sort((a, b) => Number(basename(a.path).startsWith(`${ENTRY_NAME}.`)) - Number(basename(b.path).startsWith(`${ENTRY_NAME}.`)));
      await mkdir(join(outDir, key), { recursive: true });
      const current = new Set<string>();
      for (const output of ordered) {
        current.add(basename(output.path));
        await placeUnlessUnchanged(output.contents, join(outDir, key, basename(output.path)), join(stagingDir, `${key}-${basename(output.path)}`));
      }
      // Chunks of the bundle's earlier build would still be importable: removed. Chunk names carry
      // a content hash, so a run importing the previous entry keeps its chunks until now.
      for (const name of await readdir(join(outDir, key))) if (!current.has(name)) await rm(join(outDir, key, name), { recursive: true, force: true });
      // esbuild names inputs relative to the working directory: kept absolute, so any directory reads them back.
      const inputs = Object.keys(metafile.inputs).map((input) => resolve(input));
      built.push({ key, file: bundleFileOf(outDir, key), bytes: initBytes(metafile, `${ENTRY_NAME}.mjs`), handlerFile, inputs });
    }
    // A removed handler's folder, and what an earlier layout left (`<key>.mjs`, `<key>.chunks/`).
    for (const entry of await readdir(outDir, { withFileTypes: true })) {
      const bundleFolder = entry.isDirectory() && (entry.name.endsWith('.chunks') || (await stat(bundleFileOf(outDir, entry.name)).then(() => true, () => false)));
      if ((bundleFolder && !keys.includes(entry.name)) || (entry.isFile() && /\.mjs(\.map)?$/.test(entry.name))) await rm(join(outDir, entry.name), { recursive: true, force: true });
    }
    await recordBuild(outDir, built, exact);
    return built.filter(({ key }) => wanted.has(key)).map(({ key, file, bytes, reused }) => (reused ? { key, file, bytes, reused } : { key, file, bytes }));
  } finally {
    await context_?.dispose();
    await rm(stagingDir, { recursive: true, force: true });
  }
}

/** Writes `bytes` to `target` by way of `aside` (renamed over it), unless `target` already holds them. */
async function placeUnlessUnchanged(bytes: Uint8Array, target: string, aside: string): Promise<void> {
  const existing = await readFile(target).catch(() => undefined);
  if (existing !== undefined && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(existing)) return;
  await writeFile(aside, bytes);
  await rename(aside, target);
}

/** The bytes of an output and of every chunk it imports statically, transitively. */
function initBytes(metafile: Metafile, entry: string): number {
  const outputs = new Map(Object.entries(metafile.outputs).map(([path, output]) => [basename(path) === entry ? entry : path, output]));
  const seen = new Set<string>();
  const visit = (path: string): number => {
    const output = outputs.get(path);
    if (output === undefined || seen.has(path)) return 0;
    seen.add(path);
    return output.bytes + output.imports.filter((imported) => imported.kind === 'import-statement' && !imported.external).reduce((sum, imported) => sum + visit(imported.path), 0);
  };
  return visit(entry);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** What a build did, in a few words: `Built 3 of 31 handlers (the others reused: no file they were built from changed)`. */
export function summarizeBuild(built: readonly BuiltFunction[], of?: { handlers: number }): string {
  const rebuilt = built.filter((bundle) => bundle.reused !== true).length;
  if (of !== undefined && of.handlers > built.length) {
    const others = of.handlers - built.length;
    const rest = `${others === 1 ? 'the other one is' : `the ${others} others are`} built when a run needs them`;
    if (rebuilt === 0) return `Reused the ${counted(built.length, 'handler')} this run can invoke, built before (${rest})`;
    if (rebuilt === built.length) return `Built the ${counted(built.length, 'handler')} this run can invoke (${rest})`;
    return `Built ${rebuilt} of the ${counted(built.length, 'handler')} this run can invoke, the others reused (${rest})`;
  }
  if (rebuilt === 0) return `Reused the ${counted(built.length, 'handler')} built before (no file they were built from changed)`;
  if (rebuilt === built.length) return `Built ${counted(built.length, 'handler')}`;
  return `Built ${rebuilt} of ${counted(built.length, 'handler')} (the others reused: no file they were built from changed)`;
}

/** One line per bundle, aligned, for the terminal. */
export function describeBuild(built: readonly BuiltFunction[]): string {
  const width = Math.max(...built.map((bundle) => bundle.key.length));
  return built.map((bundle) => `  ${bundle.key.padEnd(width)}  ${formatBytes(bundle.bytes).padStart(10)}`).join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  try {
    const built = await buildFunctions({ force: process.argv.includes('--force') });
    console.log(`${summarizeBuild(built)} into ${relative(process.cwd(), DEFAULT_BUILD_DIR)} in ${Date.now() - started} ms`);
    console.log(describeBuild(built));
  } catch (error) {
    console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
