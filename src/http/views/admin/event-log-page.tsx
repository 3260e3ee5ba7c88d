import type { EventRecord } from '../../../domain/events/event';
import { formatInZone } from '../../../lib/zoned-time';
import { StackTable } from '../stack-table';

export interface LogEntry {
  createdAt: string;
  kind: string;
  message: string;
}

/** The newest 100 entries of one event's activity log. Entries never name people. */
export function EventLogPage({ event, entries, timezone }: { event: EventRecord; entries: LogEntry[]; timezone: string }) {
  return (
    <section class="card">
      <p class="small">
        <a href={`/admin/events/${event.slug}`}>← {event.name}</a>
      </p>
      <h1>Activity log</h1>
      <p class="muted small">The newest 100 entries for {event.name}, newest first.</p>
      {entries.length === 0 ? (
        <p class="muted">Nothing logged yet.</p>
      ) : (
        <StackTable headers={['When', 'What', 'Details']}>
              {entries.map((e) => (
                <tr>
                  <td class="small">{formatInZone(e.createdAt, timezone)}</td>
                  <td>
                    <span class="badge">{e.kind.replace(/_/g, ' ')}</span>
                  </td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </StackTable>
      )}
    </section>
  );
}
