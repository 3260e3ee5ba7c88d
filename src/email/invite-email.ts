import type { Logger } from '../lib/logger';
import type { Mailer } from './mailer';
import type { RenderedEmail } from './ticket-email';

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

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

/** Waits between attempts of one invite email; then the owner still has the link on screen. */
const RETRY_MS = [0, 5_000, 30_000];

/**
 * Invites are emailed in the background after the owner's request has been answered: the link
 * is shown on screen as well, so a lost email costs nothing but a copy-paste. (Ticket emails,
 * which have no other copy, go through the durable outbox instead.)
 */
export class InviteMail {
  constructor(
    private readonly mailer: Mailer,
    private readonly logger: Logger,
  ) {}

  send(to: string, organiserName: string, link: string, expiresAt: Date): void {
    const email = renderInviteEmail(to, organiserName, link, expiresAt);
    const attempt = (i: number): void => {
      const timer = setTimeout(async () => {
        const result = await this.mailer.send(email);
        if (result.ok) return;
        if (i + 1 < RETRY_MS.length && !result.permanent) return attempt(i + 1);
        this.logger.warn({ error: result.error, attempts: i + 1 }, 'invite.email_failed');
      }, RETRY_MS[i]);
      timer.unref();
    };
    attempt(0);
  }
}
