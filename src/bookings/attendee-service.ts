import type { KeyObject } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { openPii, PiiKeyCache } from '../crypto';
import { attendeeEmailIndexPurpose, ticketTokenContext } from '../crypto/contexts';
import { AppError } from '../errors';
import type { EventService } from '../events/event-service';
import type { Infra } from '../infra/infra';
import type { ActivityLogStore, LogLine } from '../shards/tables/activity-log';
import type { DirectoryEntry } from '../catalog/event-directory';
import { PaceClock, WalkPacer } from './walk-pacer';
import { EMAIL } from '../domain/inputs';
import type { AttendeeOrder, AttendeeQuery, AttendeeRow, AttendeeStore } from '../shards/tables/attendee-store';
import { type DecryptedContacts, envelopeTail, type OpenedPii } from './decrypted-contacts';
import { AttendeeWalk, DECRYPT_CHUNK, type Matched } from './attendee-walk';

export interface AttendeeView {
  id: number;
  name: string;
  email: string;
  phone: string;
  address: string;
  specialInstructions: string;
  quantity: number;
  date: string | null;
  checkedIn: boolean;
  checkedInAt: string | null;
  refunded: boolean;
  pricePaid: number;
  paymentId: string | null;
  createdAt: string;
  ticketToken: string;
  ticketUrl: string;
}

export type AttendeeFilter = AttendeeQuery;

export type AttendeeSort = AttendeeOrder | 'name' | '-name';

/** A page of the attendee list: filters in SQL, text search over names and emails decrypted here. */
export interface AttendeeSearch {
  filter: Pick<AttendeeQuery, 'date' | 'checkedIn' | 'refunded'>;
  /** Part of a name or email, any case. */
  q?: string;
  sort?: AttendeeSort;
  /** 1-based. */
  page?: number;
  perPage?: number;
  /**
   * The caller's session (organiser, user, session), already proven to hold the key: rows it
   * decrypted before are served from memory. Without it every row is decrypted.
   */
  scope?: string;
}

export interface AttendeePage {
  attendees: AttendeeView[];
  page: number;
  perPage: number;
  hasMore: boolean;
  /** Matching bookings and tickets; null when a text search stopped before the end. */
  total: { bookings: number; tickets: number } | null;
}

/** Rows read per query while the CSV export walks the list. */
const SCAN_CHUNK = 250;
/** Rows (id, quantity, envelope tail: ~60 bytes each) read per query while a text search walks. */
const WALK_CHUNK = 1000;

const messages = {
  noAttendee: 'No such attendee for this event.',
};

export type AttendeeServiceDeps = Pick<Infra, 'keyring' | 'config'> & {
  events: EventService;
  attendees: AttendeeStore;
  log: ActivityLogStore;
  contacts?: DecryptedContacts;
  /** True while this process is taking bookings: long walks then leave them most of the loop. */
  salesOn?: () => boolean;
  /** Rows per walk query (tests use a small one to cross many pages); WALK_CHUNK otherwise. */
  walkChunk?: number;
};

/** Attendee lists and the activity log for an organiser (refunds: payments/refund-service.ts). PII is decrypted only with the caller's key. */
export class AttendeeService {
  /** One for every walk of this process: searches and exports at once share the pacing share. */
  private readonly paceClock = new PaceClock();

  private readonly walk: AttendeeWalk;

  constructor(private readonly deps: AttendeeServiceDeps) {
    this.walk = new AttendeeWalk({ attendees: deps.attendees, ...(deps.contacts ? { contacts: deps.contacts } : {}) });
  }

