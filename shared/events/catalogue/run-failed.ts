// Run Failed: a wave failed, a step failed after its retries, or a drill's clean-up left instances.
import { progressEvent } from '#shared/events/definition.ts';
import { RunEndedDetail } from './run-ended.ts';

export const RunFailed = progressEvent({ name: 'Run Failed', version: 1, detail: RunEndedDetail });
