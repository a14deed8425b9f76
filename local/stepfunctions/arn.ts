// The ARNs of Step Functions' state machines and executions, as the API reference gives them:
//   arn:aws:states:<region>:<account>:stateMachine:<state machine name>
//   arn:aws:states:<region>:<account>:execution:<state machine name>:<execution name>
// An execution belongs to the account and Region of its ARN. Names follow the model's rules
// (1-80 characters, none of white space, brackets, wildcards, the listed specials, control
// characters or surrogates); a name with a `:` cannot sit in an ARN anyway.
import { invalidArn, invalidArnPrefix, invalidArnResourceType, invalidName } from './errors.ts';

export interface StateMachineRef {
  arn: string;
  partition: string;
  region: string;
  account: string;
  name: string;
}

export interface ExecutionRef {
  arn: string;
  partition: string;
  region: string;
  account: string;
  stateMachineName: string;
  /** The ARN of the state machine the execution ran. */
  stateMachineArn: string;
  name: string;
}

// White space, < > { } [ ], ? *, " # % \ ^ | ~ ` $ & , ; : /, control characters
// (U+0000-001F, U+007F-009F), U+FFFE-FFFF and lone surrogates.
const FORBIDDEN_IN_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f\ufffe\uffff\ud800-\udfff]/u;
const ACCOUNT = /^\d{12}$/;
// Lenient: any Region name the local services are configured with (us-east-1, eu-west-1, …).
const REGION = /^[a-z0-9-]+$/;

/** Whether `name` may name a state machine or an execution. */
export function isValidName(name: string): boolean {
  const length = [...name].length;
  return length >= 1 && length <= 80 && !FORBIDDEN_IN_NAME.test(name);
}

/** Throws InvalidName unless `name` may name an execution (what StartExecution checks). */
export function checkName(name: string): void {
  if (!isValidName(name)) throw invalidName(name);
}

export const stateMachineArnOf = (region: string, account: string, name: string) => `arn:aws:states:${region}:${account}:stateMachine:${name}`;
export const executionArnOf = (stateMachine: StateMachineRef, name: string) =>
  `arn:${stateMachine.partition}:states:${stateMachine.region}:${stateMachine.account}:execution:${stateMachine.name}:${name}`;

/** `arn:<partition>:states:<region>:<account>:<resource type>:…` split, or InvalidArn. */
function statesArnParts(arn: string, resourceType: 'stateMachine' | 'execution'): string[] {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'states') throw invalidArnPrefix(arn);
  if (parts[5] !== resourceType) throw invalidArnResourceType(parts[5]!);
  if (parts[1] === '' || !REGION.test(parts[3]!) || !ACCOUNT.test(parts[4]!)) throw invalidArn(arn);
  return parts;
}

/**
 * A state machine's ARN, or InvalidArn. A version or alias ARN (`…:stateMachine:<name>:<qualifier>`)
 * is an ARN of the state machine too: `qualified` says so (none is ever published locally).
 */
export function parseStateMachineArn(arn: string): StateMachineRef & { qualified: boolean } {
  const parts = statesArnParts(arn, 'stateMachine');
  if (parts.length < 7 || parts.length > 8 || !isValidName(parts[6]!) || (parts.length === 8 && parts[7] === '')) throw invalidArn(arn);
  const [, partition, , region, account, , name] = parts as [string, string, string, string, string, string, string];
  return { arn: parts.slice(0, 7).join(':'), partition, region, account, name, qualified: parts.length === 8 };
}

/** An execution's ARN, or InvalidArn (an express execution's ARN is one of another resource type). */
export function parseExecutionArn(arn: string): ExecutionRef {
  const parts = statesArnParts(arn, 'execution');
  if (parts.length !== 8 || !isValidName(parts[6]!) || !isValidName(parts[7]!)) throw invalidArn(arn);
  const [, partition, , region, account, , stateMachineName, name] = parts as [string, string, string, string, string, string, string, string];
  return { arn, partition, region, account, stateMachineName, stateMachineArn: `arn:${partition}:states:${region}:${account}:stateMachine:${stateMachineName}`, name };
}
