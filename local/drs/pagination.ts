// maxResults / nextToken pagination shared by every Describe/List operation. The token is
// opaque to clients; a token that is not ours (or from another operation) is a
// ValidationException, as DRS answers.
import { invalidField } from './errors.ts';

interface TokenBody {
  op: string;
  offset: number;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function paginate<T>(
  operation: string,
  items: T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  defaultPageSize = 1000,
): Page<T> {
  let offset = 0;
  if (nextToken) {
    let decoded: TokenBody | undefined;
    try {
      decoded = JSON.parse(Buffer.from(nextToken, 'base64url').toString('utf8')) as TokenBody;
    } catch {
      decoded = undefined;
    }
    if (!decoded || decoded.op !== operation || !Number.isInteger(decoded.offset) || decoded.offset < 0) {
      throw invalidField('nextToken', 'Invalid pagination token');
    }
    offset = decoded.offset;
  }
  const size = maxResults ?? defaultPageSize;
  const page = items.slice(offset, offset + size);
  const next = offset + size;
  return {
    items: page,
    ...(next < items.length ? { nextToken: Buffer.from(JSON.stringify({ op: operation, offset: next })).toString('base64url') } : {}),
  };
}
