import type { RenderedEmail } from './ticket-email';

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** What an invite email says, sealed in the catalog's outbox until it is sent (rendered by the email worker). */
export interface InviteEmailSpec {
  to: string;
  organiserName: string;
  link: string;
  /** Unix ms. */
  expiresAt: number;
}

export function renderInviteEmail(to: string, organiserName: string, link: string, expiresAt: Date): RenderedEmail {
  const until = expiresAt.toLocaleDateString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
  const subject = `You're invited to manage ${organiserName} on Boxoffice`;
  const text = [
    'Hello,',
    '',
    `You've been invited to help manage events for ${organiserName}.`,
    `Open this link to accept (it works once, until ${until}):`,
    link,
    '',
    'If you did not expect this, ignore this email.',
  ].join('\n');
  const body = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">
<p>Hello,</p><p>You've been invited to help manage events for <strong>${html(organiserName)}</strong>.</p>
<p><a href="${html(link)}">Accept the invitation</a> (it works once, until ${html(until)}).</p>
<p style="color:#666">If you did not expect this, ignore this email.</p></body></html>`;
  return { to, subject, text, html: body, ics: null };
}