  async list(organiserId: number, slug: string, privateKey: KeyObject, filter: AttendeeFilter = {}): Promise<AttendeeView[]> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const rows = await this.deps.attendees.list(entry, filter);
    return this.withKeys((keys) => this.open(entry, rows, privateKey, keys));
  }

  /**
   * One page of the list. Without a text search it is pure SQL (filters, order, LIMIT). With
   * one, rows are read in chunks and decrypted with the caller's key, yielding between
   * chunks, and the walk stops as soon as the page is full (unless the order is by name,
   * which needs every match). A whole email address is found by its blind index instead.
   */
  async search(organiserId: number, slug: string, privateKey: KeyObject | (() => KeyObject), s: AttendeeSearch): Promise<AttendeePage> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const key = keyOnce(privateKey);
    const page = Math.max(1, s.page ?? 1);
    const perPage = Math.min(500, Math.max(1, s.perPage ?? 50));
    const offset = (page - 1) * perPage;
    const sort = s.sort ?? 'created';
    const q = s.q?.trim().toLowerCase() ?? '';
    const byName = sort === 'name' || sort === '-name';

    return this.withKeys(async (keys) => {
      if (q && EMAIL.test(q)) {
        const rows = await this.deps.attendees.list(entry, { ...s.filter, emailIndex: this.deps.keyring.blindIndex(attendeeEmailIndexPurpose(organiserId), q) });
        const views = sortViews(await this.open(entry, rows, key(), keys, s.scope), sort);
        return { attendees: views.slice(offset, offset + perPage), page, perPage, hasMore: views.length > offset + perPage, total: totalsOf(views) };
      }
      if (!q && !byName) {
        const [rows, total] = await Promise.all([
          this.deps.attendees.list(entry, { ...s.filter, order: sort, limit: perPage, offset }),
          this.deps.attendees.totals(entry, s.filter),
        ]);
        return { attendees: await this.open(entry, rows, key(), keys, s.scope), page, perPage, hasMore: offset + perPage < total.bookings, total };
      }
      // Walk the list, newest first for "-created", else oldest first, reading only each
      // row's id, quantity and envelope tail; envelopes are fetched only for rows the session
      // has not opened yet, and whole rows (ticket tokens and all) only for the page shown.
      const descending = sort === '-created';
      const needAll = byName || sort === 'quantity' || sort === '-quantity';
      const walkChunk = this.deps.walkChunk ?? WALK_CHUNK;
      const pacer = new WalkPacer(this.deps.salesOn, this.paceClock);
      const { matches, complete } =
        s.scope && this.deps.contacts && !hasSqlFilter(s.filter)
          ? await this.walk.fromCopy(entry, s.scope, this.deps.contacts, { descending, needAll, enough: offset + perPage, walkChunk }, key, keys, q, pacer)
          : await this.walk.inSql(entry, s, { descending, needAll, enough: offset + perPage, walkChunk }, key(), keys, q, pacer);
      const sorted = sortMatched(matches, sort);
      const shownIds = sorted.slice(offset, offset + perPage).map((m) => m.id);
      const opened = new Map(sorted.slice(offset, offset + perPage).map((m) => [m.id, m]));
      // The fields matched on are reused unless the row changed since it was walked.
      const shown = (await this.deps.attendees.byIds(entry, shownIds)).map((row) => {
        const m = opened.get(row.id)!;
        return this.view(entry, { row, pii: envelopeTail(row.pii) === m.tail ? m.pii : openPii(key(), row.pii, keys) });
      });
      // One more pause while sales are on: a common term fills its page in one chunk, and an
      // organiser searching again and again would otherwise never give way.
      await pacer.answered();
      return { attendees: shown, page, perPage, hasMore: sorted.length > offset + perPage, total: complete ? totalsOfMatched(sorted) : null };
    });
  }

  /**
   * Every matching attendee, decrypted a chunk at a time and handed to `each` (the CSV
   * export streams them): memory stays one chunk, however long the list.
   */
  async forEachChunk(organiserId: number, slug: string, privateKey: KeyObject, s: Pick<AttendeeSearch, 'filter' | 'q'>, each: (chunk: AttendeeView[]) => Promise<void> | void): Promise<number> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const q = s.q?.trim().toLowerCase() ?? '';
    return this.withKeys(async (keys) => {
      const pacer = new WalkPacer(this.deps.salesOn, this.paceClock);
      let afterId: number | undefined;
      let count = 0;
      for (;;) {
        const rows = await this.deps.attendees.list(entry, { ...s.filter, order: 'created', limit: SCAN_CHUNK, ...(afterId !== undefined ? { afterId } : {}) });
        const views = (await this.decrypt(entry, rows, privateKey, keys)).filter((o) => !q || matchesTerm(o.pii, q)).map((o) => this.view(entry, o));
        count += views.length;
        if (views.length > 0) await each(views);
        if (rows.length < SCAN_CHUNK) return count;
        afterId = rows[rows.length - 1]!.id;
        await pacer.next();
      }
    });
  }

  /** One read's epoch keys (crypto/pii-envelope PiiKeyCache), zeroed when the read ends. */
  private async withKeys<T>(read: (keys: PiiKeyCache) => Promise<T>): Promise<T> {
    const keys = new PiiKeyCache();
    try {
      return await read(keys);
    } finally {
      keys.dispose();
    }
  }

  /** Decrypts rows and builds their views. */
  private async open(entry: DirectoryEntry, rows: AttendeeRow[], privateKey: KeyObject, keys?: PiiKeyCache, scope?: string): Promise<AttendeeView[]> {
    return (await this.decrypt(entry, rows, privateKey, keys, scope)).map((o) => this.view(entry, o));
  }

  /**
   * Opens each row's envelope with the caller's key (or takes it from the session's memory),
   * yielding to the event loop between small chunks so a long walk never stalls bookings.
   */
  private async decrypt(entry: DirectoryEntry, rows: AttendeeRow[], privateKey: KeyObject, keys?: PiiKeyCache, scope?: string): Promise<Opened[]> {
    const { contacts } = this.deps;
    const out: Opened[] = [];
    let opened = 0;
    for (const r of rows) {
      let pii = scope && contacts ? contacts.get(scope, entry.id, r.id, r.pii) : undefined;
      if (!pii) {
        if (opened > 0 && opened % DECRYPT_CHUNK === 0) await setImmediate();
        opened++;
        pii = openPii(privateKey, r.pii, keys);
        if (scope && contacts) contacts.set(scope, entry.id, r.id, r.pii, pii);
      }
      out.push({ row: r, pii });
    }
    return out;
  }

  private view(entry: DirectoryEntry, { row: r, pii }: Opened): AttendeeView {
    const token = this.deps.keyring.openSecret(r.sealedToken, ticketTokenContext(entry.id));
    return {
      id: r.id,
      name: pii.name ?? '',
      email: pii.email ?? '',
      phone: pii.phone ?? '',
      address: pii.address ?? '',
      specialInstructions: pii.specialInstructions ?? '',
      quantity: r.quantity,
      date: r.date,
      checkedIn: r.checkedIn,
      checkedInAt: r.checkedInAt,
      refunded: r.refunded,
      pricePaid: r.pricePaid,
      paymentId: r.paymentId,
      createdAt: r.createdAt,
      ticketToken: token,
      ticketUrl: `${this.deps.config.publicUrl}/t/${token}`,
    };
  }

  /** One attendee, decrypted (an edit form). */
  async one(organiserId: number, slug: string, attendeeId: number, privateKey: KeyObject): Promise<AttendeeView> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const row = await this.deps.attendees.find(entry, { id: attendeeId });
    if (!row) throw new AppError('not_found', messages.noAttendee);
    return (await this.open(entry, [row], privateKey))[0]!;
  }

  /** One attendee's name and payment, for a confirmation page (one decryption, not the whole list). */
  async paidBooking(organiserId: number, slug: string, attendeeId: number, privateKey: KeyObject) {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const row = await this.deps.attendees.find(entry, { id: attendeeId });
    if (!row) throw new AppError('not_found', messages.noAttendee);
    return { name: openPii(privateKey, row.pii).name ?? '', quantity: row.quantity, pricePaid: row.pricePaid, refunded: row.refunded };
  }

  async recordExport(organiserId: number, slug: string, rows: number, actorId?: number): Promise<void> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    await this.deps.log.append(entry, { at: new Date().toISOString(), kind: 'exported', message: `Exported ${rows} attendee row(s) as CSV`, actorId: actorId ?? null });
  }

  /** The event's activity log, newest first (entries never name people in plaintext). */
  async log(organiserId: number, slug: string, limit = 100, offset = 0): Promise<LogLine[]> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    return this.deps.log.forEvent(entry, limit, offset);
  }
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

