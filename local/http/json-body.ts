// A JSON-protocol request's body as the stand-ins read it: a JSON object, an empty body being an
// empty request (the SDKs send `{}`). What is wrong is a sentence for the service's own
// SerializationException, so each keeps its error's name and namespace.

/** The body parsed as a JSON object (`{}` if empty), or why it is not one. */
export function jsonObjectOf(body: Buffer): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  if (body.length === 0) return { ok: true, value: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, reason: 'the request body is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: 'the request body is not a JSON object' };
  return { ok: true, value: parsed as Record<string, unknown> };
}

/** Typed reads of a request's members; a member of another JSON type is the service's own error. */
export interface JsonMembers {
  string(request: Record<string, unknown>, member: string): string | undefined;
  integer(request: Record<string, unknown>, member: string): number | undefined;
  list(request: Record<string, unknown>, member: string): unknown[] | undefined;
}

/** The member readers of a service whose wrong-type error is `wrongType(message)` (its SerializationException). */
export function jsonMembers(wrongType: (message: string) => Error): JsonMembers {
  const read = <T>(request: Record<string, unknown>, member: string, is: (value: unknown) => boolean, expected: string): T | undefined => {
    const value = request[member];
    if (value === undefined || value === null) return undefined;
    if (!is(value)) throw wrongType(`${member}: expected ${expected}, got ${JSON.stringify(value)}`);
    return value as T;
  };
  return {
    string: (request, member) => read<string>(request, member, (value) => typeof value === 'string', 'a string'),
    integer: (request, member) => read<number>(request, member, (value) => typeof value === 'number' && Number.isInteger(value), 'an integer'),
    list: (request, member) => read<unknown[]>(request, member, Array.isArray, 'a list'),
  };
}
