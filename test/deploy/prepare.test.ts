// `tsx deploy/prepare.ts --stage <stage>` refuses a stage file whose accounts are wrong before it
// bundles anything, naming the file, the field and the fix.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNTS_VARIABLE_LIMIT, checkStage, prepareStage } from '#deploy/prepare.ts';
import { root } from './packaged.ts';

let project: string;

beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'drs-prepare-'));
  await mkdir(join(project, 'deploy', 'stages'), { recursive: true });
  await mkdir(join(project, 'plans'));
  await copyFile(join(root, 'plans', 'example.yaml'), join(project, 'plans', 'example.yaml'));
});

afterEach(async () => {
  await rm(project, { recursive: true, force: true });
});

/** A stage file deploying the example plan, with `accounts` as its accounts section. */
const writeStage = (stage: string, accounts: string) => writeFile(join(project, 'deploy', 'stages', `${stage}.yaml`), `plans: [payments]\naccounts:\n${accounts}`);

describe('deploy/prepare.ts and the stage accounts', () => {
  it('refuses a stage whose account has a role of another account, naming the file and the field', async () => {
    await writeStage(
      'bad',
      [
        '  - alias: primary',
        '    home: true',
        '  - alias: target-b',
        "    accountId: '222233334444'",
        '    roleArn: arn:aws:iam::999988887777:role/drs-orchestrator-access',
        '    externalId: drs-orchestrator-bad',
        '',
      ].join('\n'),
    );

    await expect(prepareStage('bad', project, true)).rejects.toThrowError(
      /bad\.yaml: accounts\[1\]\.roleArn: role arn:aws:iam::999988887777:role\/drs-orchestrator-access is not in account 222233334444/,
    );
  });

  it("refuses more accounts than the functions' ACCOUNTS variable holds, before CloudFormation would", async () => {
    const staging = Array.from({ length: 60 }, (_, index) => [`  - alias: staging-account-${index}`, `    accountId: '${String(100000000000 + index)}'`].join('\n'));
    await writeStage('large', `${staging.join('\n')}\n`);

    await expect(checkStage('large', project)).rejects.toThrowError(new RegExp(`large\\.yaml: accounts: 60 accounts take \\d+ characters .* over the ${ACCOUNTS_VARIABLE_LIMIT}`));
  });

  it('takes a home account, a target account with its role and a staging-only account', async () => {
    await writeStage(
      'good',
      [
        '  - alias: primary',
        '    home: true',
        '    stagingAccounts: [staging-a]',
        '  - alias: target-b',
        "    accountId: '222233334444'",
        '    roleArn: arn:aws:iam::222233334444:role/drs-orchestrator-access',
        '    externalId: drs-orchestrator-good',
        '  - alias: staging-a',
        "    accountId: '333344445555'",
        '',
      ].join('\n'),
    );

    const { config } = await checkStage('good', project);

    expect(config.accounts.map((account) => account.alias)).toEqual(['primary', 'target-b', 'staging-a']);
  });
});
