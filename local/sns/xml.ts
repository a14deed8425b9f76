// The few XML documents SNS answers with, as in the API reference samples
// (`<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>…`,
// lists as `<member>` elements, attribute maps as `<entry><key>…</key><value>…</value></entry>`).
// The SDK's query deserializer reads members by name, so order matters only to human readers.
import type { SnsError } from './errors.ts';

export const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** Escapes element text (there are no attributes with data): quotes stay as they are, as in AWS's messages. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

/**
 * A result element tree: strings become text, objects nested elements, arrays the same element
 * repeated (`member: [{…}, {…}]`, `entry: [{ key, value }]`); undefined members are left out.
 */
export interface XmlMembers {
  [member: string]: string | XmlMembers | XmlMembers[] | undefined;
}

function element(name: string, value: string | XmlMembers, indent: string): string {
  return typeof value === 'string'
    ? `${indent}<${name}>${escapeXml(value)}</${name}>\n`
    : `${indent}<${name}>\n${members(value, `${indent}  `)}${indent}</${name}>\n`;
}

function members(tree: XmlMembers, indent: string): string {
  return Object.entries(tree)
    .map(([name, value]) => {
      if (value === undefined) return '';
      if (Array.isArray(value)) return value.map((item) => element(name, item, indent)).join('');
      return element(name, value, indent);
    })
    .join('');
}

/** `<{Action}Response><{Action}Result>…</{Action}Result><ResponseMetadata><RequestId>`. */
export function resultDocument(action: string, result: XmlMembers, requestId: string): string {
  return `<${action}Response xmlns="${SNS_NAMESPACE}">\n${members({ [`${action}Result`]: result, ResponseMetadata: { RequestId: requestId } }, '  ')}</${action}Response>\n`;
}

export function errorDocument(error: SnsError, requestId: string): string {
  return `<ErrorResponse xmlns="${SNS_NAMESPACE}">\n${members({ Error: { Type: error.type, Code: error.code, Message: error.message }, RequestId: requestId }, '  ')}</ErrorResponse>\n`;
}
