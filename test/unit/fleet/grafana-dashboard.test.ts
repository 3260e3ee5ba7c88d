import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createMetrics } from '../../../src/infra/metrics';

/** The Grafana dashboard under ops/ only queries series that /metrics really exports. */
describe('ops/grafana/boxoffice-fleet.json', () => {
  it('is valid JSON whose every metric exists in the app registry', async () => {
    const dash = JSON.parse(readFileSync(path.join(__dirname, '../../../ops/grafana/boxoffice-fleet.json'), 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const metrics = createMetrics();
    // The series names a scrape really has: a histogram's are its _bucket, _sum and _count.
    const known = new Set(
      (await metrics.registry.getMetricsAsJSON()).flatMap((m) => (String(m.type) === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name])),
    );
    // Every boxoffice_ name in an expression, whatever follows it ({…}, [range], ')' or the end).
    const used = new Set(dash.panels.flatMap((p) => p.targets.flatMap((t) => [...t.expr.matchAll(/\bboxoffice_[a-z0-9_]+/g)].map((m) => m[0]))));
    expect(used.size).toBeGreaterThan(8);
    for (const name of ['boxoffice_event_moves_total', 'boxoffice_tickets_sold_total']) expect(used).toContain(name);
    for (const name of used) expect(known).toContain(name);
  });
});
