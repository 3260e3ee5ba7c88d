import type { RequestHandler } from 'express';

/**
 * Several small middlewares that every request runs, as one router layer. Each layer costs the
 * router a match, closures and a `next` round of its own on every request, thousands of times
 * a second during an on-sale; these only set headers or answer at once. Each still decides
 * for itself: one that answers (or fails) stops the rest, exactly as separate layers would.
 */
export function inOneLayer(...handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err) {
        next(err);
        return;
      }
      const handler = handlers[i++];
      if (!handler) {
        next();
        return;
      }
      try {
        const r: unknown = handler(req, res, step);
        if (r instanceof Promise) r.catch(next);
      } catch (e) {
        next(e);
      }
    };
    step();
  };
}
