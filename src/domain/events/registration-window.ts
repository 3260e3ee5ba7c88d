import type { EventRecord } from './event';

export type WindowState = 'open' | 'not_yet_open' | 'closed';

/** Registration is open between opensAt and closesAt (either may be absent). */
export function registrationWindow(e: Pick<EventRecord, 'opensAt' | 'closesAt'>, now: Date): WindowState {
  if (e.opensAt && now < new Date(e.opensAt)) return 'not_yet_open';
  if (e.closesAt && now >= new Date(e.closesAt)) return 'closed';
  return 'open';
}
