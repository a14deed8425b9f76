// Process environment for the handlers of a local run. Handlers read their configuration at
// module load, and the AWS SDK reads credentials from the environment on its first request, so
// the variables are set before the handlers are imported and stay set until the run ends.
// Runs may overlap in one process (tests run two executions of a plan at once): the original
// values come back when the last of them ends.

let activeRuns = 0;
let originals = new Map<string, string | undefined>();
let loading: Promise<unknown> = Promise.resolve();

function apply(variables: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(variables)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/**
 * Sets `variables`, runs `load` (importing the handlers) with no other run's variables in
 * between, then `run`; restores the environment once no run is left.
 */
export async function withEnvironment<Loaded, Result>(
  variables: Record<string, string | undefined>,
  load: () => Promise<Loaded>,
  run: (loaded: Loaded) => Promise<Result>,
): Promise<Result> {
  if (activeRuns === 0) originals = new Map(Object.keys(variables).map((name) => [name, process.env[name]]));
  activeRuns += 1;
  try {
    const loadedHere = loading.then(() => {
      apply(variables);
      return load();
    });
    loading = loadedHere.catch(() => undefined);
    const loaded = await loadedHere;
    // Another run may have loaded in the meantime: lazy readers (SDK credentials) see this run's values.
    apply(variables);
    return await run(loaded);
  } finally {
    activeRuns -= 1;
    if (activeRuns === 0) apply(Object.fromEntries(originals));
  }
}
