import { context } from 'esbuild';
import { HANDLER_BUNDLE_OPTIONS } from '/work/main/deploy/build.ts';
const variant = process.argv[2];
const extra = variant === 'nomap' ? { sourcemap: false } : variant === 'nomin' ? { minify: false } : variant === 'nosplit' ? { splitting: false } : {};
let current = '/work/main/functions/check-launch.ts';
const ctx = await context({ ...HANDLER_BUNDLE_OPTIONS, ...extra, entryPoints: { index: 'x:entry' }, chunkNames: '[name]-[hash]', outdir: '/tmp/ctx3', write: false, metafile: true, plugins: [{ name: 'e', setup: (b) => b.onResolve({ filter: /^x:entry$/ }, () => ({ path: current })) }] });
for (const f of ['check-launch.ts', 'check-launch.ts', 'start-wave.ts', 'start-wave.ts', 'take-plan-lock.ts', 'write-report.ts']) { current = '/work/main/functions/' + f; const t = Date.now(); const r = await ctx.rebuild(); console.log(variant ?? 'full', f, Date.now() - t, 'ms', r.outputFiles!.length, 'files', (r.outputFiles!.reduce((s, o) => s + o.contents.length, 0) / 1e6).toFixed(1), 'MB'); }
await ctx.dispose();
