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
    const known = new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
    const used = new Set(dash.panels.flatMap((p) => p.targets.flatMap((t) => [...t.expr.matchAll(/\b(boxoffice_[a-z_]+?)(?:_bucket|_sum|_count)?\{/g)].map((m) => m[1]!))));
    expect(used.size).toBeGreaterThan(8);
    for (const name of used) expect(known).toContain(name);
  });
});
