import type { TicketEmailSpec } from '../email/ticket-email';

/**
 * The sealed body of a free single-event booking's confirmation: only whom to write to. The
 * address and name must be readable by the worker (the attendee's PII envelope opens only
 * with the organiser's key), so they are sealed with ROOT_KEY; everything else the email says
 * (tickets, event, organiser) the worker reads from the attendee, event and organiser rows
 * when it sends, so the booking's request builds no spec, hashes no reference and seals
 * a few dozen bytes instead of the whole message.
 */
export interface ConfirmationAddress {
  v: 2;
  to: string;
  name: string;
}

/** What an email-outbox body opens to: a full spec (paid confirmations, multi-event bookings, re-sends) or an address. */
export type EmailBody = TicketEmailSpec | ConfirmationAddress;

export const confirmationAddress = (to: string, name: string): ConfirmationAddress => ({ v: 2, to, name });

export const isConfirmationAddress = (body: EmailBody): body is ConfirmationAddress => body.v === 2;
