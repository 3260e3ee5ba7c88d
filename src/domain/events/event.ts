/** Contact fields an event may ask for; the name is always asked. */
export const CONTACT_FIELDS = ['email', 'phone', 'address', 'specialInstructions'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

export type EventType = 'standard' | 'daily';
/** Where the event's rows are in their life on a shard (moves freeze, then mark the old copy moved). */
export type EventState = 'live' | 'frozen' | 'moved';

/** An event as stored on its shard. Money is in minor units. */
export interface EventRecord {
  id: number;
  slug: string;
  organiserId: number;
  name: string;
  description: string;
  date: string | null;
  location: string;
  type: EventType;
  capacity: number;
  sold: number;
  held: number;
  price: number;
  currency: string;
  maxPerPurchase: number;
  /** Most tickets one email address may hold for this event (sold and live holds together); null = no limit. */
  maxPerEmail: number | null;
  fields: ContactField[];
  /** Fields of `fields` a buyer may leave blank (the rest are required). */
  optionalFields: ContactField[];
  opensAt: string | null;
  closesAt: string | null;
  webhookUrl: string | null;
  thankYouUrl: string | null;
  active: boolean;
  groupId: number | null;
  /** Weekdays a daily event can be booked on, 0 = Sunday. */
  bookableDays: number[];
  minDaysBefore: number;
  /** 0 means two years, as in the seed. */
  maxDaysAfter: number;
  state: EventState;
  /** File name of the event's image (content hash + extension), or null. Set only through the image upload. */
  image: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Holiday {
  name: string;
  startDate: string;
  endDate: string;
}

/** The changeable fields of an event (create and patch), already validated at the edge. */
export type EventSettings = Omit<EventRecord, 'id' | 'organiserId' | 'sold' | 'held' | 'currency' | 'state' | 'image' | 'createdAt' | 'updatedAt'>;

/** Where an event's image is served (content-addressed, cached for a year), or null. */
export const eventImagePath = (e: Pick<EventRecord, 'id' | 'image'>): string | null => (e.image ? `/images/${e.id}/${e.image}` : null);

export const remaining = (e: Pick<EventRecord, 'capacity' | 'sold' | 'held'>): number => Math.max(0, e.capacity - e.sold - e.held);

export const isPaid = (e: Pick<EventRecord, 'price'>): boolean => e.price > 0;
