// The XML of Route 53's REST-XML protocol (API version 2013-04-01), both ways: answers are
// `<{Operation}Response xmlns="https://route53.amazonaws.com/doc/2013-04-01/">…` with lists wrapped
// in an element of the list's name holding one element per item (`<ResourceRecords><ResourceRecord>`),
// errors `<ErrorResponse>`; request bodies (ChangeResourceRecordSetsRequest) are read by a small
// parser that keeps elements and text only (the SDKs send no attributes but xmlns, no CDATA).
import type { Route53Error } from './errors.ts';

export const ROUTE53_NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** Escapes element text (there are no attributes with data). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

/** A list as REST-XML writes it: the list's element holds an `item` element per value. */
export class XmlList {
  constructor(
    readonly item: string,
    readonly values: XmlValue[],
  ) {}
}

/** An answer tree: strings become text, objects nested elements, XmlLists wrapped lists; undefined members are left out. */
export type XmlValue = string | XmlList | XmlMembers;
export interface XmlMembers {
  [member: string]: XmlValue | undefined;
}

function element(name: string, value: XmlValue, indent: string): string {
  if (typeof value === 'string') return `${indent}<${name}>${escapeXml(value)}</${name}>\n`;
  if (value instanceof XmlList) {
    if (value.values.length === 0) return `${indent}<${name}></${name}>\n`;
    return `${indent}<${name}>\n${value.values.map((item) => element(value.item, item, `${indent}  `)).join('')}${indent}</${name}>\n`;
  }
  return `${indent}<${name}>\n${members(value, `${indent}  `)}${indent}</${name}>\n`;
}

function members(tree: XmlMembers, indent: string): string {
  return Object.entries(tree)
    .filter((entry): entry is [string, XmlValue] => entry[1] !== undefined)
    .map(([name, value]) => element(name, value, indent))
    .join('');
}

/** The answer of a successful operation: `<{operation}Response>` holding the output's members. */
export function resultDocument(operation: string, result: XmlMembers): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${ROUTE53_NAMESPACE}">\n${members(result, '  ')}</${operation}Response>\n`;
}

export function errorDocument(error: Route53Error, requestId: string): string {
  const body = members({ Error: { Type: error.type, Code: error.code, Message: error.message }, RequestId: requestId }, '  ');
  return `<?xml version="1.0"?>\n<ErrorResponse xmlns="${ROUTE53_NAMESPACE}">\n${body}</ErrorResponse>\n`;
}

/** A parsed element: its name, its child elements in order and its text (child text concatenated). */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

/** The first child element named `name`, if any. */
export function childOf(parent: XmlElement, name: string): XmlElement | undefined {
  return parent.children.find((child) => child.name === name);
}

export class XmlSyntaxError extends Error {
  override name = 'XmlSyntaxError';
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

/** Parses a request document into its root element; an XmlSyntaxError says where it is not well formed. */
export function parseXml(text: string): XmlElement {
  const tokens = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\/\s*([^\s>]+)\s*>|<([^\s/>!?]+)(?:\s[^>]*?)?(\/?)>|([^<]+)/g;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  for (const match of text.matchAll(tokens)) {
    const [whole, cdata, closing, opening, selfClosing, chars] = match;
    const top = stack.at(-1);
    if (cdata !== undefined) {
      if (top) top.text += cdata;
    } else if (closing !== undefined) {
      if (!top || localName(top.name) !== localName(closing)) throw new XmlSyntaxError(`unexpected closing tag </${closing}>`);
      stack.pop();
    } else if (opening !== undefined) {
      if (root && stack.length === 0) throw new XmlSyntaxError('more than one root element');
      const node: XmlElement = { name: localName(opening), children: [], text: '' };
      if (top) top.children.push(node);
      else root = node;
      if (selfClosing !== '/') stack.push(node);
    } else if (chars !== undefined) {
      if (top) top.text += decodeText(chars);
      else if (chars.trim() !== '') throw new XmlSyntaxError('text outside the root element');
    } else if (whole.startsWith('<') && !whole.startsWith('<?') && !whole.startsWith('<!--')) {
      throw new XmlSyntaxError(`malformed tag ${whole}`);
    }
  }
  if (!root) throw new XmlSyntaxError('no root element');
  if (stack.length > 0) throw new XmlSyntaxError(`element <${stack.at(-1)!.name}> is not closed`);
  return root;
}

/** `ns:Name` → `Name`: namespaces are not modelled. */
function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}
