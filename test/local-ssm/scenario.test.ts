// The `ssm:` scenario block: defaults, and the errors that name the wrong field and say what to do.
import { describe, expect, it } from 'vitest';
import { parseSsmScenario, SsmScenarioError, startLocalSsm } from '#local/ssm/index.ts';

const errorOf = (block: unknown): string => {
  try {
    parseSsmScenario(block);
  } catch (error) {
    expect(error).toBeInstanceOf(SsmScenarioError);
    return (error as Error).message;
  }
  throw new Error('the block was accepted');
};

describe('the ssm: scenario block', () => {
  it('fills in the defaults: version 1, Success after 60 s, 1 s Pending, 2 s to cancel', () => {
    const parsed = parseSsmScenario({ documents: [{ name: 'Payments-SmokeTest', parameters: [{ name: 'InstanceIds', type: 'StringList' }] }] });

    expect(parsed).toEqual({
      cancelSeconds: 2,
      documents: [
        {
          name: 'Payments-SmokeTest',
          version: '1',
          parameters: [{ name: 'InstanceIds', type: 'StringList' }],
          outcome: 'Success',
          durationSeconds: 60,
          pendingSeconds: 1,
          outputs: {},
          outcomes: [],
        },
      ],
    });
    expect(parseSsmScenario(undefined)).toEqual({ cancelSeconds: 2, documents: [] });
  });

  it('refuses an unknown key, naming its path and the fix', () => {
    const message = errorOf({ documents: [{ name: 'Payments-SmokeTest', duration: 90 }] });

    expect(message).toContain('ssm.documents.0: unknown key "duration": remove it or check the spelling');
  });

  it('names each wrong field: an outcome that is not one, Cancelled, an unquoted account, a bad name, a duplicate', () => {
    const message = errorOf({
      documents: [
        { name: 'Payments-SmokeTest', outcome: 'Cancelled' },
        { name: 'ok', account: 111122223333 },
        { name: 'Payments-SmokeTest', outcomes: [{ outcome: 'Succeeded' }] },
        { name: 'Billing', parameters: [{ name: 'Wave' }, { name: 'Wave', type: 'String', default: ['1'] }] },
      ],
    });

    expect(message).toMatch(/^invalid ssm:\n- /);
    expect(message).toContain('ssm.documents.0.outcome: an outcome is Success, Failed or TimedOut (Cancelled comes only from StopAutomationExecution)');
    expect(message).toContain('ssm.documents.1.name: a document name is 3-128 letters');
    expect(message).toContain('ssm.documents.1.account: an account ID is a 12-digit string (quote it in YAML: "111122223333")');
    expect(message).toContain('ssm.documents.2.outcomes.0.outcome: an outcome is Success');
    expect(message).toContain('ssm.documents.3.parameters.1.name: parameter Wave is declared twice');
    expect(message).toContain("ssm.documents.3.parameters.1.default: a String parameter's default is a string");
  });

  it('refuses a document declared twice for the same account and Region, and a negative duration', () => {
    const message = errorOf({ documents: [{ name: 'Payments-SmokeTest' }, { name: 'Payments-SmokeTest', durationSeconds: -1 }] });

    expect(message).toContain('ssm.documents.1.name: document Payments-SmokeTest is declared twice');
    expect(message).toContain('ssm.documents.1.durationSeconds:');
  });

  it('makes startLocalSsm refuse a wrong block before listening', async () => {
    await expect(startLocalSsm({ scenario: { document: [] } })).rejects.toThrow(SsmScenarioError);
  });
});
