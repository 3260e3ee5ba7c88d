import type { FleetJob } from '../../fleet/fleet-jobs';
import type { FleetOverview, MoveOverview, ShardOverview } from '../../fleet/fleet-overview';
import { type AdminContext, CsrfField, FormErrors } from './admin-layout';
import { StackTable } from './stack-table';
import { When } from './when';

export interface PlatformFleetPageProps {
  ctx: AdminContext;
  fleet: FleetOverview;
  /** Moves, promotions and drains started from this console, newest first. */
  jobs?: readonly FleetJob[] | undefined;
  notice?: string | undefined;
  errors?: string[] | undefined;
  /** The clock the relative times are read against (tests pin it). */
  now?: number;
}

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v.toFixed(v < 10 ? 1 : 0)} ms`);
const bytes = (v: number | null) => (v === null ? '–' : v < 1024 * 1024 ? `${Math.round(v / 1024)} KB` : `${(v / 1024 / 1024).toFixed(1)} MB`);

function ShardRow({ s }: { s: ShardOverview }) {
  return (
    <tr>
      <td>
        <code class="shard-name">{s.name}</code>
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
      <td data-label="Writes/s">{(s.writer?.load ?? 0).toFixed(1)}</td>
      <td>
        {s.status !== 'retired' && (
          // Irreversible: the link opens a page that asks for the shard's name.
          <a class="button secondary small" href={`/platform/fleet/shards/${s.name}/drain`}>
            Drain…
          </a>
        )}
      </td>
    </tr>
  );
}

const JOB_KIND = { move: 'Move', promote: 'Promote', drain: 'Drain' } as const;
const JOB_WAITING = { move: 'Starting the move…', promote: 'Provisioning the dedicated shard…', drain: 'Starting…' } as const;

/** Moves, promotions and drains with their steps, as the terminal prints them; the page refreshes itself while one runs. */
function FleetJobsSection({ jobs, now }: { jobs: readonly FleetJob[]; now: number }) {
  if (jobs.length === 0) return null;
  return (
    <section class="card" aria-live="polite">
      <h2>Started from this console</h2>
      {jobs.map((j) => (
        <details open={j.state !== 'done'} class="fleet-job">
          <summary>
            {JOB_KIND[j.kind]} <code>{j.target}</code> <span class={j.state === 'failed' ? 'badge bad' : 'badge ok'}>{j.state}</span>{' '}
            <span class="muted small">
              started <When iso={j.startedAt} now={now} />
              {j.finishedAt && (
                <>
                  , ended <When iso={j.finishedAt} now={now} />
                </>
              )}
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
            <p class="muted small">{JOB_WAITING[j.kind]}</p>
          )}
        </details>
      ))}
    </section>
  );
}

const MOVE_STATE: Record<MoveOverview['state'], { text: string; badge: string }> = {
  done: { text: 'done', badge: 'badge ok' },
  running: { text: 'running', badge: 'badge warn' },
  failed: { text: 'failed', badge: 'badge bad' },
  interrupted: { text: 'interrupted', badge: 'badge bad' },
};

/** Runs the same move again: the mover resumes from the last step it recorded. */
function ResumeForm({ m, csrf }: { m: MoveOverview; csrf: string }) {
  if (m.slug === null) return null;
  return (
    <form method="post" action={`/platform/fleet/events/${m.slug}/move`} class="fleet-form">
      <CsrfField token={csrf} />
      <input type="hidden" name="shard" value={m.toShard} />
      <button type="submit" class="small">
        Resume
      </button>
    </form>
  );
}

function MovesSection({ moves, csrf, now }: { moves: readonly MoveOverview[]; csrf: string; now: number }) {
  return (
    <section class="card">
      <h2>Moves</h2>
      {moves.length === 0 ? (
        <p class="muted">No event has moved yet.</p>
      ) : (
        <StackTable headers={['Event', 'From', 'To', 'Step', 'State', 'Busy for', 'Started', 'Problem', '']}>
          {moves.map((m) => (
            <tr>
              <td>{m.slug === null ? <span class="muted">deleted event {m.eventId}</span> : <code>{m.slug}</code>}</td>
              <td data-label="From">{m.fromShard}</td>
              <td data-label="To">{m.toShard}</td>
              <td data-label="Step">{m.step}</td>
              <td data-label="State">
                <span class={MOVE_STATE[m.state].badge}>{m.state === 'interrupted' ? 'interrupted — Resume' : MOVE_STATE[m.state].text}</span>
              </td>
              <td data-label="Busy for">{ms(m.frozenMs)}</td>
              <td data-label="Started">
                <When iso={m.startedAt} now={now} />
              </td>
              <td data-label="Problem">{m.lastError ?? (m.state === 'interrupted' ? 'The mover stopped without a word (killed or restarted).' : '')}</td>
              <td>{(m.state === 'failed' || m.state === 'interrupted') && <ResumeForm m={m} csrf={csrf} />}</td>
            </tr>
          ))}
        </StackTable>
      )}
    </section>
  );
}

function ProvisionSection({ csrf }: { csrf: string }) {
  return (
    <section class="card">
      <h2>Provision a shard</h2>
      <form method="post" action="/platform/fleet/shards">
        <CsrfField token={csrf} />
        <div class="row2">
          <div class="field">
            <label for="shard-name">Name</label>
            <input id="shard-name" name="name" required pattern="[a-z0-9][a-z0-9\-]{0,62}" autocomplete="off" />
          </div>
          <div class="field">
            <label for="shard-provider">Provider</label>
            <select id="shard-provider" name="provider">
              <option value="local">local (a file under DATA_DIR)</option>
              <option value="bunny">bunny</option>
              <option value="turso">turso</option>
              <option value="static">static (an existing database)</option>
            </select>
          </div>
          <div class="field">
            <label for="shard-region">Region (bunny, turso)</label>
            <input id="shard-region" name="region" placeholder="DE, ams…" autocomplete="off" />
            <span class="muted small">Bunny primary region or Turso location; empty: BUNNY_REGION or TURSO_GROUP.</span>
          </div>
          <div class="field">
            <label for="shard-url">URL (static only)</label>
            <input id="shard-url" name="url" placeholder="libsql://…" autocomplete="off" />
          </div>
          <div class="field">
            <label for="shard-token">Auth token (static only)</label>
            <input id="shard-token" name="auth_token" type="password" autocomplete="off" />
          </div>
          <div class="field">
            <label class="check">
              <input type="checkbox" name="dedicated" /> Dedicated (takes only events placed on it by name)
            </label>
          </div>
        </div>
        <button type="submit">Provision</button>
      </form>
    </section>
  );
}

function CleanupSection({ fleet, csrf, now }: { fleet: FleetOverview; csrf: string; now: number }) {
  if (fleet.cleanups.length === 0) return null;
  return (
    <section class="card">
      <h2>Left-over databases</h2>
      <p class="muted small">A provisioning failed after creating these and could not delete them again.</p>
      <StackTable headers={['Shard', 'Provider', 'Database', 'Why', 'Since']}>
        {fleet.cleanups.map((c) => (
          <tr>
            <td>
              <code>{c.shardName}</code>
            </td>
            <td data-label="Provider">{c.provider}</td>
            <td data-label="Database">{c.remoteId}</td>
            <td data-label="Why">{c.reason}</td>
            <td data-label="Since">
              <When iso={c.createdAt} now={now} />
            </td>
          </tr>
        ))}
      </StackTable>
      <form method="post" action="/platform/fleet/cleanup">
        <CsrfField token={csrf} />
        <button type="submit" class="danger">
          Delete them now
        </button>
      </form>
    </section>
  );
}

/** The fleet: every shard with its live figures, where each event lives, moves, and the fleet actions. */
export function PlatformFleetPage(p: PlatformFleetPageProps) {
  const now = p.now ?? Date.now();
  const csrf = p.ctx.csrfToken;
  const targets = p.fleet.shards.filter((s) => s.status === 'active' && !s.draining);
  return (
    <div class="fleet">
      <section class="card">
        <h1>Shards</h1>
        {p.notice && <p class="notice ok">{p.notice}</p>}
        <FormErrors errors={p.errors} />
        <p class="muted small">
          Live figures combine each shard's writers in {p.fleet.processes === 1 ? '1 app process' : `${p.fleet.processes} app processes`}. Writes/s counts committed booking writes per second (one booking of several tickets is one write).
        </p>
        <StackTable headers={['Name', 'Provider', 'Pool', 'Status', 'Health', 'Events', 'Size', 'Schema', 'Batch p50/p99', 'Queue', 'In flight', 'Writes/s', '']}>
          {p.fleet.shards.map((s) => (
            <ShardRow s={s} />
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
              <td data-label="Status">
                <span class={e.status === 'active' ? 'badge ok' : 'badge warn'}>{e.status}</span>
              </td>
              <td data-label="Generation">{e.generation}</td>
              <td data-label="Move to">
                <form method="post" action={`/platform/fleet/events/${e.slug}/move`} class="fleet-form">
                  <CsrfField token={csrf} />
                  <select name="shard" aria-label={`Shard for ${e.slug}`}>
                    {targets
                      .filter((s) => s.name !== e.shard)
                      .map((s) => (
                        <option value={s.name}>{s.name}</option>
                      ))}
                  </select>
                  <button type="submit" class="small">
                    Move
                  </button>
                </form>
              </td>
              <td data-label="Promote">
                <form method="post" action={`/platform/fleet/events/${e.slug}/promote`} class="fleet-form">
                  <CsrfField token={csrf} />
                  <select name="provider" aria-label={`Provider for ${e.slug}'s dedicated shard`}>
                    <option value="">same provider</option>
                    <option value="local">local</option>
                    <option value="bunny">bunny</option>
                    <option value="turso">turso</option>
                  </select>
                  <input name="region" aria-label={`Region for ${e.slug}'s dedicated shard`} placeholder="region" autocomplete="off" size={6} />
                  <button type="submit" class="secondary small">
                    Promote
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </StackTable>
      </section>
      <FleetJobsSection jobs={p.jobs ?? []} now={now} />
      <MovesSection moves={p.fleet.moves} csrf={csrf} now={now} />
      <ProvisionSection csrf={csrf} />
      <CleanupSection fleet={p.fleet} csrf={csrf} now={now} />
    </div>
  );
}
