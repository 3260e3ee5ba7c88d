/**
 * Wall-clock times in an organiser's time zone ↔ UTC instants, with Intl only. A
 * `<input type="datetime-local">` sends "2026-12-01T19:30" with no zone: it means that
 * time where the organiser is, so it is converted with their IANA zone, DST included.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

function partsIn(instantMs: number, timeZone: string): Record<string, number> {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const out: Record<string, number> = {};
  for (const p of fmt.formatToParts(new Date(instantMs))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** How far the zone's wall clock is ahead of UTC at that instant, in ms. */
function offsetAt(instantMs: number, timeZone: string): number {
  const p = partsIn(instantMs, timeZone);
  const asUtc = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** "2026-07-01T19:30" in Europe/London → "2026-07-01T18:30:00.000Z"; undefined when not a real local time. */
export function zonedLocalToUtcIso(local: string, timeZone: string): string | undefined {
  const m = LOCAL.exec(local.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return undefined;
  try {
    // Two passes: the offset of the first guess can differ from the answer's across a DST change.
    const first = wall - offsetAt(wall, timeZone);
    const second = wall - offsetAt(first, timeZone);
    return new Date(second).toISOString();
  } catch {
    return undefined;
  }
}

/** "2026-07-01T18:30:00.000Z" → "2026-07-01T19:30" in Europe/London (a datetime-local value). */
export function utcIsoToZonedLocal(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  try {
    const p = partsIn(ms, timeZone);
    const two = (n: number | undefined) => String(n ?? 0).padStart(2, '0');
    return `${String(p.year ?? 0).padStart(4, '0')}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
  } catch {
    return iso.slice(0, 16);
  }
}

/** "Wed 1 Jul 2026, 19:30 BST" for pages; the organiser reads their own zone. */
export function formatInZone(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(ms);
  } catch {
    return iso;
  }
}

/** "25 Nov 2026, 09:41" for table cells, in the organiser's zone. */
export function formatShortInZone(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(ms);
  } catch {
    return iso;
  }
}
