// Counted nouns in the messages people read: "1 server", "3 servers", never "server(s)".
import { describe, expect, it } from 'vitest';
import { counted, plural } from '#shared/words.ts';

describe('counted nouns', () => {
  it('says one thing in the singular and any other count in the plural', () => {
    const counts = [0, 1, 2, 11];

    const phrases = counts.map((count) => counted(count, 'server'));

    expect(phrases).toEqual(['0 servers', '1 server', '2 servers', '11 servers']);
  });

  it('takes the plural it is given where adding "s" is wrong', () => {
    const nouns: Array<[number, string, string]> = [
      [1, 'launch', 'launches'],
      [2, 'launch', 'launches'],
      [1, 'failback launch', 'failback launches'],
      [3, 'failback launch', 'failback launches'],
    ];

    const phrases = nouns.map(([count, noun, many]) => counted(count, noun, many));

    expect(phrases).toEqual(['1 launch', '2 launches', '1 failback launch', '3 failback launches']);
  });

  it('prints an unknown count as "?" with the plural, as the narration always has', () => {
    const unknown = undefined;

    const phrase = counted(unknown, 'drill instance');

    expect(phrase).toBe('? drill instances');
  });

  it('takes the plural for a fraction ("1.5 minutes") and the singular for exactly one', () => {
    const counts = [1.5, 0.5, 1.0];

    const phrases = counts.map((count) => counted(count, 'minute'));

    expect(phrases).toEqual(['1.5 minutes', '0.5 minutes', '1 minute']);
  });

  it('gives the word alone for sentences that print the count apart or make a verb agree', () => {
    const counts = [1, 2, undefined];

    const words = counts.map((count) => `${plural(count, 'server')} ${plural(count, 'is', 'are')}`);

    expect(words).toEqual(['server is', 'servers are', 'servers are']);
  });
});
