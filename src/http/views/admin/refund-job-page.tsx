import type { RefundJobView } from '../../../payments/refund-service';

/** Progress of "refund everyone": the page refreshes itself (meta refresh) until the job is done. */
export function RefundJobPage({ job, eventName, backHref }: { job: RefundJobView; eventName: string; backHref: string }) {
  const running = job.status === 'running';
  return (
    <section class="card narrow" role="status">
      <h1>Refunding {eventName}</h1>
      <p>
        <progress max={Math.max(job.total, 1)} value={job.refunded + job.failed} /> {job.refunded + job.failed} of {job.total} attendee(s) processed
      </p>
      <ul>
        <li>
          <span data-testid="refunded">{job.refunded}</span> refund(s) sent to Stripe, <span data-testid="confirmed">{job.confirmed}</span> confirmed
        </li>
        {job.failed > 0 && <li class="bad">{job.failed} could not be refunded</li>}
      </ul>
      {running ? <p class="muted">This page updates by itself.</p> : <p class={job.status === 'done' ? 'notice ok' : 'notice bad'}>{job.error ?? 'Done: every paid attendee is refunded.'}</p>}
      <p>
        <a href={backHref}>Back to the event</a>
      </p>
    </section>
  );
}
