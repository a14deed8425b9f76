// Command line of the local DRS service:
//   npm run drs-local -- [--port 4600] [--scenario scenarios/default.yaml] [--speed 600]
//   npm run drs-local -- generate-scenario --servers 4000 --out scenarios/large.yaml
//   npm run drs-local -- generate-scenario --servers 6000 --targets 2 --external-id x --out /tmp/two-targets.yaml
import { writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { stringify as toYaml } from 'yaml';
import { DEFAULT_SPEED, defaultScenarioPath, generateScenario, startLocalDrs } from './index.ts';
import { launchConfigurationSchema } from './scenario.ts';

function nonNegativeNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError('expected a non-negative number');
  return parsed;
}

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) throw new InvalidArgumentError('expected a TCP port (0-65535)');
  return parsed;
}

/** A JSON launch configuration, checked by the scenario schema so a typo fails here, not later. */
function launchConfiguration(value: string) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('expected JSON, e.g. \'{"postLaunchEnabled":false}\'');
  }
  const result = launchConfigurationSchema.safeParse(parsed);
  if (!result.success) throw new InvalidArgumentError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  return result.data;
}

const program = new Command('drs-local').description('A local AWS Elastic Disaster Recovery (DRS) service for the AWS SDKs and CLI');

program
  .command('serve', { isDefault: true })
  .description('serve the DRS API on 127.0.0.1 until stopped')
  .option('--port <port>', 'TCP port on 127.0.0.1 (0 = any free port)', port, 4600)
  .option('--scenario <file>', 'scenario file (YAML or JSON)', defaultScenarioPath)
  .option('--speed <n>', 'simulated seconds per real second', nonNegativeNumber, DEFAULT_SPEED)
  .action(async (options: { port: number; scenario: string; speed: number }) => {
    const drs = await startLocalDrs({ port: options.port, scenario: options.scenario, speed: options.speed });
    console.log(`listening on ${drs.endpoint}`);
    const stop = async () => {
      await drs.stop();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('generate-scenario')
  .description('write a large scenario (servers spread over applications and db/app/web tiers)')
  .requiredOption('--servers <n>', 'number of source servers', (v) => Math.floor(nonNegativeNumber(v)))
  .option('--applications <n>', 'number of applications', (v) => Math.floor(nonNegativeNumber(v)))
  .option('--seed <n>', 'PRNG seed', (v) => Math.floor(nonNegativeNumber(v)), 42)
  .option('--staging-accounts <n>', 'staging accounts the servers replicate in (at most 300 each), shared out over the target accounts; default: as few as needed past 300 servers per target account', (v) => Math.floor(nonNegativeNumber(v)))
  .option('--targets <n>', 'target accounts (target-1, ...) the servers are spread over, each with a role the function role may assume; default: the recovery account alone', (v) => Math.floor(nonNegativeNumber(v)))
  .option('--external-id <id>', "the external ID the target accounts' roles require")
  .option('--no-extended', 'leave staging servers in their staging accounts for the run to extend (default: already extended into their target account)')
  .option('--launch-actions', 'give db servers a required launch action', false)
  .option('--launch-configuration <json>', 'every server\'s launchConfiguration, e.g. \'{"postLaunchEnabled":false}\'', launchConfiguration)
  .option('--out <file>', 'output file (.yaml or .json); default stdout')
  .action(async (options: { servers: number; applications?: number; stagingAccounts?: number; targets?: number; externalId?: string; extended: boolean; seed: number; launchActions: boolean; launchConfiguration?: ReturnType<typeof launchConfiguration>; out?: string }) => {
    const scenario = generateScenario({
      servers: options.servers,
      seed: options.seed,
      launchActions: options.launchActions,
      ...(options.applications ? { applications: options.applications } : {}),
      ...(options.stagingAccounts !== undefined ? { stagingAccounts: options.stagingAccounts } : {}),
      ...(options.targets !== undefined ? { targets: options.targets } : {}),
      ...(options.externalId !== undefined ? { externalId: options.externalId } : {}),
      extended: options.extended,
      ...(options.launchConfiguration ? { launchConfiguration: options.launchConfiguration } : {}),
    });
    const text = options.out?.endsWith('.json') ? JSON.stringify(scenario, null, 2) : toYaml(scenario);
    if (options.out) await writeFile(options.out, text);
    else process.stdout.write(text);
  });

program.parseAsync().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
