import type { Organiser } from '../catalog/organiser-store';
import type { EventRecord } from '../domain/events/event';

/**
 * Where a booking's webhook goes, as the seed sent it: each event's URL plus the organiser's
 * URL, without duplicates, each receiving the one consolidated payload of the booking. Each
 * URL is written by the step (shard transaction) of the first event that names it; the
 * organiser's URL, when no event names it, by the first step.
 */
export function webhookTargets(events: Array<Pick<EventRecord, 'webhookUrl'>>, organiser: Pick<Organiser, 'webhookUrl'>): string[][] {
  const perStep: string[][] = events.map(() => []);
  const seen = new Set<string>();
  events.forEach((e, i) => {
    if (e.webhookUrl && !seen.has(e.webhookUrl)) {
      seen.add(e.webhookUrl);
      perStep[i]!.push(e.webhookUrl);
    }
  });
  if (organiser.webhookUrl && !seen.has(organiser.webhookUrl) && perStep.length > 0) perStep[0]!.push(organiser.webhookUrl);
  return perStep;
}
