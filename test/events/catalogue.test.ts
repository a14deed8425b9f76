// The catalogue of progress events is one definition that the producer, the README's event table
// and the end-to-end tests (test/e2e/harness.ts parses every event a run publishes) all read.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { parseProgressEvent, PROGRESS_EVENTS } from '#shared/events/catalogue/index.ts';
import { FailbackRunDetail } from '#shared/events/catalogue/run-detail.ts';

interface Documented {
  version: number;
  /** Fields besides the run's, `?` after an optional one: a drill or recovery's, and a failback's. */
  recovery: string[];
  failback: string[];
}

/** The rows of the README's table under "### Progress events", by detail-type. */
async function readmeEventTable(): Promise<Map<string, Documented>> {
  const readme = await readFile('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('### Progress events'));
  const rows = section.slice(section.indexOf('\n|')).trimStart().split('\n\n')[0].split('\n').slice(2);
  const codes = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]);
  const table = new Map<string, Documented>();
  for (const row of rows) {
    const [types, version, recovery, failback] = row.split('|').slice(1, -1);
    for (const type of codes(types)) {
      expect(table.has(type), `${type} is in the table once`).toBe(false);
      table.set(type, { version: Number(version), recovery: codes(recovery), failback: codes(failback) });
    }
  }
  return table;
}

/** A detail schema's fields besides the run's, by workflow, `?` after an optional one. */
function catalogueFields(detail: z.ZodMiniType): Omit<Documented, 'version'> {
  const variants = detail instanceof z.ZodMiniDiscriminatedUnion ? detail.def.options : [detail];
  const fields = { recovery: [] as string[], failback: [] as string[] };
  for (const variant of variants) {
    if (!(variant instanceof z.ZodMiniObject)) throw new Error('a detail is an object, or a union of objects by mode');
    const shape = variant.shape;
    // An event of no run (the sweeper's has no mode) is documented in the first column.
    const workflow = shape.mode !== undefined && z.safeParse(shape.mode, 'failback').success ? 'failback' : 'recovery';
    fields[workflow] = Object.entries(shape)
      .filter(([name]) => !(name in FailbackRunDetail.shape))
      .map(([name, schema]) => (schema instanceof z.ZodMiniOptional ? `${name}?` : name));
  }
  return fields;
}

describe('the catalogue of progress events', () => {
  it('is what the README documents: every detail-type once, with its version and the fields of each workflow', async () => {
    const table = await readmeEventTable();

    expect([...table.keys()].sort()).toEqual(PROGRESS_EVENTS.map((definition) => definition.name).sort());
    for (const definition of PROGRESS_EVENTS) {
      expect({ type: definition.name, ...table.get(definition.name) }).toEqual({
        type: definition.name,
        version: definition.version,
        ...catalogueFields(definition.detail),
      });
    }
  });

  it('holds an event to its schema: a missing field, an undocumented field or an unknown detail-type does not parse', () => {
    const waveStarted = (detail: Record<string, unknown>) => ({
      source: 'drs-orchestrator',
      'detail-type': 'Wave Started',
      time: '2026-03-01T02:00:00.000Z',
      detail: { plan: 'payments', mode: 'drill', execution: 'payments-drill-1', wave: 'databases', servers: 3, ...detail },
    });

    expect(parseProgressEvent(waveStarted({ jobs: 1 })).detail).toMatchObject({ wave: 'databases', jobs: 1 });
    expect(() => parseProgressEvent(waveStarted({}))).toThrow(/"Wave Started" event does not match its schema[\s\S]*jobs/);
    expect(() => parseProgressEvent(waveStarted({ jobs: 1, launched: 0 }))).toThrow(/"Wave Started" event does not match its schema[\s\S]*launched/);
    expect(() => parseProgressEvent(waveStarted({ jobs: 1, mode: 'failback' }))).toThrow(/recoveryExecution/);
    expect(() => parseProgressEvent({ ...waveStarted({ jobs: 1 }), 'detail-type': 'Wave Paused' })).toThrow(/"Wave Paused" is not in the catalogue/);
  });
});
