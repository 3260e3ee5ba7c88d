import type { SalesDay } from '../../../bookings/sales-overview';

const W = 600;
const H = 160;
const PAD = { left: 28, right: 8, top: 10, bottom: 22 };

/**
 * Tickets booked per day as bars, drawn on the server (no script, no inline style: the CSP
 * allows neither). Named "Sales over time" for screen readers, with a table fallback.
 */
export function SalesChart({ days }: { days: SalesDay[] }) {
  if (days.length === 0) return <p class="muted small">No sales yet: the chart starts with the first booking.</p>;
  const max = Math.max(...days.map((d) => d.tickets), 1);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / days.length;
  const barW = Math.max(2, Math.min(40, step * 0.7));
  const total = days.reduce((n, d) => n + d.tickets, 0);
  const label = `Sales over time: ${total} tickets over ${days.length} day${days.length === 1 ? '' : 's'}, most on one day ${max}.`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Sales over time" xmlns="http://www.w3.org/2000/svg">
        <title>Sales over time</title>
        <desc>{label}</desc>
        <line class="axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <text x={PAD.left - 4} y={PAD.top + 8} text-anchor="end">
          {max}
        </text>
        <text x={PAD.left - 4} y={H - PAD.bottom} text-anchor="end">
          0
        </text>
        {days.map((d, i) => {
          const h = (d.tickets / max) * plotH;
          const x = PAD.left + i * step + (step - barW) / 2;
          return (
            <rect class="bar" x={x.toFixed(1)} y={(H - PAD.bottom - h).toFixed(1)} width={barW.toFixed(1)} height={h.toFixed(1)}>
              <title>{`${d.day}: ${d.tickets} ticket${d.tickets === 1 ? '' : 's'}`}</title>
            </rect>
          );
        })}
        <text x={PAD.left} y={H - 6}>
          {days[0]!.day}
        </text>
        {days.length > 1 && (
          <text x={W - PAD.right} y={H - 6} text-anchor="end">
            {days[days.length - 1]!.day}
          </text>
        )}
      </svg>
      <figcaption class="small muted">{label}</figcaption>
    </figure>
  );
}
