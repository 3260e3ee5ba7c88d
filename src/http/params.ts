import type { Request } from 'express';
import { AppError } from '../errors';

/** A path parameter as a string (express types widen params when middleware is chained). */
export function param(req: Request, name: string): string {
  const v = (req.params as Record<string, unknown>)[name];
  if (typeof v !== 'string') throw new AppError('not_found', 'There is nothing at this address.');
  return v;
}
