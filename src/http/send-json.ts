import type { Response } from 'express';

/**
 * A JSON answer written straight to the socket. `res.json` also hashes every body for an ETag
 * and checks freshness, which no POST answer can use; the booking routes answer thousands of
 * times a second, so they skip that work. Same body, status and content type as `res.json`.
 */
export function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
