import type { DateOption } from '../../public/booking-page';
import { formatDay, withEmbed } from './format';

/** Months shown at once; the rest are a link away (plain GET links: no JavaScript needed). */
const MONTHS_SHOWN = 2;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTH = /^\d{4}-\d{2}$/;

const monthOf = (isoDate: string) => isoDate.slice(0, 7);
const monthName = (ym: string) => new Date(`${ym}-01T00:00:00Z`).toLocaleDateString('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' });
const daysIn = (ym: string) => new Date(Date.UTC(Number(ym.slice(0, 4)), Number(ym.slice(5, 7)), 0)).getUTCDate();
/** 0 = Monday … 6 = Sunday, for the grid's first row. */
const mondayIndex = (ym: string) => (new Date(`${ym}-01T00:00:00Z`).getUTCDay() + 6) % 7;

export interface DateCalendarProps {
  /** Every bookable date of the event with its places left (0 = sold out that day). */
  dates: DateOption[];
  value: string | undefined;
  issue: string | undefined;
  /** `?month=YYYY-MM` asked for; else the month of the chosen date, else the first with places. */
  month: string | undefined;
  /** The page's own path (links to other months keep ?iframe=true). */
  path: string;
  embed: boolean;
  /** Single forms need a date; a multi form only with tickets of a daily event (the server checks, multi-fields.js marks it). */
  required?: boolean;
  /** Multi forms: the daily events' slugs (multi-fields.js hides the calendar when none is chosen) and a note on what "left" means. */
  neededFor?: string[];
  note?: string;
}

function Month({ ym, byDate, value, required }: { ym: string; byDate: Map<string, number>; value: string | undefined; required: boolean }) {
  const cells: Array<string | null> = [...Array.from({ length: mondayIndex(ym) }, () => null), ...Array.from({ length: daysIn(ym) }, (_, i) => `${ym}-${String(i + 1).padStart(2, '0')}`)];
  const weeks: Array<Array<string | null>> = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return (
    <table class="calendar">
      <caption>{monthName(ym)}</caption>
      <thead>
        <tr>
          {WEEKDAYS.map((d) => (
            <th scope="col">{d}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week) => (
          <tr>
            {week.map((date) => {
              if (!date) return <td />;
              const day = Number(date.slice(8));
              const left = byDate.get(date);
              if (left === undefined) return <td class="day off">{day}</td>;
              if (left <= 0)
                return (
                  <td class="day full">
                    <span class="sr-only">{`${formatDay(date)}: sold out`}</span>
                    <span aria-hidden="true">{day}</span>
                    <small aria-hidden="true">Full</small>
                  </td>
                );
              return (
                <td class="day open">
                  <label>
                    <input type="radio" name="date" value={date} checked={date === value} required={required} aria-label={`${formatDay(date)}: ${left} left`} />
                    <span class="num">{day}</span>
                    <small>{left} left</small>
                  </label>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A daily event's dates as a month calendar: places left per date, sold-out days marked,
 * radio buttons inside a plain form (so it works without JavaScript), a couple of months at a
 * time with links to earlier and later ones.
 */
export function DateCalendar(p: DateCalendarProps) {
  const byDate = new Map(p.dates.map((d) => [d.date, d.available]));
  const months = [...new Set(p.dates.map((d) => monthOf(d.date)))];
  const firstOpen = p.dates.find((d) => d.available > 0)?.date;
  const wanted = p.month && MONTH.test(p.month) && months.includes(p.month) ? p.month : p.value && months.includes(monthOf(p.value)) ? monthOf(p.value) : firstOpen ? monthOf(firstOpen) : months[0];
  const start = Math.max(0, months.indexOf(wanted ?? ''));
  const shown = months.slice(start, start + MONTHS_SHOWN);
  const link = (ym: string) => withEmbed(`${p.path}?month=${ym}`, p.embed);
  const prev = start > 0 ? months[Math.max(0, start - MONTHS_SHOWN)] : undefined;
  const next = months[start + MONTHS_SHOWN];
  return (
    <fieldset
      class="field date-calendar"
      id="date"
      {...(p.issue ? { 'aria-invalid': 'true', 'aria-describedby': 'date-error' } : {})}
      {...(p.neededFor?.length ? { 'data-needed-for': p.neededFor.join(' ') } : {})}
    >
      <legend>{p.neededFor ? 'Date (for daily events)' : 'Date'}</legend>
      {p.note && <p class="hint small">{p.note}</p>}
      {shown.map((ym) => (
        <Month ym={ym} byDate={byDate} value={p.value} required={p.required ?? true} />
      ))}
      {(prev || next) && (
        <p class="actions spread small">
          {prev ? <a href={link(prev)}>← Earlier dates</a> : <span />}
          {next ? <a href={link(next)}>Later dates →</a> : <span />}
        </p>
      )}
      {p.issue && (
        <span class="field-error" id="date-error">
          {p.issue}
        </span>
      )}
    </fieldset>
  );
}
