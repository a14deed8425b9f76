// The services a run's approval gates and action steps call, started beside the local DRS service
// over its identity store, from the scenario's blocks: SSM Automation (`ssm:`, in the simulated time:
// the workflow polls it between its Wait states), the operators' SNS topic (`sns:`, and the topic the
// handlers are configured with), Route 53 (`route53:`) and Lambda (`lambda:`, the plan's action
// functions run from local handler files, with the run's credentials and the other services'
// endpoints, as a deployed function reaches AWS). Lambda and Route 53 run in real time.
import { dirname, resolve } from 'node:path';
import { IdentityStore } from '#local/identity/index.ts';
import { startLocalLambda, type LocalLambda } from '#local/lambda/index.ts';
import { startLocalRoute53, type LocalRoute53 } from '#local/route53/index.ts';
import { startLocalSns, type LocalSns } from '#local/sns/index.ts';
import { startLocalSsm, type LocalSsm } from '#local/ssm/index.ts';
import type { LocalDrs } from './local-drs.ts';

/** The operators' topic of stage `local` (serverless.yml's OperatorAlertsTopic). */
export const LOCAL_OPERATOR_TOPIC = 'drs-orchestrator-local-operator-alerts';

/** The runner's view of the action services: where the handlers and the action functions send their calls. */
export interface ActionServicesEndpoints {
  ssm: Pick<LocalSsm, 'endpoint' | 'state' | 'countCalls'>;
  sns: Pick<LocalSns, 'endpoint' | 'published'>;
  route53: Pick<LocalRoute53, 'endpoint' | 'state'>;
  lambda: Pick<LocalLambda, 'endpoint' | 'invocations' | 'countCalls'>;
  /** The ARN of the operators' topic the approval gate publishes to. */
  operatorTopicArn: string;
  /** Sends the action functions' output to `write` (a run's log) until called again; undefined: the default. */
  logTo(write: ((text: string) => void) | undefined): void;
}

export interface ActionServices extends ActionServicesEndpoints {
  stop(): Promise<void>;
}

export interface ActionServicesOptions {
  /** The scenario file: the Lambda functions' handler paths are relative to its folder. */
  scenarioFile?: string;
  /** Where the action functions' output goes unless a run says otherwise (logTo); default the terminal. */
  output?: (text: string) => void;
}

/** Starts SSM, SNS, Route 53 and Lambda for `drs`'s world; `stop()` stops them all. */
export async function startActionServicesFor(
  drs: Pick<LocalDrs, 'identity' | 'clock' | 'scenario' | 'region' | 'credentials'>,
  options: ActionServicesOptions = {},
): Promise<ActionServices> {
  const identity = drs.identity ?? new IdentityStore();
  const account = drs.scenario?.accountId ?? '111122223333';
  const home = { account, region: drs.region };
  const scenario = drs.scenario;
  const operatorTopicArn = `arn:aws:sns:${drs.region}:${account}:${LOCAL_OPERATOR_TOPIC}`;
  const started: Array<{ stop(): Promise<void> }> = [];
  const defaultOutput = options.output ?? ((text: string) => void process.stdout.write(text));
  let runLog: ((text: string) => void) | undefined;
  try {
    const clock = drs.clock === undefined ? {} : { clock: drs.clock };
    const ssm = await startLocalSsm({ identity, ...clock, scenario: scenario?.ssm, home });
    started.push(ssm);
    const sns = await startLocalSns({ identity, scenario: scenario?.sns, topics: [operatorTopicArn], home });
    started.push(sns);
    // Real time: the action functions that call it run in real time (a Lambda runs as long as it
    // runs), while the simulated clock stands still during a step at speed 0.
    const route53 = await startLocalRoute53({ identity, scenario: scenario?.route53, home: { account } });
    started.push(route53);
    const credentials = drs.credentials;
    const lambda = await startLocalLambda({
      identity,
      functions: scenario?.lambda,
      baseDir: options.scenarioFile === undefined ? process.cwd() : dirname(resolve(options.scenarioFile)),
      home,
      // What a deployed action function reaches: AWS, here the local services, with its role's credentials.
      env: {
        ROUTE53_ENDPOINT: route53.endpoint,
        SSM_ENDPOINT: ssm.endpoint,
        ...(credentials === undefined
          ? {}
          : { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}) }),
      },
      output: (text) => (runLog ?? defaultOutput)(text),
    });
    started.push(lambda);
    return {
      ssm,
      sns,
      route53,
      lambda,
      operatorTopicArn,
      logTo: (write) => {
        runLog = write;
      },
      stop: async () => {
        await Promise.all(started.map((service) => service.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((service) => service.stop()));
    throw error;
  }
}
