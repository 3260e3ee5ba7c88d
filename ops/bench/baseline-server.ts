// Scenario 1's server: the booking route minus the booking. Same framework, same body parser,
// a zod schema of the same contract body and a 201 of about the same size, so the ratio in
// scenario 2 measures what the real work (admission, encryption, durable commit) costs.
// Runs as its own child process so it gets a core of its own, like the app does.
import { randomBytes, randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';

// The public booking body from the contract (POST /api/v1/events/:slug/bookings).
const bookingBody = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320).optional(),
  phone: z.string().trim().max(40).optional(),
  address: z.string().trim().max(500).optional(),
  specialInstructions: z.string().trim().max(1000).optional(),
  quantity: z.number().int().min(1).max(100),
  date: z.iso.date().optional(),
  acceptTerms: z.boolean().optional(),
});

function error(res: Response, status: number, code: string, message: string, issues?: unknown): void {
  res.status(status).json({ error: { code, message, ...(issues ? { issues } : {}) } });
}

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '16kb' }));

app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});

app.post('/api/v1/events/:slug/bookings', (req: Request, res: Response) => {
  if (!req.is('application/json')) return error(res, 415, 'unsupported_media_type', 'Send application/json');
  const parsed = bookingBody.safeParse(req.body);
  if (!parsed.success) return error(res, 400, 'invalid_request', 'Invalid booking', parsed.error.issues);
  const slug = String(req.params.slug);
  // A ticket token of the same length class as a real one (opaque, URL-safe).
  const token = randomBytes(24).toString('base64url');
  res.status(201).json({
    booking: {
      id: randomUUID(),
      tickets: [{ token, url: `http://localhost/t/${token}`, event: slug, quantity: parsed.data.quantity }],
    },
  });
});

// Malformed JSON and oversized bodies answer like the contract says, never a 5xx.
app.use((err: { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
  if (err.type === 'entity.too.large') return error(res, 413, 'payload_too_large', 'Body too large');
  if (err.status && err.status < 500) return error(res, 400, 'invalid_request', 'Malformed JSON');
  error(res, 500, 'internal', 'Internal error');
});

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';
const server = app.listen(port, host);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
