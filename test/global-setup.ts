// Builds the Lambda bundles once for the whole test run: the end-to-end tests invoke the built
// handlers, exactly as the local runner and Lambda do.
import { buildFunctions } from '#deploy/build.ts';

export default async function setup(): Promise<void> {
  await buildFunctions();
}
