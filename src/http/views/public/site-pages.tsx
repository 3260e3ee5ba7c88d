import type { Organiser } from '../../../catalog/organiser-store';
import { Layout } from '../layout';
import { renderDocument } from '../render';

export type SiteSection = 'home' | 'events' | 'terms' | 'contact';

const LINKS: Array<[SiteSection, string, string]> = [
  ['home', '', 'Home'],
  ['events', '/events', 'Events'],
  ['terms', '/terms', 'Terms'],
  ['contact', '/contact', 'Contact'],
];

export const siteTitle = (o: Organiser): string => o.siteTitle.trim() || o.name;

/** The organiser mini-site's links, shown in the header of each of its pages. */
export function SiteNav({ organiser, current }: { organiser: Organiser; current: SiteSection }) {
  return (
    <nav aria-label={siteTitle(organiser)}>
      {LINKS.map(([key, path, label]) => (
        <a href={`/o/${organiser.slug}${path}`} aria-current={key === current ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

const TEXT: Record<Exclude<SiteSection, 'events'>, { title: (o: Organiser) => string; body: (o: Organiser) => string; empty: string }> = {
  home: { title: siteTitle, body: (o) => o.homeText, empty: '' },
  terms: { title: () => 'Terms and conditions', body: (o) => o.terms, empty: 'There are no special terms for these bookings.' },
  contact: { title: () => 'Contact', body: (o) => o.contactText, empty: 'Contact details have not been published yet.' },
};

/** Home, terms and contact: plain text written by the organiser, line breaks kept. */
export function renderSiteTextPage(organiser: Organiser, section: Exclude<SiteSection, 'events'>): string {
  const t = TEXT[section];
  const body = t.body(organiser).trim();
  return renderDocument(
    <Layout title={t.title(organiser)} nav={<SiteNav organiser={organiser} current={section} />} brand={{ name: siteTitle(organiser), href: `/o/${organiser.slug}`, accentColor: organiser.accentColor }}>
      <section class="card narrow site-text">
        <h1>{t.title(organiser)}</h1>
        {body ? <div class="pre">{body}</div> : t.empty && <p class="muted">{t.empty}</p>}
        {section === 'home' && (
          <p>
            <a class="button" href={`/o/${organiser.slug}/events`}>
              See events and book
            </a>
          </p>
        )}
      </section>
    </Layout>,
  );
}

export function renderNoEventsPage(organiser: Organiser): string {
  return renderDocument(
    <Layout title="Events" nav={<SiteNav organiser={organiser} current="events" />} brand={{ name: siteTitle(organiser), href: `/o/${organiser.slug}`, accentColor: organiser.accentColor }}>
      <section class="card narrow">
        <h1>Events</h1>
        <p class="muted">Nothing is on sale right now. Please check back soon.</p>
      </section>
    </Layout>,
  );
}
