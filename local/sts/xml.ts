// The few XML documents STS answers with. Element order follows the API reference samples as
// copied into goamz's tests (mattermost/mattermost vendor/github.com/goamz/goamz/sts/
// responses_test.go: AssumeRoleResult holds Credentials then AssumedRoleUser) and carbon/Amazon's
// GetCallerIdentityResponse.cs (Arn, UserId, Account); the SDK's query deserializer reads members
// by name, so order matters only to human readers.
import type { StsError } from './errors.ts';

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** Escapes element text (there are no attributes with data): quotes stay as they are, as in AWS's messages. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

/** A result element tree: strings become text, objects nested elements (undefined members are left out). */
export interface XmlMembers {
  [member: string]: string | XmlMembers | undefined;
}

function members(tree: XmlMembers, indent: string): string {
  return Object.entries(tree)
    .filter((entry): entry is [string, string | XmlMembers] => entry[1] !== undefined)
    .map(([name, value]) =>
      typeof value === 'string'
        ? `${indent}<${name}>${escapeXml(value)}</${name}>\n`
        : `${indent}<${name}>\n${members(value, `${indent}  `)}${indent}</${name}>\n`,
    )
    .join('');
}

/** `<{Action}Response><{Action}Result>…</{Action}Result><ResponseMetadata><RequestId>`. */
export function resultDocument(action: string, result: XmlMembers, requestId: string): string {
  return `<${action}Response xmlns="${STS_NAMESPACE}">\n${members({ [`${action}Result`]: result, ResponseMetadata: { RequestId: requestId } }, '  ')}</${action}Response>\n`;
}

export function errorDocument(error: StsError, requestId: string): string {
  return `<ErrorResponse xmlns="${STS_NAMESPACE}">\n${members({ Error: { Type: error.type, Code: error.code, Message: error.message }, RequestId: requestId }, '  ')}</ErrorResponse>\n`;
}
