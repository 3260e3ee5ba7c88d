import type { EventGroup } from '../../catalog/group-store';
import type { Organiser } from '../../catalog/organiser-store';
import { CONTACT_FIELDS, type ContactField } from '../../domain/events/event';
import { sortEvents } from '../../domain/events/sort-events';
import { isEventSlug } from '../../domain/inputs';
import { AppError } from '../../errors';
import type { PublicEventBundle, ViewOptions } from '../../events/public-events';
import type { AppServices } from '../../app/services';
import { withEmbed } from '../views/public/format';

const messages = {
  notFound: 'There is no event at this address, or it is no longer taking bookings.',
  mixedOrganisers: 'These events belong to different organisers, so they cannot be booked together. Book each on its own page.',
};

/** `/ticket/a+b`: at most this many events on one form (as the JSON API's multi booking). */
export const MAX_EVENTS_PER_PAGE = 20;

export type DateOption = { date: string; available: number };

/** Everything a booking form needs, whichever URL it came from. */
export interface BookingPage {
  /** single: one event (quantity + date selects); multi: a quantity select per event. */
  kind: 'single' | 'multi';
  title: string;
  organiser: Organiser;
  /** Sorted as the seed sorts multi-event pages (sort-events.ts). */
  events: PublicEventBundle[];
  /** Group terms replace the organiser's when non-empty. */
  terms: string;
  /** The union of the events' contact fields, in a stable order. */
  fields: ContactField[];
  /**
   * Daily dates offered: a single daily event's dates with places left, or on a multi
   * form the dates every open daily event shares. Null when no daily event is on the page.
   * An empty list means there is no such date: daily events cannot be booked here.
   */
  dates: DateOption[] | null;
  /** Where the form posts (the page's own URL, keeping ?iframe=true). */
  action: string;
  embed: boolean;
}

const isBookable = (b: PublicEventBundle) => b.view.status === 'open';
const openDates = (b: PublicEventBundle): DateOption[] => (b.view.dates ?? []).filter((d) => d.available > 0);

/** The dates every open daily event of the page can still be booked on (available = the smallest). */
function sharedDates(events: PublicEventBundle[]): DateOption[] | null {
  const daily = events.filter((b) => b.view.type === 'daily' && isBookable(b));
  if (daily.length === 0) return events.some((b) => b.view.type === 'daily') ? [] : null;
  let shared = openDates(daily[0]!);
  for (const b of daily.slice(1)) {
    const mine = new Map(openDates(b).map((d) => [d.date, d.available]));
    shared = shared.filter((d) => mine.has(d.date)).map((d) => ({ date: d.date, available: Math.min(d.available, mine.get(d.date)!) }));
  }
  return shared;
}

/**
 * A multi form's calendar: every date all open daily events run on, sold-out days included
 * (marked full), each with the places left of the event that has the fewest that day. The
 * bookable ones are exactly `page.dates`.
 */
export function multiCalendarDates(page: BookingPage): DateOption[] {
  const daily = page.events.filter((b) => b.view.type === 'daily' && isBookable(b));
  if (daily.length === 0) return [];
  let shared: DateOption[] = daily[0]!.view.dates ?? [];
  for (const b of daily.slice(1)) {
    const mine = new Map((b.view.dates ?? []).map((d) => [d.date, d.available]));
    shared = shared.filter((d) => mine.has(d.date)).map((d) => ({ date: d.date, available: Math.min(d.available, mine.get(d.date)!) }));
  }
  return shared;
}

/** Slugs of the open daily events: the calendar matters only when one of them is chosen. */
export const dailySlugs = (page: BookingPage): string[] => page.events.filter((b) => b.view.type === 'daily' && isBookable(b)).map((b) => b.view.slug);

/**
 * The most tickets of one event this form may ask for: min(max per purchase, places left),
 * 0 when it is not open or, on a multi form, when daily events share no date.
 */
export function maxQuantity(page: BookingPage, b: PublicEventBundle): number {
  if (!isBookable(b)) return 0;
  if (page.kind === 'multi' && b.view.type === 'daily' && (page.dates ?? []).length === 0) return 0;
  return Math.max(0, Math.min(b.view.maxPerPurchase, b.view.available));
}

