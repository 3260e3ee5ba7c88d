import type { KeyObject } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import type { DirectoryEntry } from '../catalog/event-directory';
import { openPii, type PiiKeyCache } from '../crypto';
import type { AttendeeQuery, AttendeeStore, WalkedRow } from '../shards/tables/attendee-store';
import { type DecryptedContacts, envelopeTail, haystackOf, type OpenedPii, type OpenedRow, type WalkCopy } from './decrypted-contacts';
import type { WalkPacer } from './walk-pacer';

/** Rows decrypted between two yields to the event loop. */
export const DECRYPT_CHUNK = 50;

export /** How a text search walks: direction, whether it needs every match, when a page is full. */
interface WalkPlan {
  descending: boolean;
  needAll: boolean;
  /** Matches past this many fill the page (offset + perPage). */
  enough: number;
  walkChunk: number;
}

export interface Walked {
  matches: Matched[];
  /** Whether the walk reached the end of the list (then totals are known). */
  complete: boolean;
}

/** A row of a text search that matched, with what sorting and totals need. */
export interface Matched {
  id: number;
  quantity: number;
  name: string;
  /** The envelope tail it was matched under, and its fields then. */
  tail: string;
  pii: OpenedPii;
}

export interface AttendeeWalkDeps {
  attendees: AttendeeStore;
  contacts?: DecryptedContacts;
}

/**
 * The walk of a text search over an event's attendees: in keyset pages of SQL when filters
 * apply, else over the session's copy of the list; either way rows are opened with the
 * caller's key only when the session has not opened them before, yielding between chunks.
 */
export class AttendeeWalk {
  constructor(private readonly deps: AttendeeWalkDeps) {}

  /** The walk in keyset pages of SQL (filters applied there), matching each page as it comes. */
  async inSql(entry: DirectoryEntry, s: { filter: Pick<AttendeeQuery, 'date' | 'checkedIn' | 'refunded'>; scope?: string | undefined }, w: WalkPlan, privateKey: KeyObject, keys: PiiKeyCache, q: string, pacer: WalkPacer): Promise<Walked> {
    const matches: Matched[] = [];
    let afterId: number | undefined;
    for (;;) {
      const walked = await this.deps.attendees.walk(entry, s.filter, { descending: w.descending, limit: w.walkChunk, ...(afterId !== undefined ? { afterId } : {}) });
      for (const m of (await this.match(entry, walked, privateKey, keys, q, s.scope)).matched) matches.push(m);
      if (walked.length < w.walkChunk) return { matches, complete: true };
      afterId = walked[walked.length - 1]!.id;
      if (!w.needAll && matches.length > w.enough) return { matches, complete: false };
      await pacer.next();
    }
  }

  /**
   * The walk over the session's copy of the event's rows (no SQL filter): refreshed first,
   * then matched a chunk at a time, pausing only after chunks that had to decrypt rows. A warm
   * search costs one small read and one pass over the remembered names, with no look-up per row.
   * Oldest first, rows not yet read are read as the walk reaches them, so a first search that
   * fills its page early reads only that far (the prefix it keeps is a valid copy: the rest
   * reads as rows added since).
   */
  async fromCopy(entry: DirectoryEntry, scope: string, contacts: DecryptedContacts, w: WalkPlan, key: () => KeyObject, keys: PiiKeyCache, q: string, pacer: WalkPacer): Promise<Walked> {
    // A session without a copy opens the key first, as every other read does, so a caller whose
    // data key does not open it is refused even where no row needs decrypting. A session with
    // one proved its key when it was built and opens it only if a row needs decrypting.
    if (!contacts.walkCopy(scope, entry.id)) key();
    const copy = await this.currentCopy(entry, scope, contacts, w.walkChunk, pacer, w.descending || w.needAll);
    const { rows, opened } = copy.copy;
    const matches: Matched[] = [];
    let more = copy.more;
    try {
      for (let start = 0; ; start += w.walkChunk) {
        while (more && rows.length < start + w.walkChunk) {
          await pacer.next();
          const page = await this.deps.attendees.walkSince(entry, rows.length > 0 ? rows[rows.length - 1]!.id : undefined, w.walkChunk);
          for (const r of page.rows) rows.push(r);
          more = page.rows.length === w.walkChunk;
        }
        const n = rows.length;
        if (start >= n) break;
        const end = Math.min(n, start + w.walkChunk);
        // Row indexes of this chunk in walk order (newest first for "-created", all rows read).
        const lo = w.descending ? n - end : start;
        const hi = w.descending ? n - start : end;
        const decrypted = await this.openCopied(entry, scope, contacts, copy.copy, lo, hi, key, keys);
        for (let k = 0; k < hi - lo; k++) {
          const i = w.descending ? hi - 1 - k : lo + k;
          const o = opened[i];
          const r = rows[i]!;
          if (o && (!q || o.haystack.includes(q))) matches.push({ id: r.id, quantity: r.quantity, name: o.pii.name ?? '', tail: r.tail, pii: o.pii });
        }
        if (end === n && !more) break;
        if (!w.needAll && matches.length > w.enough) return { matches, complete: false };
        if (decrypted > 0) await pacer.next();
      }
      return { matches, complete: true };
    } finally {
      // Kept whether the walk ended or stopped early (then as the prefix it read), with the
      // rows it opened; if another search of the session stored one meanwhile, either is valid.
      contacts.setWalkCopy(scope, entry.id, copy.copy);
    }
  }

