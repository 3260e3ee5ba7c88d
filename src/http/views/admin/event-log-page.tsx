import type { FeedEntry } from '../../../bookings/activity-feed';
import type { EventRecord } from '../../../domain/events/event';
import { formatInZone } from '../../../lib/zoned-time';
import { StackTable } from '../stack-table';

export interface LogPageProps {
  /** The event of a per-event log; none for the organiser-wide log. */
  event?: EventRecord;
  entries: FeedEntry[];
  /** Who made each change: user id → how to name them. */
  actors: Map<number, string>;
  timezone: string;
  page: number;
  hasMore: boolean;
  /** The page's own path, for the pager links. */
  base: string;
}

/**
 * The activity log, newest first, in pages. Each entry says who made the change. Entries
 * about a person carry the name sealed; it shows here because the reader holds the key.
 */
export function EventLogPage(p: LogPageProps) {
  const { event } = p;
  return (
    <section class="card">
      {event && (
        <p class="small">
          <a href={`/admin/events/${event.slug}`}>← {event.name}</a>
        </p>
      )}
      <h1>{event ? `Activity log: ${event.name}` : 'Activity log'}</h1>
      <p class="muted small">{event ? `Everything recorded for ${event.name}` : 'Every change to your events, attendees, settings, users and groups'}, newest first.</p>
      {p.entries.length === 0 ? (
        <p class="muted">Nothing logged yet.</p>
      ) : (
        <StackTable headers={['When', 'What', ...(event ? [] : ['Event']), 'Details', 'Who']}>
          {p.entries.map((e) => (
            <tr>
              <td class="small" data-label="When">
                {formatInZone(e.createdAt, p.timezone)}
              </td>
              <td data-label="What">
                <span class="badge">{e.kind.replace(/_/g, ' ')}</span>
              </td>
              {!event && (
                <td data-label="Event" class="small">
                  {e.event ? <a href={`/admin/events/${e.event}/log`}>{e.event}</a> : <span class="muted">—</span>}
                </td>
              )}
              <td data-label="Details">
                {e.message}
                {e.person && <span class="muted"> ({e.person})</span>}
              </td>
              <td data-label="Who" class="small">
                {e.actorUserId === null ? <span class="muted">Buyer or system</span> : (p.actors.get(e.actorUserId) ?? 'A former member')}
              </td>
            </tr>
          ))}
        </StackTable>
      )}
      {(p.page > 1 || p.hasMore) && (
        <nav class="pager" aria-label="Log pages">
          {p.page > 1 && (
            <a class="button secondary small" rel="prev" href={`${p.base}?page=${p.page - 1}`}>
              ← Newer
            </a>
          )}
          <span class="small muted" aria-current="page">
            Page {p.page}
          </span>
          {p.hasMore && (
            <a class="button secondary small" rel="next" href={`${p.base}?page=${p.page + 1}`}>
              Older →
            </a>
          )}
        </nav>
      )}
    </section>
  );
}
