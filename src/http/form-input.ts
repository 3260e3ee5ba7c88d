import type { Request } from 'express';
import type { z } from 'zod';
import { AppError } from '../errors';

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: string[] };

/**
 * Parses an HTML form body with a zod schema. Invalid input is answered by re-rendering
 * the form with these messages (status 400), so the result is returned, not thrown.
 */
export function readForm<S extends z.ZodType>(schema: S, req: Request): FormResult<z.output<S>> {
  const parsed = schema.safeParse(req.body ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, errors: [...new Set(parsed.error.issues.map((i) => i.message))] };
}

/** A numeric path id; anything else is simply not found. */
export function idParam(req: Request, name: string): number {
  const v = (req.params as Record<string, unknown>)[name];
  if (typeof v !== 'string' || !/^[1-9]\d{0,15}$/.test(v)) throw new AppError('not_found', 'There is nothing at this address.');
  return Number(v);
}

/** Fixed notices picked by a query key, so no user-controlled text is ever reflected. */
export function noticeFrom<T extends Record<string, string>>(req: Request, notices: T): string | undefined {
  const key = req.query.notice;
  return typeof key === 'string' && Object.hasOwn(notices, key) ? notices[key] : undefined;
}

/** Errors a form shows inline (with this status) instead of on a bare error page. */
export function inlineError(err: unknown, codes: AppError['code'][]): AppError | undefined {
  return err instanceof AppError && codes.includes(err.code) ? err : undefined;
}
