import type { EventRecord } from '../../../domain/events/event';

export interface ScannerPageProps {
  event: EventRecord;
  csrfToken: string;
  timezone: string;
}

/**
 * The camera scanner of one event. The script (dist/assets/scanner.js, jsQR bundled with
 * esbuild) reads QR codes; without a camera, a photo or the typed code works the same way.
 */
export function ScannerPage({ event, csrfToken, timezone }: ScannerPageProps) {
  return (
    <section class="card narrow" data-scanner data-scan-url={`/api/v1/admin/events/${event.slug}/scan`} data-csrf={csrfToken} data-timezone={timezone}>
      <p class="small">
        <a href={`/admin/events/${event.slug}`}>← {event.name}</a>
      </p>
      <h1>Door: {event.name}</h1>
      <div class="scan-result idle" data-result role="status" aria-live="assertive" tabindex={-1}>
        Ready to scan
      </div>
      <video id="scanner-video" playsinline muted hidden aria-label="Camera view" />
      <div class="actions">
        <button type="button" data-camera class="big">
          Start camera
        </button>
      </div>
      <div class="field">
        <label for="scan-photo">Or scan a photo of the ticket</label>
        <input id="scan-photo" type="file" accept="image/*" capture="environment" data-photo />
      </div>
      <form data-manual>
        <div class="field">
          <label for="scan-token">Or type the ticket code</label>
          <input id="scan-token" name="token" autocomplete="off" autocapitalize="off" spellcheck={false} />
        </div>
        <button type="submit" class="secondary">
          Check ticket
        </button>
      </form>
      <noscript>
        <p class="notice bad">The scanner needs JavaScript. You can still check tickets in from the attendee list.</p>
      </noscript>
    </section>
  );
}
