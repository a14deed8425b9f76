// The sightings of a wave's servers (sightings.ts) as the workflow state keeps them: the distinct
// moments (the wave's waitedSeconds at the polls that saw something) once, and per server the
// index of its moment, one character (up to 63 moments) or two (up to 4,095). A server seen at no
// poll yet is "0" ("00"). Numbers in a JSON array cost 4 to 6 bytes a server; a 6,000-server run
// outgrew 64 KiB of state with them (bench/multi-account.ts).
import * as z from 'zod/mini';

export const Sightings = z.object({
  /** The distinct moments, in seconds of the wave's waiting. */
  times: z.array(z.number()),
  /** Per server (sightingOrder), the index + 1 of its launch's moment in `times`, 0 for none. */
  launch: z.string(),
  /** The same for the moment it was seen ready. */
  ready: z.string(),
});
export type Sightings = z.infer<typeof Sightings>;

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
const BASE = ALPHABET.length;

/** Characters per server: 1 while the moments fit the alphabet, else 2. */
function widthFor(times: number): number {
  if (times >= BASE * BASE - 1) throw new RangeError(`a wave's sightings hold at most ${BASE * BASE - 1} distinct moments, not ${times}`);
  return times < BASE ? 1 : 2;
}

function encodeOne(values: ReadonlyArray<number | null>, indexOf: ReadonlyMap<number, number>, width: number): string {
  return values
    .map((value) => {
      const code = value === null ? 0 : (indexOf.get(value) ?? 0) + 1;
      return width === 1 ? ALPHABET[code] : ALPHABET[Math.floor(code / BASE)] + ALPHABET[code % BASE];
    })
    .join('');
}

function decodeOne(text: string, times: readonly number[], width: number): Array<number | null> {
  const values: Array<number | null> = [];
  for (let at = 0; at < text.length; at += width) {
    const code = width === 1 ? ALPHABET.indexOf(text[at]) : ALPHABET.indexOf(text[at]) * BASE + ALPHABET.indexOf(text[at + 1]);
    values.push(code <= 0 ? null : times[code - 1]);
  }
  return values;
}

/** Both sighting arrays (one entry a server, null: not seen yet), encoded. */
export function encodeSightings(launch: ReadonlyArray<number | null>, ready: ReadonlyArray<number | null>): Sightings {
  const times = [...new Set([...launch, ...ready].filter((value): value is number => value !== null))].sort((a, b) => a - b);
  const indexOf = new Map(times.map((time, index) => [time, index]));
  const width = widthFor(times.length);
  return { times, launch: encodeOne(launch, indexOf, width), ready: encodeOne(ready, indexOf, width) };
}

/** The sighting arrays back; none recorded yet gives empty arrays. */
export function decodeSightings(sightings: Sightings | undefined): { launch: Array<number | null>; ready: Array<number | null> } {
  if (sightings === undefined) return { launch: [], ready: [] };
  const width = widthFor(sightings.times.length);
  return { launch: decodeOne(sightings.launch, sightings.times, width), ready: decodeOne(sightings.ready, sightings.times, width) };
}

/** Per server (sightingOrder) a yes or no, six to a character of the same alphabet. */
export function encodeFlags(flags: readonly boolean[]): string {
  let text = '';
  for (let at = 0; at < flags.length; at += 6) {
    let code = 0;
    for (let bit = 0; bit < 6; bit++) if (flags[at + bit] === true) code |= 1 << bit;
    text += ALPHABET[code];
  }
  return text.replace(/0+$/, '');
}

/** The flags back, `count` of them (servers past the encoded ones: no). */
export function decodeFlags(text: string | undefined, count: number): boolean[] {
  const flags = new Array<boolean>(count).fill(false);
  for (let at = 0; at < (text ?? '').length; at++) {
    const code = ALPHABET.indexOf(text![at]!);
    for (let bit = 0; bit < 6 && at * 6 + bit < count; bit++) flags[at * 6 + bit] = (code & (1 << bit)) !== 0;
  }
  return flags;
}
