import { decode } from '@jridgewell/sourcemap-codec';
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
const dir = process.argv[2];
// static closure of index.mjs
const seen = new Set<string>(); const stack = [join(dir, 'index.mjs')];
const bytes = new Map<string, number>();
while (stack.length) { const f = stack.pop()!; if (seen.has(f)) continue; seen.add(f); const code = readFileSync(f, 'utf8');
  for (const m of code.matchAll(/(?:^|[;}\n])import\s*(?:[^"'()]*?from\s*)?"(\.\/[^"]+)"/g)) { const p = join(dirname(f), m[1]); if (existsSync(p)) stack.push(p); }
  const map = JSON.parse(readFileSync(f + '.map', 'utf8')); const lines = code.split('\n'); const dec = decode(map.mappings);
  dec.forEach((segs, li) => { const len = lines[li]?.length ?? 0; segs.forEach((s, i) => { const end = i + 1 < segs.length ? segs[i + 1][0] : len; if (s.length > 1) { const src = map.sources[s[1]].replace(/.*node_modules\//, '').replace(/^((?:@[^/]+\/)?[^/]+).*/, '$1').replace(/^(\.\.\/)+/, ''); const key = src.startsWith('shared') || src.startsWith('functions') ? src.split('/').slice(0, 2).join('/') : src; bytes.set(key, (bytes.get(key) ?? 0) + (end - s[0])); } }); });
}
const total = [...bytes.values()].reduce((a, b) => a + b, 0);
console.log(seen.size, 'files', (total / 1024).toFixed(0), 'KiB mapped');
for (const [k, v] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((v / 1024).toFixed(1).padStart(7), k);
