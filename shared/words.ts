// Counted nouns as a person reads them ("1 server", "3 servers"), not "server(s)".

const english = new Intl.PluralRules('en');

/** The singular when the count is one, else the plural (an unknown count reads as many). */
function form(count: number | undefined, noun: string, many: string): string {
  return count !== undefined && english.select(count) === 'one' ? noun : many;
}

/**
 * The noun in the form its count takes, without the count: `plural(1, 'server')` is "server",
 * `plural(3, 'server')` is "servers"; an unknown (undefined) count takes the plural.
 * @param count how many, or undefined when unknown
 * @param noun the singular, e.g. "server"
 * @param plural the plural when it is not the singular plus "s", e.g. "launches"
 */
export function plural(count: number | undefined, noun: string, plural = `${noun}s`): string {
  return form(count, noun, plural);
}

/**
 * The count and its noun: `counted(1, 'server')` is "1 server", `counted(3, 'server')` is
 * "3 servers", `counted(2, 'launch', 'launches')` is "2 launches"; an unknown (undefined) count
 * prints as "?" with the plural: "? servers".
 * @param count how many, or undefined when unknown
 * @param noun the singular, e.g. "server"
 * @param plural the plural when it is not the singular plus "s", e.g. "launches"
 */
export function counted(count: number | undefined, noun: string, plural = `${noun}s`): string {
  return `${count ?? '?'} ${form(count, noun, plural)}`;
}
