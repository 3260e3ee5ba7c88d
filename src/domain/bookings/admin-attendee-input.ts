import { z } from 'zod';
import type { ContactField } from '../events/event';
import { EMAIL, EVENT_SLUG } from '../inputs';
import { isoDate } from './booking-input';

/**
 * What an organiser types about an attendee (walk-in, comp, correction). Messages are
 * written for the person at the desk: "Please enter a name", not "name is required".
 */
const optionalText = (max: number, what: string) => z.string().trim().max(max, `Please keep the ${what} under ${max} characters.`).optional();

export const contactPatchSchema = z
  .object({
    name: z.string({ error: 'Please enter a name.' }).trim().min(1, 'Please enter a name.').max(200, 'Please keep the name under 200 characters.'),
    email: optionalText(254, 'email address').refine((v) => !v || EMAIL.test(v), 'Please enter an email address like name@example.com.'),
    phone: optionalText(40, 'phone number').refine((v) => !v || /^[+\d][\d\s\-()]{5,}$/.test(v), 'Please enter a phone number of digits, spaces, dashes or brackets.'),
    address: optionalText(250, 'address'),
    specialInstructions: optionalText(250, 'note'),
  })
  .partial()
  .strict();

const quantity = z
  .number({ error: 'Please enter how many tickets, as a number.' })
  .int('Please enter a whole number of tickets.')
  .min(1, 'Please add at least 1 ticket.')
  .max(1000, 'Please add at most 1000 tickets at a time.');

/** POST …/attendees: a walk-in or comp. */
export const addAttendeeSchema = contactPatchSchema
  .extend({
    name: z.string({ error: 'Please enter a name.' }).trim().min(1, 'Please enter a name.').max(200, 'Please keep the name under 200 characters.'),
    quantity,
    date: isoDate.optional(),
  })
  .strict();
export type AddAttendeeInput = z.infer<typeof addAttendeeSchema>;

/**
 * PATCH …/attendees/:id: new contact details, a new ticket count (`quantity`, checked against
 * capacity), and/or `event` (another slug) to move it.
 */
export const editAttendeeSchema = contactPatchSchema
  .extend({
    event: z.string().regex(EVENT_SLUG, 'Please choose an event from the list.').optional(),
    date: isoDate.optional(),
    quantity: quantity.optional(),
  })
  .strict();
export type EditAttendeeInput = z.infer<typeof editAttendeeSchema>;

export interface ContactDetails {
  name: string;
  email?: string | undefined;
  phone?: string | undefined;
  address?: string | undefined;
  specialInstructions?: string | undefined;
}

const FIELD_PROMPT: Record<ContactField, string> = {
  email: 'Please enter an email address: this event asks for one.',
  phone: 'Please enter a phone number: this event asks for one.',
  address: 'Please enter an address: this event asks for one.',
  specialInstructions: 'Please enter the note: this event asks for one.',
};

/** The event's required contact fields that are empty, as issues next to those fields. */
export function missingContactFields(fields: readonly ContactField[], c: ContactDetails): Array<{ path: string; message: string }> {
  return fields.filter((f) => !c[f]).map((f) => ({ path: f, message: FIELD_PROMPT[f] }));
}
