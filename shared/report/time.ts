// Instants as the reports show them to people.

/** To the second, its zone named: a static page cannot know its reader's zone. */
export function utcTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
