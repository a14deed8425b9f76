import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildFunctions, functionKeyOf } from '../../local/build.ts';
import { fixtureFunctionsDir, tempDir } from './helpers.ts';

describe('buildFunctions', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('bundles each handler file into <functionKey>.mjs that exports handler', async () => {
    const outDir = await tempDir('build');
    vi.stubEnv('AWS_REGION', 'eu-west-1'); // handlers check their configuration at load

    const built = await buildFunctions({ functionsDir: fixtureFunctionsDir, outDir });

    expect(built.map((bundle) => bundle.key)).toEqual(['beginCountdown', 'countDown']);
    for (const bundle of built) {
      expect(bundle.file).toBe(join(outDir, `${bundle.key}.mjs`));
      expect(bundle.bytes).toBeGreaterThan(0);
      const module = (await import(pathToFileURL(bundle.file).href)) as { handler?: unknown };
      expect(typeof module.handler).toBe('function');
    }
    // CommonJS dependencies need a require() inside the ESM bundle.
    expect(await readFile(built[0].file, 'utf8')).toContain('createRequire');
  });

  it('names functions the way serverless.yml and the state machine do', () => {
    expect(functionKeyOf('start-wave.ts')).toBe('startWave');
    expect(functionKeyOf('/x/functions/check-post-launch-actions.ts')).toBe('checkPostLaunchActions');
    expect(functionKeyOf('preflight.ts')).toBe('preflight');
  });
});