  /**
   * Fills copy.opened[lo, hi) for rows whose fields it lacks: from the session's remembered
   * rows, else by fetching and opening their envelopes. Rows deleted since stay unopened (and
   * so unmatched). Returns how many rows were decrypted.
   */
  private async openCopied(entry: DirectoryEntry, scope: string, contacts: DecryptedContacts, copy: WalkCopy, lo: number, hi: number, key: () => KeyObject, keys: PiiKeyCache): Promise<number> {
    const { rows, opened } = copy;
    let served = 0;
    let remembered: ReturnType<DecryptedContacts['rowsOf']> | undefined;
    const missing = new Map<number, number>();
    for (let i = lo; i < hi; i++) {
      // Set only under rows[i]'s own tail (below), and a copy's rows never change: no re-check.
      if (opened[i]) {
        served++;
        continue;
      }
      const r = rows[i]!;
      remembered ??= contacts.rowsOf(scope, entry.id);
      const hit = remembered.get(r.id, r.tail);
      if (hit) opened[i] = hit;
      else missing.set(r.id, i);
    }
    contacts.countHits(served);
    if (missing.size === 0) return 0;
    const envelopes = await this.deps.attendees.envelopes(entry, [...missing.keys()]);
    let count = 0;
    for (const [id, envelope] of envelopes) {
      if (count > 0 && count % DECRYPT_CHUNK === 0) await setImmediate();
      count++;
      const row = contacts.set(scope, entry.id, id, envelope, openPii(key(), envelope, keys));
      // Only under the tail walked: an envelope edited since is opened again by the next search.
      const i = missing.get(id)!;
      if (row.tail === rows[i]!.tail) opened[i] = row;
    }
    return count;
  }

  /**
   * The session's current copy of the event's walk (id, quantity, envelope tail, oldest
   * first). If the event's change counter is what the copy saw (no row edited, moved or
   * deleted since: shard migration 0014) only rows with larger ids are read; otherwise, or
   * the first time, every row. New rows always have larger ids: a booking takes the next
   * rowid, and the one insert under an old id (a move undone) bumps the counter itself.
   * With `readAll` false only the first page of new rows is read here (`more` says whether
   * there may be others); the caller appends the rest as it walks and stores the copy.
   */
  private async currentCopy(entry: DirectoryEntry, scope: string, contacts: DecryptedContacts, chunk: number, pacer: WalkPacer, readAll: boolean): Promise<{ copy: WalkCopy & { rows: WalkedRow[] }; more: boolean }> {
    const had = contacts.walkCopy(scope, entry.id);
    const usable = had && had.shard === entry.shard && had.generation === entry.generation ? had : undefined;
    let base: WalkCopy | undefined = usable;
    let page = await this.deps.attendees.walkSince(entry, usable && usable.rows.length > 0 ? usable.rows[usable.rows.length - 1]!.id : undefined, chunk);
    if (usable && page.changes !== usable.changes) {
      base = undefined;
      page = await this.deps.attendees.walkSince(entry, undefined, chunk);
    }
    // The counter read with the FIRST page: later pages are read after it, so any change
    // they could have missed bumps the counter past it and the next search reads again.
    const changes = page.changes;
    // A new copy (never the stored one's arrays: another search of the session may be using them).
    const rows: WalkedRow[] = base ? base.rows.concat(page.rows) : [...page.rows];
    const copy = { shard: entry.shard, generation: entry.generation, changes, rows, opened: base ? base.opened.slice() : [] };
    let more = page.rows.length === chunk;
    while (readAll && more) {
      await pacer.next();
      page = await this.deps.attendees.walkSince(entry, rows[rows.length - 1]!.id, chunk);
      for (const r of page.rows) rows.push(r);
      more = page.rows.length === chunk;
    }
    return { copy, more };
  }

  /**
   * The walked rows whose name or email contains `q`: from the session's memory where it has
   * the row's current envelope, else decrypted (yielding between small chunks).
   */
  private async match(entry: DirectoryEntry, walked: readonly WalkedRow[], privateKey: KeyObject, keys: PiiKeyCache, q: string, scope?: string): Promise<{ matched: Matched[]; decrypted: number }> {
    const { contacts } = this.deps;
    const remembered = scope && contacts ? contacts.rowsOf(scope, entry.id) : undefined;
    const known = new Map<number, OpenedRow>();
    const missing: number[] = [];
    for (const w of walked) {
      const hit = remembered?.get(w.id, w.tail);
      if (hit) known.set(w.id, hit);
      else missing.push(w.id);
    }
    if (missing.length > 0) {
      const envelopes = await this.deps.attendees.envelopes(entry, missing);
      let opened = 0;
      for (const [id, envelope] of envelopes) {
        if (opened > 0 && opened % DECRYPT_CHUNK === 0) await setImmediate();
        opened++;
        const pii = openPii(privateKey, envelope, keys);
        known.set(id, scope && contacts ? contacts.set(scope, entry.id, id, envelope, pii) : { tail: envelopeTail(envelope), pii, haystack: haystackOf(pii) });
      }
    }
    const out: Matched[] = [];
    for (const w of walked) {
      const o = known.get(w.id);
      if (o && (!q || o.haystack.includes(q))) out.push({ id: w.id, quantity: w.quantity, name: o.pii.name ?? '', tail: w.tail, pii: o.pii });
    }
    return { matched: out, decrypted: missing.length };
  }
}
