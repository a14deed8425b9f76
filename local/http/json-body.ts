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
