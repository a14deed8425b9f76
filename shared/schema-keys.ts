// The keys a schema knows at a place in a document, for "did you mean" on an unknown key
// (shared/problems.ts). Read off the schema's JSON Schema, built only when a document has an
// unknown key: never at a cold start that parses a valid document.
import * as z from 'zod/mini';

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; allOf?: JsonSchema[] };

/** The alternatives a JSON Schema node stands for (a union's branches, or itself). */
function branches(node: JsonSchema): JsonSchema[] {
  const alternatives = [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])];
  return alternatives.length === 0 ? [node] : alternatives.flatMap(branches);
}

function allKeys(node: JsonSchema, into = new Set<string>()): Set<string> {
  for (const branch of branches(node)) {
    for (const [key, child] of Object.entries(branch.properties ?? {})) {
      into.add(key);
      allKeys(child, into);
    }
    if (branch.items !== undefined) allKeys(branch.items, into);
  }
  return into;
}

/** For a zod schema: the keys of the map at `path` (every key of the schema when the path leads nowhere known). */
export function knownKeysOf(schema: z.core.$ZodType): (path: readonly PropertyKey[]) => string[] {
  let root: JsonSchema | undefined;
  return (path) => {
    root ??= z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    let nodes = [root];
    for (const key of path) {
      nodes = nodes.flatMap(branches).flatMap((node) => {
        if (typeof key === 'number') return node.items === undefined ? [] : [node.items];
        const child = node.properties?.[String(key)];
        return child === undefined ? [] : [child];
      });
    }
    const here = new Set(nodes.flatMap(branches).flatMap((node) => Object.keys(node.properties ?? {})));
    return [...(here.size > 0 ? here : allKeys(root))];
  };
}
