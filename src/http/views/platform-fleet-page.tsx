import type { FleetJob } from '../../fleet/fleet-jobs';
import type { FleetOverview, ShardOverview } from '../../fleet/fleet-overview';
import { type AdminContext, CsrfField, FormErrors } from './admin-layout';
import { StackTable } from './stack-table';

export interface PlatformFleetPageProps {
  ctx: AdminContext;
  fleet: FleetOverview;
  /** Promotions and drains started from this console (this process), newest first. */
  jobs?: readonly FleetJob[] | undefined;
  notice?: string | undefined;
  errors?: string[] | undefined;
}

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v.toFixed(v < 10 ? 1 : 0)} ms`);
const bytes = (v: number | null) => (v === null ? '–' : v < 1024 * 1024 ? `${Math.round(v / 1024)} KB` : `${(v / 1024 / 1024).toFixed(1)} MB`);

function ShardRow({ s, csrf }: { s: ShardOverview; csrf: string }) {
  return (
    <tr>
      <td>
        <code>{s.name}</code>
      </td>
      <td data-label="Provider">{s.provider}</td>
      <td data-label="Pool">{s.dedicated ? 'dedicated' : 'shared'}</td>
      <td data-label="Status">
        <span class={s.status === 'active' && !s.draining ? 'badge ok' : 'badge bad'}>{s.draining ? 'draining' : s.status}</span>
      </td>
      <td data-label="Health">{s.healthy ? 'ok' : (s.problem ?? 'unreachable')}</td>
      <td data-label="Events">{s.events}</td>
      <td data-label="Size">{bytes(s.sizeBytes)}</td>
      <td data-label="Schema">v{s.schemaVersion}</td>
      <td data-label="Batch p50/p99">
        {ms(s.writer?.batchP50Ms)} / {ms(s.writer?.batchP99Ms)}
      </td>
      <td data-label="Queue">{s.writer?.depth ?? 0}</td>
      <td data-label="In flight">{s.writer?.inFlight ?? 0}</td>
      <td data-label="Sales/s">{(s.writer?.load ?? 0).toFixed(1)}</td>
      <td>
        {s.status !== 'retired' && (
          <form method="post" action={`/platform/fleet/shards/${s.name}/drain`}>
            <CsrfField token={csrf} />
            <button type="submit" class="secondary">
              Drain
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}

const JOB_STATE = { running: 'running', done: 'done', failed: 'failed' } as const;

/** Promotions and drains with their steps, as the terminal prints them; the page refreshes itself while one runs. */
function FleetJobsSection({ jobs }: { jobs: readonly FleetJob[] }) {
  if (jobs.length === 0) return null;
  return (
    <section class="card" aria-live="polite">
      <h2>Promotions and drains</h2>
      {jobs.map((j) => (
        <details open={j.state !== 'done'} class="fleet-job">
          <summary>
            {j.kind === 'promote' ? 'Promote' : 'Drain'} <code>{j.target}</code>{' '}
            <span class={j.state === 'failed' ? 'badge bad' : 'badge ok'}>{JOB_STATE[j.state]}</span>{' '}
            <span class="muted small">
              started {j.startedAt.slice(11, 19)} UTC{j.finishedAt ? `, ended ${j.finishedAt.slice(11, 19)} UTC` : ''}
            </span>
          </summary>
          {j.error && <p class="notice bad">{j.error}</p>}
          {j.lines.length > 0 ? (
            <ol class="small">
              {j.lines.map((line) => (
                <li>{line}</li>
              ))}
            </ol>
          ) : (
            <p class="muted small">{j.kind === 'promote' ? 'Provisioning the dedicated shard…' : 'Starting…'}</p>
          )}
        </details>
      ))}
    </section>
  );
}

/** The fleet: every shard with its live figures, where each event lives, moves, and the fleet actions. */
export function PlatformFleetPage(p: PlatformFleetPageProps) {
  const targets = p.fleet.shards.filter((s) => s.status === 'active' && !s.draining);
  return (
    <>
      <section class="card">
        <h1>Shards</h1>
        {p.notice && <p class="notice ok">{p.notice}</p>}
        <FormErrors errors={p.errors} />
        <p class="muted small">
          Live figures (batch latency, queue, in flight, sales per second) combine each shard's writers in {p.fleet.processes === 1 ? '1 app process' : `${p.fleet.processes} app processes`}.
        </p>
        <StackTable headers={['Name', 'Provider', 'Pool', 'Status', 'Health', 'Events', 'Size', 'Schema', 'Batch p50/p99', 'Queue', 'In flight', 'Sales/s', '']}>
          {p.fleet.shards.map((s) => (
            <ShardRow s={s} csrf={p.ctx.csrfToken} />
          ))}
        </StackTable>
      </section>
      <section class="card">
        <h2>Event directory</h2>
        <StackTable headers={['Event', 'Shard', 'Status', 'Generation', 'Move to', 'Promote']}>
          {p.fleet.directory.map((e) => (
            <tr>
              <td>
                <code>{e.slug}</code>
              </td>
              <td data-label="Shard">{e.shard}</td>
              <td data-label="Status">{e.status}</td>
              <td data-label="Generation">{e.generation}</td>
              <td data-label="Move to">
                <form method="post" action={`/platform/fleet/events/${e.slug}/move`}>
                  <CsrfField token={p.ctx.csrfToken} />
                  <select name="shard" aria-label={`Shard for ${e.slug}`}>
                    {targets
                      .filter((s) => s.name !== e.shard)
                      .map((s) => (
                        <option value={s.name}>{s.name}</option>
                      ))}
                  </select>{' '}
                  <button type="submit">Move</button>
                </form>
              </td>
              <td data-label="Promote">
                <form method="post" action={`/platform/fleet/events/${e.slug}/promote`}>
                  <CsrfField token={p.ctx.csrfToken} />
                  <button type="submit" class="secondary">
                    Promote
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </StackTable>
      </section>
      <FleetJobsSection jobs={p.jobs ?? []} />
      <section class="card">
        <h2>Moves</h2>
        {p.fleet.moves.length === 0 ? (
          <p class="muted">No event has moved yet.</p>
        ) : (
          <StackTable headers={['Event id', 'From', 'To', 'Step', 'Busy for', 'Started', 'Problem']}>
            {p.fleet.moves.map((m) => (
              <tr>
                <td>{m.eventId}</td>
                <td data-label="From">{m.fromShard}</td>
                <td data-label="To">{m.toShard}</td>
                <td data-label="Step">{m.step}</td>
                <td data-label="Busy for">{ms(m.frozenMs)}</td>
                <td data-label="Started">{m.startedAt}</td>
                <td data-label="Problem">{m.lastError ?? ''}</td>
              </tr>
            ))}
          </StackTable>
        )}
      </section>
    </>
  );
}
