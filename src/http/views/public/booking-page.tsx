import type { ComponentChildren } from 'preact';
import type { FormIssue, FormValues } from '../../public/booking-form';
import { quantityField } from '../../public/booking-form';
import { type BookingPage, dailySlugs, maxQuantity, multiCalendarDates } from '../../public/booking-page';
import { Layout } from '../layout';
import { renderDocument } from '../render';
import { withEmbed } from './format';
import { DateCalendar } from './date-calendar';
import { EventDetails, priceLabel, StatusBadge, UnavailableCard, whenWhere } from './event-details';
import type { ContactField } from '../../../domain/events/event';
import { requiredFields } from '../../public/booking-form';
import { ContactFields, CsrfField, type FieldAsk, IssueSummary, issueFor, QuantitySelect, TermsField } from './form-parts';

export interface BookingFormState {
  csrfToken: string;
  values: FormValues;
  issues: FormIssue[];
  /** About the whole booking (sold out while submitting, expired form…), shown above the form. */
  notice?: string | undefined;
  /** Organiser mini-site navigation, when the form is part of it. */
  nav?: ComponentChildren;
  /** The mini-site's Events page: each event with a link to its own page, above the combined form. */
  listEvents?: boolean;
  /** A daily event's calendar: the month asked for with `?month=YYYY-MM`. */
  calendarMonth?: string | undefined;
}

/** What's on: every event of the page with its image, date, price and a link to book it alone. */
function EventLinks({ page }: { page: BookingPage }) {
  return (
    <section class="card event-list">
      <h2>What's on</h2>
      <ul class="event-links">
        {page.events.map((b) => {
          const line = whenWhere(b.view, page.organiser.timezone);
          return (
            <li>
              {b.view.imageUrl && <img class="event-thumb" src={b.view.imageUrl} alt="" loading="lazy" />}
              <div class="choice-info">
                <a href={withEmbed(`/ticket/${b.view.slug}`, page.embed)}>
                  <strong>{b.view.name}</strong>
                </a>
                {line && <div class="muted small">{line}</div>}
                <div class="actions small">
                  <span>{priceLabel(b.view)}</span>
                  <StatusBadge view={b.view} />
                </div>
              </div>
            </li>
          );
        })}
      </ul>
      {page.events.length > 1 && <p class="small muted">Or book several at once below.</p>}
    </section>
  );
}

const EMBED_SCRIPTS = ['/assets/embed-frame.js'];

/**
 * How each contact field is asked: optional when no bookable event requires it, and on a
 * multi form required only with tickets of the events that require it (when not all do).
 */
function fieldAsks(page: BookingPage): Map<ContactField, FieldAsk> {
  const asks = new Map<ContactField, FieldAsk>();
  const bookable = page.events.filter((b) => maxQuantity(page, b) > 0);
  const among = bookable.length > 0 ? bookable : page.events;
  for (const f of page.fields) {
    const requiring = among.filter((b) => requiredFields(b).has(f));
    if (requiring.length === 0) asks.set(f, 'optional');
    else if (page.kind === 'multi' && requiring.length < among.length) asks.set(f, { slugs: requiring.map((b) => b.view.slug), names: requiring.map((b) => b.view.name) });
  }
  return asks;
}

function Notice({ text }: { text: string | undefined }) {
  return text ? (
    <p class="notice bad" role="alert">
      {text}
    </p>
  ) : null;
}

/** Name, contact fields, terms and the button: the same on single and multi forms. */
function DetailsSection({ page, state, heading, children }: { page: BookingPage; state: BookingFormState; heading: string; children?: ComponentChildren }) {
  return (
    <section class="card">
      <h2>{heading}</h2>
      {children}
      <ContactFields fields={page.fields} values={state.values} issues={state.issues} asks={fieldAsks(page)} />
      <TermsField terms={page.terms} checked={state.values.acceptTerms === '1'} issue={issueFor(state.issues, 'acceptTerms')} />
      <button type="submit" class="block">
        Book now
      </button>
      <p class="muted small">Your details go only to the organiser, encrypted. Your ticket link is shown on the next page.</p>
    </section>
  );
}