function build(kind: BookingPage['kind'], title: string, events: PublicEventBundle[], action: string, embed: boolean, group?: EventGroup): BookingPage {
  const organiser = events[0]!.organiser;
  const next = new Map(events.map((b) => [b.view.slug, openDates(b)[0]?.date ?? null]));
  const sorted = sortEvents(events.map((b) => ({ ...b.view, bundle: b })), (v) => next.get(v.slug) ?? null).map((v) => v.bundle);
  const wanted = new Set(sorted.flatMap((b) => b.view.fields));
  const single = kind === 'single' ? sorted[0]! : undefined;
  return {
    kind,
    title,
    organiser,
    events: sorted,
    terms: group?.terms.trim() ? group.terms : organiser.terms,
    fields: CONTACT_FIELDS.filter((f) => wanted.has(f)),
    dates: single ? (single.view.type === 'daily' ? openDates(single) : null) : sharedDates(sorted),
    action: withEmbed(action, embed),
    embed,
  };
}

/**
 * Origins outside this site that a booking from this page redirects to: the https thank-you
 * URL of a single-event page (multi-event bookings always land on /ticket/reserved).
 */
export function thankYouOrigins(page: BookingPage): string[] {
  const url = page.kind === 'single' ? page.events[0]!.event.thankYouUrl : null;
  if (!url?.startsWith('https://') || !URL.canParse(url)) return [];
  return [new URL(url).origin];
}

/**
 * Where this page's form may end up: the thank-you origin, and for a priced event the
 * checkout's origin when STRIPE_API_BASE or SQUARE_API_BASE point elsewhere (the stand-ins in
 * tests; the providers' own checkout hosts are always allowed). Browsers check a form's
 * redirects against the CSP of the page that holds the form.
 */
export function formTargets(page: BookingPage, ...apiBases: Array<string | undefined>): string[] {
  const paid = page.events.some((b) => b.event.price > 0);
  return [...thankYouOrigins(page), ...(paid ? apiBases.filter((b): b is string => Boolean(b)).map((b) => new URL(b).origin) : [])];
}

/** `/ticket/:slugs`: one active event, else a group of that slug, else `a+b` events; 404 otherwise. */
export async function loadTicketPage(services: AppServices, joined: string, embed: boolean, opts: ViewOptions = {}): Promise<BookingPage> {
  const { publicEvents, groups } = services.bookings;
  const slugs = [...new Set(joined.split('+'))];
  if (slugs.length > MAX_EVENTS_PER_PAGE || !slugs.every(isEventSlug)) throw new AppError('not_found', messages.notFound);
  const action = `/ticket/${slugs.join('+')}`;

  if (slugs.length === 1) {
    const bundle = await publicEvents.get(slugs[0]!, opts);
    if (bundle) return build('single', bundle.view.name, [bundle], action, embed);
    const group = await groups.bySlug(slugs[0]!);
    if (!group) throw new AppError('not_found', messages.notFound);
    const events = (await publicEvents.list(group.organiserId, opts)).filter((b) => b.event.groupId === group.id);
    if (events.length === 0) throw new AppError('not_found', messages.notFound);
    return build('multi', group.name, events, action, embed, group);
  }

  const events = (await Promise.all(slugs.map((s) => publicEvents.get(s, opts)))).filter((b): b is PublicEventBundle => b !== undefined);
  if (events.length === 0) throw new AppError('not_found', messages.notFound);
  if (new Set(events.map((b) => b.organiser.id)).size > 1) throw new AppError('invalid_request', messages.mixedOrganisers);
  return build('multi', 'Book tickets', events, action, embed);
}

/** `/o/:organiser/events`: every active event of the organiser on one form (null when none). */
export async function loadSitePage(services: AppServices, organiser: Organiser, opts: ViewOptions = {}): Promise<BookingPage | null> {
  const events = await services.bookings.publicEvents.list(organiser.id, opts);
  if (events.length === 0) return null;
  return build('multi', 'Events', events, `/o/${organiser.slug}/events`, false);
}
