import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { buildFunctions, bundleFileOf, functionKeyOf, summarizeBuild } from '#deploy/build.ts';
import { fixtureFunctionsDir, tempDir } from './helpers.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('buildFunctions', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('bundles each handler file into <functionKey>/index.mjs that exports handler', async () => {
    const outDir = await tempDir('build');
    vi.stubEnv('AWS_REGION', 'eu-west-1'); // handlers check their configuration at load

    const built = await buildFunctions({ functionsDir: fixtureFunctionsDir, outDir });

    expect(built.map((bundle) => bundle.key)).toEqual(['beginCountdown', 'countDown']);
    for (const bundle of built) {
      expect(bundle.file).toBe(join(outDir, bundle.key, 'index.mjs'));
      expect(bundle.bytes).toBeGreaterThan(0);
      const module = (await import(pathToFileURL(bundle.file).href)) as { handler?: unknown };
      expect(typeof module.handler).toBe('function');
    }
    // CommonJS dependencies need a require() inside the ESM bundle.
    expect(await readFile(built[0].file, 'utf8')).toContain('createRequire');
    // Stack traces lead into the sources: every file a bundle's map names exists.
    for (const bundle of built) {
      const { sources } = JSON.parse(await readFile(`${bundle.file}.map`, 'utf8')) as { sources: string[] };
      const found = await Promise.all(sources.map((source) => stat(resolve(dirname(bundle.file), source)).then(() => source, () => `missing: ${source}`)));
      expect(found).toEqual(sources);
      expect(sources.some((source) => source.endsWith('.ts'))).toBe(true);
    }
  });

  it('reuses the bundles when no file the last build read has changed, and builds again when one has', async () => {
    const functionsDir = await tempDir('cached-functions');
    const outDir = await tempDir('cached-build');
    await mkdir(join(functionsDir, 'lib'));
    await writeFile(join(functionsDir, 'lib', 'greeting.ts'), "export const greeting = 'hello';\n");
    await writeFile(join(functionsDir, 'greet.ts'), "import { greeting } from './lib/greeting.ts';\nexport const handler = async () => greeting;\n");
    const bundleOf = async () => readFile(bundleFileOf(outDir, 'greet'), 'utf8');

    await buildFunctions({ functionsDir, outDir });
    const firstBuilt = (await stat(bundleFileOf(outDir, 'greet'))).mtimeMs;
    await writeFile(bundleFileOf(outDir, 'greet'), `${await bundleOf()}\n// untouched by a reused build\n`);
    const reused = await buildFunctions({ functionsDir, outDir });
    const afterReuse = await bundleOf();
    // An imported file (not the handler itself) changes: the build reads it again.
    await writeFile(join(functionsDir, 'lib', 'greeting.ts'), "export const greeting = 'good evening';\n");
    await buildFunctions({ functionsDir, outDir });

    expect(firstBuilt).toBeGreaterThan(0);
    expect(reused.map((bundle) => bundle.key)).toEqual(['greet']);
    expect(reused[0]!.bytes).toBeGreaterThan(0);
    expect(afterReuse).toContain('// untouched by a reused build');
    expect(await bundleOf()).toContain('good evening');
    expect(await bundleOf()).not.toContain('untouched by a reused build');
    // force builds whatever the record says.
    await writeFile(bundleFileOf(outDir, 'greet'), 'stale');
    await buildFunctions({ functionsDir, outDir, force: true });
    expect(await bundleOf()).toContain('good evening');
  });

  it('builds again only the bundles that read a changed file, and reuses the others as they are', async () => {
    const functionsDir = await tempDir('partial-functions');
    const outDir = await tempDir('partial-build');
    await mkdir(join(functionsDir, 'lib'));
    const writeLib = (name: string, text: string) => writeFile(join(functionsDir, 'lib', `${name}.ts`), `export const ${name} = '${text}';\n`);
    await writeLib('shared', 'shared v1');
    await writeLib('wave', 'wave v1');
    await writeLib('report', 'report v1');
    await writeFile(join(functionsDir, 'start-wave.ts'), "import { shared } from './lib/shared.ts';\nimport { wave } from './lib/wave.ts';\nexport const handler = async () => [shared, wave];\n");
    await writeFile(join(functionsDir, 'write-report.ts'), "import { shared } from './lib/shared.ts';\nimport { report } from './lib/report.ts';\nexport const handler = async () => [shared, report];\n");
    await buildFunctions({ functionsDir, outDir });
    const mark = async (key: string) => writeFile(bundleFileOf(outDir, key), `${await readFile(bundleFileOf(outDir, key), 'utf8')}\n// left as it was\n`);
    await mark('startWave');
    await mark('writeReport');

    await writeLib('wave', 'wave v2');
    const afterWaveEdit = await buildFunctions({ functionsDir, outDir });
    const textsAfterWaveEdit = { startWave: await readFile(bundleFileOf(outDir, 'startWave'), 'utf8'), writeReport: await readFile(bundleFileOf(outDir, 'writeReport'), 'utf8') };
    await writeLib('shared', 'shared v2');
    const afterSharedEdit = await buildFunctions({ functionsDir, outDir });

    expect(afterWaveEdit.map((bundle) => [bundle.key, bundle.reused === true])).toEqual([['startWave', false], ['writeReport', true]]);
    expect(textsAfterWaveEdit.startWave).toContain('wave v2');
    expect(textsAfterWaveEdit.startWave).not.toContain('left as it was');
    expect(textsAfterWaveEdit.writeReport).toContain('left as it was');
    expect(summarizeBuild(afterWaveEdit)).toBe('Built 1 of 2 handlers (the others reused: no file they were built from changed)');
    expect(afterSharedEdit.map((bundle) => [bundle.key, bundle.reused === true])).toEqual([['startWave', false], ['writeReport', false]]);
    expect(await readFile(bundleFileOf(outDir, 'writeReport'), 'utf8')).toContain('shared v2');
    expect(summarizeBuild(afterSharedEdit)).toBe('Built 2 handlers');
    expect(summarizeBuild(await buildFunctions({ functionsDir, outDir }))).toBe('Reused the 2 handlers built before (no file they were built from changed)');
  });

  it('builds only the handlers asked for; one left stale is built by the next build that wants it, even after a shared file it reads was recorded anew', async () => {
    const functionsDir = await tempDir('only-functions');
    const outDir = await tempDir('only-build');
    await mkdir(join(functionsDir, 'lib'));
    const writeShared = (text: string) => writeFile(join(functionsDir, 'lib', 'shared.ts'), `export const shared = '${text}';\n`);
    await writeShared('shared v1');
    await writeFile(join(functionsDir, 'start-wave.ts'), "import { shared } from './lib/shared.ts';\nexport const handler = async () => ['wave', shared];\n");
    await writeFile(join(functionsDir, 'write-report.ts'), "import { shared } from './lib/shared.ts';\nexport const handler = async () => ['report', shared];\n");

    const first = await buildFunctions({ functionsDir, outDir, only: ['startWave'] });
    expect(first.map((bundle) => bundle.key)).toEqual(['startWave']);
    expect(summarizeBuild(first, { handlers: 2 })).toBe('Built the 1 handler this run can invoke (the other one is built when a run needs them)');
    await expect(readFile(bundleFileOf(outDir, 'writeReport'), 'utf8')).rejects.toThrow(/ENOENT/);

    const both = await buildFunctions({ functionsDir, outDir });
    expect(both.map((bundle) => [bundle.key, bundle.reused === true])).toEqual([['startWave', true], ['writeReport', false]]);

    // The shared file changes; a run wanting startWave alone rebuilds it and records the file anew.
    await writeShared('shared v2');
    const again = await buildFunctions({ functionsDir, outDir, only: ['startWave'] });
    expect(again.map((bundle) => [bundle.key, bundle.reused === true])).toEqual([['startWave', false]]);
    expect(await readFile(bundleFileOf(outDir, 'writeReport'), 'utf8')).toContain('shared v1');
    // writeReport's bundle still holds v1: the next build wanting it must not take it as up to date.
    const reportRun = await buildFunctions({ functionsDir, outDir, only: ['writeReport'] });
    expect(reportRun.map((bundle) => [bundle.key, bundle.reused === true])).toEqual([['writeReport', false]]);
    expect(await readFile(bundleFileOf(outDir, 'writeReport'), 'utf8')).toContain('shared v2');
    expect(summarizeBuild(await buildFunctions({ functionsDir, outDir, only: ['writeReport'] }), { handlers: 2 })).toBe(
      'Reused the 1 handler this run can invoke, built before (the other one is built when a run needs them)',
    );
    await expect(buildFunctions({ functionsDir, outDir, only: ['cleanUp'] })).rejects.toThrow('no handler to build for cleanUp');
  });

  it("gives a handler's AWS clients the environment's credentials, as Lambda sets them, and leaves the SDK's other credential sources out of its bundle", async () => {
    // Inside the project, so that the handler resolves the project's node_modules.
    await mkdir(join(projectRoot, '.build'), { recursive: true });
    const functionsDir = await mkdtemp(join(projectRoot, '.build', 'test-credentials-'));
    onTestFinished(() => rm(functionsDir, { recursive: true, force: true }));
    const outDir = await tempDir('credentials-build');
    await writeFile(
      join(functionsDir, 'credentials.ts'),
      "import { DrsClient } from '@aws-sdk/client-drs';\nconst drs = new DrsClient({ region: 'eu-west-1' });\nexport const handler = async () => (await drs.config.credentials()).accessKeyId;\n",
    );
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIAFROMLAMBDAENV');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'token');

    const [bundle] = await buildFunctions({ functionsDir, outDir });

    const module = (await import(pathToFileURL(bundle!.file).href)) as { handler: () => Promise<string> };
    expect(await module.handler()).toBe('ASIAFROMLAMBDAENV');
    const sources = await Promise.all(
      (await readdir(join(outDir, 'credentials'))).filter((name) => name.endsWith('.map')).map(async (name) => (JSON.parse(await readFile(join(outDir, 'credentials', name), 'utf8')) as { sources: string[] }).sources),
    );
    const credentialSources = sources.flat().filter((source) => source.includes('/@aws-sdk/credential-provider-'));
    expect(credentialSources.length).toBeGreaterThan(0);
    expect(credentialSources.filter((source) => !source.includes('/credential-provider-env/'))).toEqual([]);
  });

  it('checks inputs by size and mtime first and by content when they moved: a touched file reuses the build, an edit of the same size rebuilds', async () => {
    const functionsDir = await tempDir('stat-functions');
    const outDir = await tempDir('stat-build');
    const greeting = join(functionsDir, 'greeting.ts');
    await writeFile(greeting, "export const greeting = 'hello';\n");
    await writeFile(join(functionsDir, 'greet.ts'), "import { greeting } from './greeting.ts';\nexport const handler = async () => greeting;\n");
    await buildFunctions({ functionsDir, outDir });

    const later = new Date(Date.now() + 5_000);
    await utimes(greeting, later, later);
    const afterTouch = await buildFunctions({ functionsDir, outDir });
    await writeFile(greeting, "export const greeting = 'howdy';\n");
    const afterEdit = await buildFunctions({ functionsDir, outDir });

    expect(afterTouch[0]!.reused).toBe(true);
    expect(afterEdit[0]!.reused).toBeUndefined();
    expect(await readFile(bundleFileOf(outDir, 'greet'), 'utf8')).toContain('howdy');
  });

  it("puts what a handler imports only lazily in a chunk beside its bundle, loaded when needed, and drops an earlier build's chunks", async () => {
    const functionsDir = await tempDir('lazy-functions');
    const outDir = await tempDir('lazy-build');
    const writeLazy = (marker: string) => writeFile(join(functionsDir, 'lazy.txt.ts'), `export const marker = '${marker}';\n`);
    await writeLazy('first lazy module');
    await writeFile(
      join(functionsDir, 'maybe-lazy.ts'),
      "export const handler = async () => (process.env.LAZY === 'on' ? (await import('./lazy.txt.ts')).marker : 'eager only');\n",
    );

    const [first] = (await buildFunctions({ functionsDir, outDir })).filter((bundle) => bundle.key === 'maybeLazy');
    await writeLazy('second lazy module');
    const [second] = (await buildFunctions({ functionsDir, outDir })).filter((bundle) => bundle.key === 'maybeLazy');

    expect(first.bytes).toBe(second.bytes); // the lazy chunk is not read at init
    expect(await readFile(second.file, 'utf8')).not.toContain('lazy module');
    const chunks = (await readdir(join(outDir, 'maybeLazy'))).filter((name) => name.endsWith('.mjs') && name !== 'index.mjs');
    const chunkTexts = await Promise.all(chunks.map((name) => readFile(join(outDir, 'maybeLazy', name), 'utf8')));
    expect(chunkTexts.filter((text) => text.includes('lazy module'))).toEqual([expect.stringContaining('second lazy module')]);
    vi.stubEnv('LAZY', 'on');
    const module = (await import(pathToFileURL(second.file).href)) as { handler: () => Promise<string> };
    expect(await module.handler()).toBe('second lazy module');
  });

  it('a rebuild leaves the files whose bytes did not change as they were, so a packager reading them meanwhile sees the same files', async () => {
    const functionsDir = await tempDir('rebuild-functions');
    const outDir = await tempDir('rebuild-build');
    await writeFile(join(functionsDir, 'steady.ts'), "export const handler = async () => 'steady';\n");
    await writeFile(join(functionsDir, 'edited.ts'), "export const handler = async () => 'before';\n");
    await buildFunctions({ functionsDir, outDir });
    const identity = async (name: string) => {
      const { ino, mtimeMs } = await stat(join(outDir, name));
      return { ino, mtimeMs };
    };
    const before = { steady: await identity('steady/index.mjs'), steadyMap: await identity('steady/index.mjs.map'), edited: await identity('edited/index.mjs') };

    await writeFile(join(functionsDir, 'edited.ts'), "export const handler = async () => 'after';\n");
    await buildFunctions({ functionsDir, outDir });

    // osls stats each file it packages and refuses one whose inode or mtime changed before it reads it.
    expect(await identity('steady/index.mjs')).toEqual(before.steady);
    expect(await identity('steady/index.mjs.map')).toEqual(before.steadyMap);
    expect((await identity('edited/index.mjs')).ino).not.toBe(before.edited.ino);
    expect(await readFile(join(outDir, 'edited', 'index.mjs'), 'utf8')).toContain('after');
    expect((await readdir(outDir, { recursive: true })).sort()).toEqual(['edited', 'edited/index.mjs', 'edited/index.mjs.map', 'steady', 'steady/index.mjs', 'steady/index.mjs.map']);
  });

  it("removes a removed handler's folder, and what an earlier layout of the build left", async () => {
    const functionsDir = await tempDir('removed-functions');
    const outDir = await tempDir('removed-build');
    await writeFile(join(functionsDir, 'kept.ts'), "export const handler = async () => 'kept';\n");
    await writeFile(join(functionsDir, 'retired.ts'), "export const handler = async () => 'retired';\n");
    await buildFunctions({ functionsDir, outDir });
    await writeFile(join(outDir, 'kept.mjs'), 'export const handler = async () => "built by an earlier layout";\n');

    await rm(join(functionsDir, 'retired.ts'));
    await buildFunctions({ functionsDir, outDir });

    expect((await readdir(outDir, { recursive: true })).sort()).toEqual(['kept', 'kept/index.mjs', 'kept/index.mjs.map']);
  });

  it('names functions the way serverless.yml and the state machine do', () => {
    expect(functionKeyOf('start-wave.ts')).toBe('startWave');
    expect(functionKeyOf('/x/functions/check-post-launch-actions.ts')).toBe('checkPostLaunchActions');
    expect(functionKeyOf('preflight.ts')).toBe('preflight');
  });
});
