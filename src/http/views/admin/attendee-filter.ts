/** The attendee list's filter, sort and paging, shared by the event page and the routes that link back to it. */

export interface AttendeeFilter {
  date?: string;
  checked?: 'in' | 'out';
  refunded?: 'yes' | 'no';
  /** Part of a name or email. */
  q?: string;
  sort?: AttendeeSortKey;
  page?: number;
}

export const ATTENDEE_SORTS = ['created', '-created', 'name', '-name', 'quantity', '-quantity'] as const;
export type AttendeeSortKey = (typeof ATTENDEE_SORTS)[number];

/** `?date=…&checked=…&q=…` of a filter, for links that keep it (CSV, pages after a POST). */
export function filterQuery(f: AttendeeFilter): string {
  const q = new URLSearchParams();
  if (f.date) q.set('date', f.date);
  if (f.checked) q.set('checked', f.checked);
  if (f.refunded) q.set('refunded', f.refunded);
  if (f.q) q.set('q', f.q);
  if (f.sort && f.sort !== 'created') q.set('sort', f.sort);
  if (f.page && f.page > 1) q.set('page', String(f.page));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Paging of the attendee list: whether more follow, and the totals when known. */
export interface AttendeeListing {
  hasMore: boolean;
  total: { bookings: number; tickets: number } | null;
  page: number;
  perPage: number;
}
