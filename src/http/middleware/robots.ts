import type { RequestHandler } from 'express';

/**
 * Only the public booking pages (`/ticket/slug…`, not the confirmation) and organisers'
 * mini-sites may be indexed; everything else (admin, tickets, check-in, API) says noindex.
 */
export const INDEXABLE = (path: string): boolean => (path.startsWith('/ticket/') && !path.startsWith('/ticket/reserved')) || path.startsWith('/o/');

export const robotsHeader: RequestHandler = (req, res, next) => {
  res.setHeader('X-Robots-Tag', INDEXABLE(req.path) ? 'index, follow' : 'noindex, nofollow');
  next();
};

export const ROBOTS_TXT = ['User-agent: *', 'Disallow: /ticket/reserved', 'Allow: /ticket/', 'Allow: /o/', 'Disallow: /', ''].join('\n');
