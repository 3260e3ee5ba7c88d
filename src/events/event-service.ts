import type { DirectoryEntry } from '../catalog/event-directory';
import type { GroupStore } from '../catalog/group-store';
import type { OrganiserLogStore } from '../catalog/organiser-log';
import type { EventRecord, EventSettings } from '../domain/events/event';
import type { CreateEventInput, PatchEventInput } from '../domain/events/event-input';
import { AppError, fieldError } from '../errors';
import type { InventoryReleases } from '../domain/ports';
import { fleetLoad } from '../fleet/load-reporter';
import { placeEvent } from '../fleet/placement';
import { privateTargetProblem } from '../lib/webhook-address-policy';
import type { Infra } from '../infra/infra';
import type { EventStore } from '../shards/tables/event-store';
import type { EventSnapshots } from './event-snapshots';

const messages = {
  notFound: 'No event with that slug exists for your organisation.',
  slugTaken: (slug: string) => `The slug "${slug}" is already used by another event or group; choose another.`,
  unknownGroup: (slug: string) => `There is no group "${slug}" in your organisation.`,
  capacityBelowSold: 'Capacity cannot go below the tickets already sold or held.',
  window: 'closesAt must be later than opensAt.',
  limitNeedsEmail: 'A limit of tickets per email address needs the email field, asked and required: tick "Email" and leave it required, or remove the limit.',
};

const DEFAULTS: Omit<EventSettings, 'slug' | 'name' | 'capacity'> = {
  type: 'standard',
  price: 0,
  maxPerPurchase: 1,
  maxPerEmail: null,
  fields: ['email'],
  optionalFields: [],
  description: '',
  date: null,
  location: '',
  opensAt: null,
  closesAt: null,
  webhookUrl: null,
  thankYouUrl: null,
  active: true,
  groupId: null,
  bookableDays: [0, 1, 2, 3, 4, 5, 6],
  minDaysBefore: 1,
  maxDaysAfter: 90,
};

export interface EventServiceDeps {
  infra: Pick<Infra, 'catalog' | 'directory' | 'organisers' | 'registry' | 'router' | 'config' | 'webhookSecrets'>;
  events: EventStore;
  snapshots: EventSnapshots;
  groups: GroupStore;
  /** Admission's caches: places that come back (capacity raised, event deleted) reach every one of them. */
  releases: InventoryReleases;
  /** Organiser-wide log: an event's deletion is recorded there (its own log goes with it). */
  organiserLog?: Pick<OrganiserLogStore, 'append'>;
}

/** Organisers' event management. Every method is scoped by the caller's organiser id. */
export class EventService {
  constructor(private readonly deps: EventServiceDeps) {}

  /** Managers set per-event URLs: the same refusal of private targets as organiser settings (finding 2). */
  private async checkWebhookTarget(organiserId: number, url: string | null | undefined): Promise<void> {
    if (!url) return;
    const problem = await privateTargetProblem(url, this.deps.infra.config.webhookAllowPrivate);
    if (problem) throw fieldError('invalid_request', 'webhookUrl', problem);
    // Saving a URL that answered 410 Gone turns it back on.
    await this.deps.infra.webhookSecrets.enable(organiserId, url);
  }

  /** The organiser's event by slug; another organiser's event is "not found", never "forbidden". */
  async entryFor(organiserId: number, slug: string): Promise<DirectoryEntry> {
    const entry = await this.deps.infra.directory.resolve(slug);
    if (!entry || entry.organiserId !== organiserId) throw new AppError('not_found', messages.notFound);
    return entry;
  }

  async get(organiserId: number, slug: string): Promise<{ entry: DirectoryEntry; event: EventRecord }> {
    const entry = await this.entryFor(organiserId, slug);
    const event = await this.deps.snapshots.fresh(entry);
    if (!event) throw new AppError('not_found', messages.notFound);
    return { entry, event };
  }

  async list(organiserId: number): Promise<EventRecord[]> {
    const entries = await this.deps.infra.directory.listForOrganiser(organiserId);
    const byShard = new Map<string, number[]>();
    for (const e of entries) byShard.set(e.shard, [...(byShard.get(e.shard) ?? []), e.id]);
    const lists = await Promise.all([...byShard].map(([shard, ids]) => this.deps.events.byIds(shard, ids)));
    return lists.flat().sort((a, b) => a.id - b.id);
  }

