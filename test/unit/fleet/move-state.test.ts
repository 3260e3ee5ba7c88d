import { MOVE_STALE_MS } from '../../../src/fleet/event-mover';
import { moveState } from '../../../src/fleet/fleet-overview';
import { absoluteTime, relativeTime } from '../../../src/http/views/when';

const NOW = Date.parse('2026-12-01T18:00:00.000Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

/** How the console reads a move row: a killed mover leaves no error, only a heartbeat that stops. */
describe('moveState', () => {
  it('is done once the last step is recorded, whatever the heartbeat says', () => {
    expect(moveState({ step: 'done', lastError: null, updatedAt: ago(10 * MOVE_STALE_MS) }, NOW)).toBe('done');
  });
  it('is failed when the mover recorded an error', () => {
    expect(moveState({ step: 'frozen', lastError: 'The copy does not match', updatedAt: ago(0) }, NOW)).toBe('failed');
  });
  it('is running while the heartbeat is fresh, interrupted once it is older than MOVE_STALE_MS', () => {
    expect(moveState({ step: 'copied', lastError: null, updatedAt: ago(MOVE_STALE_MS - 1000) }, NOW)).toBe('running');
    expect(moveState({ step: 'copied', lastError: null, updatedAt: ago(MOVE_STALE_MS + 1000) }, NOW)).toBe('interrupted');
  });
});

describe('relativeTime', () => {
  it.each([
    [2_000, 'just now'],
    [42_000, '42 s ago'],
    [5 * 60_000, '5 min ago'],
    [3 * 3_600_000, '3 h ago'],
    [3 * 86_400_000, '2026-11-28 18:00:00 UTC'],
  ])('%d ms ago reads %s', (ms, text) => {
    expect(relativeTime(ago(ms), NOW)).toBe(text);
  });
  it('gives the exact UTC time for the title, and leaves unreadable text alone', () => {
    expect(absoluteTime('2026-12-01T18:00:05.123Z')).toBe('2026-12-01 18:00:05 UTC');
    expect(relativeTime('not a time', NOW)).toBe('not a time');
  });
});
