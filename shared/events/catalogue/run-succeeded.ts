// Run Succeeded: every wave completed (and a drill's clean-up left nothing running).
import { progressEvent } from '#shared/events/definition.ts';
import { RunEndedDetail } from './run-ended.ts';

export const RunSucceeded = progressEvent({ name: 'Run Succeeded', version: 1, detail: RunEndedDetail });
