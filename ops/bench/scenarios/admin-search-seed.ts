// Fills an event with walk-ins through the organiser API, a few at a time, for scenario 11.

/** Walk-ins in flight at once while seeding. */
export const ADD_CONCURRENCY = 16;

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis'];
const LAST = ['Jones', 'Patel', 'Nguyen', 'Okafor'];

/**
 * Adds `n` walk-ins (one ticket each); one surname in five is `common`, and the very last
 * attendee is `rareName`. Returns how long it took, ms.
 */
export async function seedWalkIns(baseUrl: string, token: string, slug: string, n: number, common: string, rareName: string): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const nameOf = (i: number): string => {
    const surname = i % 5 === 0 ? `${common[0]!.toUpperCase()}${common.slice(1)}` : LAST[i % LAST.length]!;
    return `${FIRST[i % FIRST.length]} ${surname} ${i}`;
  };
  const add = async (name: string, i: number): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${baseUrl}/api/v1/admin/events/${slug}/attendees`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ name, email: `guest${i}@example.com`, quantity: 1 }),
      });
      await res.arrayBuffer();
      if (res.status === 201) return;
      if (res.status !== 503 || attempt > 20) throw new Error(`walk-in ${i} answered ${res.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await Promise.all(
    Array.from({ length: ADD_CONCURRENCY }, async () => {
      for (let i = next++; i < n - 1; i = next++) await add(nameOf(i), i);
    }),
  );
  await add(rareName, n - 1);
  return performance.now() - t0;
}