  /** `byPlatformAdmin`: the caller may place the event on a dedicated shard (see fleet/placement). */
  async create(organiserId: number, input: CreateEventInput, opts: { byPlatformAdmin?: boolean } = {}): Promise<EventRecord> {
    const { infra } = this.deps;
    const organiser = await infra.organisers.get(organiserId);
    if (!organiser) throw new AppError('not_found', 'organiser not found');
    await this.checkWebhookTarget(organiserId, input.webhookUrl);
    const { shard: shardName, group, ...fields } = input;
    const settings: EventSettings = {
      ...DEFAULTS,
      ...stripUndefined(fields),
      slug: fields.slug,
      name: fields.name,
      capacity: fields.capacity,
      groupId: await this.groupId(organiserId, group),
    };
    // A dated event stops selling when it starts, unless told otherwise (the seed's events
    // stayed bookable after they happened).
    if (fields.closesAt === undefined && settings.date && settings.type === 'standard') settings.closesAt = settings.date;
    checkSettings(settings);
    // Least load: the higher of this process's live figure and what other processes reported.
    const loadOf = infra.config.placementPolicy === 'least-load' ? await fleetLoad(infra) : (name: string) => infra.router.loadOf(name);
    const shard = await placeEvent(
      { registry: infra.registry, loadOf, policy: infra.config.placementPolicy },
      { organiserId, shard: shardName, byPlatformAdmin: opts.byPlatformAdmin === true },
    );

    const entry = await infra.directory.register(settings.slug, organiserId, shard.name);
    if (!entry) throw fieldError('conflict', 'slug', messages.slugTaken(settings.slug));
    const now = new Date().toISOString();
    try {
      await this.deps.events.insert(entry, organiserId, organiser.currency, settings, now);
    } catch (e) {
      // The shard write failed: give the slug back rather than leave a directory entry with no event.
      await infra.directory.markDeleted(entry.id, entry.slug);
      throw e;
    }
    return (await this.get(organiserId, settings.slug)).event;
  }

  async update(organiserId: number, slug: string, patch: PatchEventInput, actorId: number | null = null): Promise<EventRecord> {
    const { infra } = this.deps;
    const { entry, event } = await this.get(organiserId, slug);
    await this.checkWebhookTarget(organiserId, patch.webhookUrl);
    const { group, ...fields } = patch;
    const settings: EventSettings = {
      ...settingsOf(event),
      ...(stripUndefined(fields) as Partial<EventSettings>),
      groupId: group === undefined ? event.groupId : await this.groupId(organiserId, group),
    };
    checkSettings(settings);
    if (settings.slug !== entry.slug && !(await infra.directory.rename(entry.id, entry.slug, settings.slug))) {
      throw fieldError('conflict', 'slug', messages.slugTaken(settings.slug));
    }
    const now = new Date().toISOString();
    // A crash between the catalog rename and this shard write leaves the directory on the new
    // slug and the shard row on the old one: bookings still work (they go by id), and saving
    // the settings again completes the rename.
    // Deactivation and reactivation are named in the log, not hidden in "settings updated".
    const message =
      settings.active !== event.active ? `Event ${settings.active ? 'reactivated' : 'deactivated'}: ${settings.name}` : 'Event settings updated';
    if (!(await this.deps.events.update(entry, settings, now, message, actorId))) {
      if (settings.slug !== entry.slug) await infra.directory.rename(entry.id, settings.slug, entry.slug);
      throw fieldError('conflict', 'capacity', messages.capacityBelowSold);
    }
    this.deps.snapshots.invalidate(entry.id);
    this.deps.releases.released(entry.id);
    return (await this.get(organiserId, settings.slug)).event;
  }

  async remove(organiserId: number, slug: string, actorId: number | null = null): Promise<void> {
    const { infra } = this.deps;
    const entry = await this.entryFor(organiserId, slug);
    const event = await this.deps.snapshots.fresh(entry);
    await this.deps.events.remove(entry);
    await this.deps.organiserLog?.append({
      organiserId,
      actorUserId: actorId,
      at: new Date().toISOString(),
      kind: 'event',
      message: `Event deleted: ${event?.name ?? slug} (${event?.sold ?? 0} ticket${event?.sold === 1 ? '' : 's'} sold)`,
    });
    await infra.directory.markDeleted(entry.id, entry.slug);
    this.deps.snapshots.invalidate(entry.id);
    this.deps.releases.released(entry.id);
  }

  private async groupId(organiserId: number, slug: string | null | undefined): Promise<number | null> {
    if (!slug) return null;
    const group = await this.deps.groups.bySlug(slug);
    if (!group || group.organiserId !== organiserId) throw fieldError('invalid_request', 'group', messages.unknownGroup(slug));
    return group.id;
  }
}

function checkSettings(s: EventSettings) {
  if (s.opensAt && s.closesAt && s.closesAt <= s.opensAt) throw new AppError('invalid_request', messages.window, { issues: [{ path: 'closesAt', message: messages.window }] });
  // The limit is counted by the email's blind index: a booking without an email would escape it.
  if (s.maxPerEmail !== null && (!s.fields.includes('email') || s.optionalFields.includes('email'))) {
    throw fieldError('invalid_request', 'maxPerEmail', messages.limitNeedsEmail);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function settingsOf(e: EventRecord): EventSettings {
  const { id: _i, organiserId: _o, sold: _s, held: _h, currency: _c, state: _st, image: _im, createdAt: _ca, updatedAt: _u, ...settings } = e;
  return settings;
}
