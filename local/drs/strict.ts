// Scenario blocks whose unknown keys are errors: a typo in a scenario (`launchFail:` for
// `launchFails:`) must not pass silently and inject nothing.
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';

/** The key of `known` a misspelt `key` most likely meant, if any is close. */
function meant(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(key, [...known]);
  return distance(key.toLowerCase(), best.toLowerCase()) <= Math.max(1, Math.floor(Math.max(key.length, best.length) / 3)) ? best : undefined;
}

/** A block whose unknown keys are errors naming the closest known key and the keys it takes. */
export function strictBlock<Shape extends z.ZodRawShape>(what: string, shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const named = issue.keys.map((key) => {
        const best = meant(key, known);
        return best === undefined ? key : `${key} (did you mean ${best}?)`;
      });
      return `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${named.join(', ')}: ${what} takes ${known.join(', ')}`;
    },
  });
}
