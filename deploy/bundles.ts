// Where `npm run build` puts each handler's bundle: a module of its own, without esbuild, for the
// local runner and the deploy steps that only read the bundles.
import { join } from 'node:path';

/** The entry's name in its function's folder: Lambda's default, so the handler reads `<key>/index.handler`. */
export const ENTRY_NAME = 'index';

/** A function's bundle: `<buildDir>/<key>/index.mjs`, its map and lazy chunks beside it. */
export function bundleFileOf(buildDir: string, key: string): string {
  return join(buildDir, key, `${ENTRY_NAME}.mjs`);
}
