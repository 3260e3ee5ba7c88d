import nodemailer from 'nodemailer';
import type { Attempt } from '../outbox/leased-outbox';
import type { RenderedEmail } from './ticket-email';

/** Sends one rendered email; the outcome is an outbox attempt (errors never carry the address). */
export interface Mailer {
  send(email: RenderedEmail): Promise<Attempt>;
  close(): void;
}

interface SmtpFailure {
  code?: string;
  responseCode?: number;
}

/**
 * A recipient the server refuses outright (5xx on RCPT: no such mailbox) will not get
 * better with retries; anything else (server down, timeouts, 4xx greylisting) is retried.
 */
export function smtpAttempt(e: unknown): Attempt {
  const f = (e ?? {}) as SmtpFailure;
  const code = typeof f.code === 'string' ? f.code : 'ERROR';
  const status = typeof f.responseCode === 'number' ? f.responseCode : null;
  const permanent = status !== null && status >= 500 && (code === 'EENVELOPE' || code === 'EMESSAGE');
  return { ok: false, error: `smtp ${code}${status ? ` ${status}` : ''}`, permanent };
}

/** nodemailer over SMTP_URL (smtp:// or smtps://, credentials in the URL), from MAIL_FROM. */
export function createSmtpMailer(mail: { smtpUrl: string; from: string }): Mailer {
  const transport = nodemailer.createTransport({
    url: mail.smtpUrl,
    // A few long-lived connections: a backlog (say after an outage) goes out over them instead
    // of one TCP + SMTP handshake per email, which is what costs CPU next to the bookings.
    pool: true,
    maxConnections: 4,
    maxMessages: 500,
    // Short waits: a worker pass should not hang on a dead server; the outbox retries later.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(email) {
      try {
        await transport.sendMail({
          from: mail.from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          attachments: email.ics ? [{ filename: 'tickets.ics', content: email.ics, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }] : [],
        });
        return { ok: true };
      } catch (e) {
        return smtpAttempt(e);
      }
    },
    close() {
      transport.close();
    },
  };
}