function SingleForm({ page, state }: { page: BookingPage; state: BookingFormState }) {
  const b = page.events[0]!;
  const max = maxQuantity(page, b);
  return (
    <>
      <EventDetails view={b.view} timeZone={page.organiser.timezone} />
      <Notice text={state.notice} />
      {b.view.status !== 'open' || max === 0 ? (
        <UnavailableCard view={b.view} timeZone={page.organiser.timezone} />
      ) : (
        <form method="post" action={page.action} class="booking-form">
          <CsrfField token={state.csrfToken} />
          <IssueSummary issues={state.issues} />
          <DetailsSection page={page} state={state} heading="Book tickets">
            <div class="row2">
              <QuantitySelect id="quantity" label="Tickets" from={1} max={max} value={state.values.quantity} issue={issueFor(state.issues, 'quantity')} />
            </div>
            {b.view.maxPerEmail !== undefined && (
              <p class="small muted">
                At most {b.view.maxPerEmail} ticket{b.view.maxPerEmail === 1 ? '' : 's'} per email address for this event.
              </p>
            )}
            {page.dates && (
              <DateCalendar
                dates={b.view.dates ?? page.dates}
                value={state.values.date}
                issue={issueFor(state.issues, 'date')}
                month={state.calendarMonth}
                path={page.action.split('?')[0]!}
                embed={page.embed}
              />
            )}
          </DetailsSection>
        </form>
      )}
    </>
  );
}

function EventChoice({ page, b, state }: { page: BookingPage; b: BookingPage['events'][number]; state: BookingFormState }) {
  const max = maxQuantity(page, b);
  const field = quantityField(b.view.slug);
  const line = whenWhere(b.view, page.organiser.timezone);
  return (
    <div class="choice">
      {b.view.imageUrl && <img class="event-thumb" src={b.view.imageUrl} alt="" loading="lazy" />}
      <div class="choice-info">
        <strong>{b.view.name}</strong>
        {line && <div class="muted small">{line}</div>}
        <div class="actions small">
          <span>{priceLabel(b.view)}</span>
          <StatusBadge view={b.view} />
        </div>
        {b.view.description && <p class="pre small muted">{b.view.description}</p>}
      </div>
      {max > 0 ? (
        <QuantitySelect id={field} label={`Tickets for ${b.view.name}`} hideLabel from={0} max={max} value={state.values[field]} issue={issueFor(state.issues, field)} />
      ) : (
        <span class="muted small">Unavailable</span>
      )}
    </div>
  );
}

function MultiForm({ page, state }: { page: BookingPage; state: BookingFormState }) {
  const bookable = page.events.some((b) => maxQuantity(page, b) > 0);
  const dailyBlocked = page.dates !== null && page.dates.length === 0 && page.events.some((b) => b.view.type === 'daily' && b.view.status === 'open');
  return (
    <form method="post" action={page.action} class="booking-form">
      <h1>{page.title}</h1>
      <Notice text={state.notice} />
      {state.listEvents && <EventLinks page={page} />}
      <CsrfField token={state.csrfToken} />
      <IssueSummary issues={state.issues} />
      <section class="card">
        <h2>Choose your tickets</h2>
        {page.events.map((b) => (
          <EventChoice page={page} b={b} state={state} />
        ))}
        {dailyBlocked && (
          <p class="notice">
            The daily events here share no date, so they cannot be booked together. Book each on its own page:{' '}
            {page.events
              .filter((b) => b.view.type === 'daily')
              .map((b, i) => (
                <>
                  {i > 0 && ', '}
                  <a href={withEmbed(`/ticket/${b.view.slug}`, page.embed)}>{b.view.name}</a>
                </>
              ))}
          </p>
        )}
        {page.dates && page.dates.length > 0 && (
          <DateCalendar
            dates={multiCalendarDates(page)}
            value={state.values.date}
            issue={issueFor(state.issues, 'date')}
            month={state.calendarMonth}
            path={page.action.split('?')[0]!}
            embed={page.embed}
            required={false}
            neededFor={dailySlugs(page)}
            {...(dailySlugs(page).length > 1 ? { note: 'One date for all the daily events you choose; places left are those of the event with the fewest that day.' } : {})}
          />
        )}
      </section>
      {bookable ? <DetailsSection page={page} state={state} heading="Your details" /> : <p class="notice">Nothing here can be booked right now.</p>}
    </form>
  );
}

/** The booking form of `/ticket/…` and `/o/:organiser/events`: single or multi-event. */
export function renderBookingPage(page: BookingPage, state: BookingFormState): string {
  return renderDocument(
    <Layout
      title={page.title}
      embed={page.embed}
      nav={state.nav}
      brand={{ name: page.organiser.name, href: page.organiser.showPublicSite ? `/o/${page.organiser.slug}` : undefined, accentColor: page.organiser.accentColor }}
      scripts={[...(page.kind === 'multi' ? ['/assets/multi-fields.js'] : []), ...(page.embed ? EMBED_SCRIPTS : [])]}
    >
      <div class="booking">{page.kind === 'single' ? <SingleForm page={page} state={state} /> : <MultiForm page={page} state={state} />}</div>
    </Layout>,
  );
}
