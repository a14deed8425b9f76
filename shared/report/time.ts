// Instants as the reports show them to people: in UTC where the page cannot know its reader (Markdown,
// the JSON, a page with scripts off), in the reader's own zone, named, where the HTML page can.
import { escapeHtml } from './escape.ts';

/** To the second, its zone named. */
export function utcTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * An instant on an HTML page: UTC to the second, which LOCAL_TIME_SCRIPT turns into the reader's
 * zone (e.g. `2026-12-02 09:03:05 CET`); UTC stays on hover.
 */
export function timeHtml(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}" title="${escapeHtml(`${utcTime(iso)} (${iso})`)}">${escapeHtml(utcTime(iso))}</time>`;
}

/** The same inside an SVG `<text>`: a `<tspan>` the script rewrites. */
export function timeSvg(iso: string): string {
  return `<tspan data-datetime="${escapeHtml(iso)}">${escapeHtml(utcTime(iso))}</tspan>`;
}

/**
 * Rewrites every instant of the page in the zone of the browser that shows (or prints) it, with the
 * zone's name; the page reads in UTC without it. Inline and fetching nothing: the report stays one
 * self-contained file. A script because a static page cannot know where it is read.
 */
export const LOCAL_TIME_SCRIPT = `<script>(() => {
  const format = new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
  const local = (iso) => {
    const at = new Date(iso);
    if (Number.isNaN(at.getTime())) return undefined;
    const part = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
    return part.year + '-' + part.month + '-' + part.day + ' ' + part.hour + ':' + part.minute + ':' + part.second + ' ' + part.timeZoneName;
  };
  for (const element of document.querySelectorAll('time[datetime], tspan[data-datetime]')) {
    const text = local(element.getAttribute('datetime') ?? element.getAttribute('data-datetime'));
    if (text !== undefined) element.textContent = text;
  }
  const zone = document.getElementById('time-zone');
  if (zone) zone.textContent = 'Times in your time zone (' + Intl.DateTimeFormat().resolvedOptions().timeZone + '); UTC on hover.';
})();</script>`;

/** What the page says of its times; the script names the reader's zone in it. */
export const TIME_ZONE_NOTE = '<span id="time-zone">Times in UTC.</span>';
