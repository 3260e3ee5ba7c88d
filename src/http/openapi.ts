import { z } from 'zod';
import { multiBookingSchema, singleBookingSchema } from '../domain/bookings/booking-input';
import { createEventSchema, patchEventSchema } from '../domain/events/event-input';
import { ERROR_CODES } from '../errors';

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: [...ERROR_CODES] },
        message: { type: 'string' },
        issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
};

const bookingResponse = {
  type: 'object',
  properties: {
    booking: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        tickets: {
          type: 'array',
          items: { type: 'object', properties: { token: { type: 'string' }, url: { type: 'string' }, event: { type: 'string' }, quantity: { type: 'integer' }, date: { type: ['string', 'null'] } } },
        },
      },
    },
  },
};

const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]));

const body = (ref: string) => ({ required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const slugParam = { name: 'slug', in: 'path', required: true, schema: { type: 'string' } };
const bearer = [{ bearer: [] }];

/** OpenAPI 3.1 of the JSON API; request bodies come straight from the zod schemas the routes use. */
const holdSchema = { type: 'object', required: ['id', 'expiresAt'], properties: { id: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } } };

/** Free: the tickets. Paid: the Stripe Checkout URL, or 202 while Stripe's rate makes the checkout wait (the tickets stay held). */
const bookingResponses = {
  '201': {
    description: 'booked (free) or held with its checkout URL (paid)',
    content: { 'application/json': { schema: { oneOf: [{ $ref: '#/components/schemas/BookingResponse' }, { $ref: '#/components/schemas/CheckoutResponse' }] } } },
  },
  '202': { description: 'held; poll statusUrl for the checkout URL', content: { 'application/json': { schema: { $ref: '#/components/schemas/PreparingResponse' } } } },
};

export function buildOpenApiDocument(publicUrl: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'Boxoffice API', version: '1.0.0', description: 'Ticket reservations. Errors are {"error":{"code","message","issues"?}}.' },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: errorSchema,
        SingleBooking: json(singleBookingSchema),
        MultiBooking: json(multiBookingSchema),
        CreateEvent: json(createEventSchema),
        PatchEvent: json(patchEventSchema),
        BookingResponse: bookingResponse,
        CheckoutResponse: {
          type: 'object',
          required: ['checkoutUrl', 'holdExpiresAt'],
          properties: { checkoutUrl: { type: 'string', format: 'uri' }, holdExpiresAt: { type: 'string', format: 'date-time' }, hold: holdSchema },
        },
        PreparingResponse: { type: 'object', required: ['hold', 'statusUrl'], properties: { hold: holdSchema, statusUrl: { type: 'string', format: 'uri' } } },
      },
    },
    paths: {
      '/payment/status/{hold}': {
        get: {
          summary: 'A held paid booking: {"status":"ready","checkoutUrl"} once its checkout exists, else preparing, paid or expired (send Accept: application/json)',
          parameters: [{ name: 'hold', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: '{"status",…}' }, ...errors(404) },
        },
      },
      '/api/v1/events': { get: { summary: 'Active public events', responses: { '200': { description: '{"events":[…]}' } } } },
      '/api/v1/events/{slug}': { get: { summary: 'One event', parameters: [slugParam], responses: { '200': { description: '{"event":{…}}' }, ...errors(404) } } },
      '/api/v1/events/{slug}/bookings': {
        post: {
          summary: 'Book an event (send Idempotency-Key to make retries safe). A paid event holds the tickets and answers with Stripe Checkout',
          parameters: [slugParam],
          requestBody: body('SingleBooking'),
          responses: { ...bookingResponses, ...errors(400, 404, 409, 415, 503) },
        },
      },
      '/api/v1/bookings': {
        post: {
          summary: 'Book several events at once, all or nothing (paid: one checkout for all)',
          requestBody: body('MultiBooking'),
          responses: { ...bookingResponses, ...errors(400, 404, 409, 415, 503) },
        },
      },
      '/api/v1/admin/events': {
        get: { summary: "The caller's events", security: bearer, responses: { '200': { description: '{"events":[…]}' }, ...errors(401, 403) } },
        post: { summary: 'Create an event', security: bearer, requestBody: body('CreateEvent'), responses: { '201': { description: '{"event":{…}}' }, ...errors(400, 401, 403, 409) } },
      },
      '/api/v1/admin/events/{slug}': {
        get: { summary: 'One event', security: bearer, parameters: [slugParam], responses: { '200': { description: '{"event":{…}}' }, ...errors(401, 404) } },
        patch: { summary: 'Change an event', security: bearer, parameters: [slugParam], requestBody: body('PatchEvent'), responses: { '200': { description: '{"event":{…}}' }, ...errors(400, 401, 404, 409) } },
        delete: { summary: 'Delete an event and its attendees', security: bearer, parameters: [slugParam], responses: { '204': { description: 'deleted' }, ...errors(401, 404) } },
      },
      '/api/v1/admin/events/{slug}/attendees': {
        get: { summary: 'Attendees, decrypted with the caller’s key', security: bearer, parameters: [slugParam], responses: { '200': { description: '{"attendees":[…]}' }, ...errors(401, 403, 404) } },
      },
      '/api/v1/admin/events/{slug}/attendees.csv': {
        get: { summary: 'Attendees as CSV', security: bearer, parameters: [slugParam], responses: { '200': { description: 'text/csv' }, ...errors(401, 403, 404) } },
      },
      '/api/v1/admin/tickets/{token}/check-in': {
        post: { summary: 'Check a ticket in', security: bearer, parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: '{"status","quantity"}' }, ...errors(401, 404) } },
      },
    },
  };
}
