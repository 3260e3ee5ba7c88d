/** "3 min ago" from an ISO time, against `now` (ms). */
export function relativeTime(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const s = Math.round((now - t) / 1000);
  if (s < 0) return 'just now';
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return absoluteTime(iso);
}

/** "2026-12-01 18:20:05 UTC": the exact time, for the title. */
export const absoluteTime = (iso: string): string => (Number.isFinite(Date.parse(iso)) ? `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC` : iso);

/** A time as people read it (relative), with the exact UTC time on hover and for machines. */
export function When({ iso, now }: { iso: string; now: number }) {
  return (
    <time datetime={iso} title={absoluteTime(iso)}>
      {relativeTime(iso, now)}
    </time>
  );
}
