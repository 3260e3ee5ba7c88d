import type { CalendarItem } from '../../../events/calendar';

export interface CalendarPageProps {
  /** YYYY-MM */
  month: string;
  items: CalendarItem[];
  today: string;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export const monthBounds = (month: string): { from: string; to: string } => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
};

const shift = (month: string, by: number): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};

function Item({ i }: { i: CalendarItem }) {
  const href = i.type === 'daily' ? `/admin/events/${i.event}?date=${i.date}` : `/admin/events/${i.event}`;
  return (
    <li>
      <a href={href}>
        {i.time ? `${i.time} ` : ''}
        {i.name}
      </a>{' '}
      <span class="muted">
        {i.sold}/{i.capacity}
      </span>
    </li>
  );
}

/** A month of events and booked dates; a list below the grid reads well on a phone and to screen readers. */
export function CalendarPage({ month, items, today }: CalendarPageProps) {
  const { from, to } = monthBounds(month);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - 1, 1));
  const lead = (first.getUTCDay() + 6) % 7;
  const days = Number(to.slice(8));
  const cells: Array<string | null> = [...Array.from({ length: lead }, () => null), ...Array.from({ length: days }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`)];
  while (cells.length % 7) cells.push(null);
  const byDay = new Map<string, CalendarItem[]>();
  for (const i of items) byDay.set(i.date, [...(byDay.get(i.date) ?? []), i]);
  const title = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(first);
  return (
    <section class="card">
      <div class="page-head">
        <h1>Calendar: {title}</h1>
        <div class="actions">
          <a class="button secondary small" href={`/admin/calendar?month=${shift(month, -1)}`} rel="prev">
            ← Previous month
          </a>
          <a class="button secondary small" href={`/admin/calendar?month=${shift(month, 1)}`} rel="next">
            Next month →
          </a>
          <a class="button secondary small" href={`/admin/calendar.csv?from=${from}&to=${to}`} download>
            Download CSV
          </a>
        </div>
      </div>
      <div class="table-wrap">
        <table class="calendar" aria-hidden="true">
          <thead>
            <tr>
              {WEEKDAYS.map((d) => (
                <th>{d}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: cells.length / 7 }, (_, w) => (
              <tr>
                {cells.slice(w * 7, w * 7 + 7).map((d) => (
                  <td class={d === today ? 'today' : undefined}>
                    {d && <span class="day-num">{Number(d.slice(8))}</span>}
                    {d && byDay.get(d) && (
                      <ul>
                        {byDay.get(d)!.map((i) => (
                          <Item i={i} />
                        ))}
                      </ul>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>This month, day by day</h2>
      {items.length === 0 ? (
        <p class="muted">No events or bookings this month.</p>
      ) : (
        <ul class="calendar-list">
          {[...byDay].map(([day, list]) => (
            <li>
              <strong>{new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`))}</strong>
              <ul>
                {list.map((i) => (
                  <Item i={i} />
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
