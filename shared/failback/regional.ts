// The type only, for the failback modules that import it from here: the ports themselves are
// created in the composition root, shared/aws/drs.ts.
export type { RegionalDrs } from '#shared/aws/drs.ts';
