// The XML documents CloudFormation answers with (query protocol, API version 2010-05-15):
// `<{Action}Response><{Action}Result>…</{Action}Result><ResponseMetadata><RequestId>` and
// `<ErrorResponse>`. Lists are a `<member>` element per item, an empty list an empty element (the
// SDK's deserializer reads `<Stacks></Stacks>` as no stacks). Members are read by name, so their
// order only matters to people; it follows the API reference's Stack shape.
import type { CloudFormationError } from './errors.ts';

export const CLOUDFORMATION_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

/** Escapes element text (there are no attributes with data). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

/** A result tree: strings become text, objects nested elements, arrays `<member>` lists; undefined members are left out. */
export type XmlValue = string | XmlMembers | XmlValue[];
export interface XmlMembers {
  [member: string]: XmlValue | undefined;
}

function element(name: string, value: XmlValue, indent: string): string {
  if (typeof value === 'string') return `${indent}<${name}>${escapeXml(value)}</${name}>\n`;
  if (Array.isArray(value)) {
    if (value.length === 0) return `${indent}<${name}></${name}>\n`;
    return `${indent}<${name}>\n${value.map((item) => element('member', item, `${indent}  `)).join('')}${indent}</${name}>\n`;
  }
  return `${indent}<${name}>\n${members(value, `${indent}  `)}${indent}</${name}>\n`;
}

function members(tree: XmlMembers, indent: string): string {
  return Object.entries(tree)
    .filter((entry): entry is [string, XmlValue] => entry[1] !== undefined)
    .map(([name, value]) => element(name, value, indent))
    .join('');
}

/** The answer of a successful action; `result` undefined for actions without a result (DeleteStack). */
export function resultDocument(action: string, result: XmlMembers | undefined, requestId: string): string {
  const body: XmlMembers = { ...(result === undefined ? {} : { [`${action}Result`]: result }), ResponseMetadata: { RequestId: requestId } };
  return `<${action}Response xmlns="${CLOUDFORMATION_NAMESPACE}">\n${members(body, '  ')}</${action}Response>\n`;
}

export function errorDocument(error: CloudFormationError, requestId: string): string {
  return `<ErrorResponse xmlns="${CLOUDFORMATION_NAMESPACE}">\n${members({ Error: { Type: error.type, Code: error.code, Message: error.message }, RequestId: requestId }, '  ')}</ErrorResponse>\n`;
}
