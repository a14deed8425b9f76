// StopStartedFailbacks: a failed failback stops the failback launches it started (StopFailback).
import { drsForRun } from '#shared/aws/run-drs.ts';
import { FailbackState } from '#shared/failback/state.ts';
import { stopStartedFailbacks } from '#shared/failback/waves.ts';
import { stepHandler } from '#shared/step.ts';

export const handler = stepHandler(FailbackState, async ({ run }) => stopStartedFailbacks(run, await drsForRun(run)));
