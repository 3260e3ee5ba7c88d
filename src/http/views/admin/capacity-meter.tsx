/** Sold against capacity: the seed warns at 90 %, and so do we (amber, red when full). */
export const WARN_AT = 0.9;

export function CapacityMeter({ sold, capacity, label }: { sold: number; capacity: number; label?: string }) {
  const ratio = capacity > 0 ? Math.min(1, sold / capacity) : 1;
  const level = ratio >= 1 ? 'full' : ratio >= WARN_AT ? 'warn' : 'ok';
  const pct = Math.round(ratio * 100);
  // The CSP forbids inline styles, so the bar width is one of 21 classes (5 % steps);
  // any sale shows at least a sliver.
  const step = sold > 0 ? Math.max(5, Math.floor(pct / 5) * 5) : 0;
  return (
    <div class="capacity">
      <div class="capacity-label small">
        <span>
          <strong>{sold}</strong> / {capacity} {label ?? 'sold'}
        </span>
        {level === 'warn' && <span class="badge warn">Almost full</span>}
        {level === 'full' && <span class="badge bad">Sold out</span>}
      </div>
      <div class={`meter ${level}`} role="img" aria-label={`${pct}% of capacity sold`}>
        <span class={`w${step}`} />
      </div>
    </div>
  );
}
