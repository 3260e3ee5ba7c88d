import { Layout } from '../layout';
import { renderDocument } from '../render';

const FEATURES: Array<[string, string]> = [
  ['Booking pages', 'One link per event, group or set of events, made for phones and embeddable in your own site.'],
  ['Tickets with QR codes', 'Every booking gets its own ticket link, checked in at the door from any phone.'],
  ['Private by design', "Attendees' details are encrypted so that only the organiser can read them."],
];

/**
 * `/` when the platform hosts several organisers (or none yet): what Boxoffice is, and the
 * way in for organisers. Buyers arrive on booking links, so this page names no organiser.
 */
export function renderHomePage(): string {
  return renderDocument(
    <Layout title="Tickets for your events" nav={<nav aria-label="Boxoffice"><a href="/admin/login">Organiser log in</a></nav>}>
      <section class="card narrow home">
        <h1>Boxoffice</h1>
        <p class="lead">Ticket booking for events of every size: free or paid, one-off or daily.</p>
        <ul class="home-features">
          {FEATURES.map(([title, text]) => (
            <li>
              <strong>{title}</strong>
              <span class="muted">{text}</span>
            </li>
          ))}
        </ul>
        <p class="muted small">Looking for tickets? Use the booking link the event's organiser gave you.</p>
        <a class="button block" href="/admin/login">
          Organiser log in
        </a>
      </section>
    </Layout>,
  );
}
