import type { FormValues } from '../../public/booking-form';
import { Layout } from '../layout';
import { renderDocument } from '../render';

export interface WaitingPageProps {
  action: string;
  values: FormValues;
  retryAfterSeconds: number;
  message: string;
  embed: boolean;
}

/**
 * 503 busy: everything typed rides along in hidden fields, so the retry re-sends the same
 * booking (the same booking id: it cannot book twice). /assets/retry.js submits the form
 * after the delay; without JavaScript the button does the same.
 */
export function renderWaitingPage(p: WaitingPageProps): string {
  return renderDocument(
    <Layout title="Busy right now" embed={p.embed} scripts={['/assets/retry.js', ...(p.embed ? ['/assets/embed-frame.js'] : [])]}>
      <section class="card narrow waiting" role="status">
        <h1>Hold on a moment</h1>
        <p>{p.message}</p>
        <p>
          We will try again for you in <strong data-countdown>{p.retryAfterSeconds}</strong> seconds. Please keep this page open; your details are kept.
        </p>
        <form method="post" action={p.action} data-retry-after={String(p.retryAfterSeconds)}>
          {Object.entries(p.values).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <button type="submit" class="block">
            Try again
          </button>
        </form>
      </section>
    </Layout>,
  );
}