function sortViews(views: AttendeeView[], sort: AttendeeSort): AttendeeView[] {
  const dir = sort.startsWith('-') ? -1 : 1;
  const key = sort.replace(/^-/, '');
  return [...views].sort((a, b) => {
    const c = key === 'name' ? collator.compare(a.name, b.name) : key === 'quantity' ? a.quantity - b.quantity : 0;
    return (c !== 0 ? c : a.id - b.id) * dir;
  });
}

/** The same order as sortViews, on matches not yet turned into views. */
function sortMatched(rows: Matched[], sort: AttendeeSort): Matched[] {
  const dir = sort.startsWith('-') ? -1 : 1;
  const key = sort.replace(/^-/, '');
  return [...rows].sort((a, b) => {
    const c = key === 'name' ? collator.compare(a.name, b.name) : key === 'quantity' ? a.quantity - b.quantity : 0;
    return (c !== 0 ? c : a.id - b.id) * dir;
  });
}

/** `q` is already trimmed and lower-cased. */
const matchesTerm = (pii: OpenedPii, q: string): boolean => (pii.name ?? '').toLowerCase().includes(q) || (pii.email ?? '').toLowerCase().includes(q);

const totalsOfMatched = (rows: Matched[]) => ({ bookings: rows.length, tickets: rows.reduce((n, m) => n + m.quantity, 0) });

/** The organiser's key, opened (unwrapped) at most once and only when first needed. */
function keyOnce(k: KeyObject | (() => KeyObject)): () => KeyObject {
  if (typeof k !== 'function') return () => k;
  let opened: KeyObject | undefined;
  return () => {
    opened ??= k();
    return opened;
  };
}

/** Filters a walk applies in SQL; the session's copy holds no filter columns. */
const hasSqlFilter = (f: AttendeeSearch['filter']): boolean => f.date !== undefined || f.checkedIn !== undefined || f.refunded !== undefined;

/** A row with its decrypted fields, before the view (ticket token) is built. */
interface Opened {
  row: AttendeeRow;
  pii: OpenedPii;
}

const totalsOf = (views: AttendeeView[]) => ({ bookings: views.length, tickets: views.reduce((n, v) => n + v.quantity, 0) });
