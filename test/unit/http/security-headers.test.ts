import express from 'express';
import request from 'supertest';
import { helmetHeaders, securityHeaders } from '../../../src/http/middleware/security-headers';

/** Headers of one answer, without the ones that differ between any two answers. */
async function headersFrom(mw: express.RequestHandler): Promise<Record<string, string>> {
  const app = express();
  app.use(mw);
  app.get('/', (_req, res) => void res.type('text/plain').send('ok'));
  const res = await request(app).get('/');
  const { date: _d, etag: _e, connection: _c, 'keep-alive': _k, ...rest } = res.headers as Record<string, string>;
  return rest;
}

describe('security headers read once from helmet', () => {
  it('are exactly what helmet itself sets on a live response', async () => {
    const ours = await headersFrom(securityHeaders);
    expect(ours).toEqual(await headersFrom(helmetHeaders));
    expect(ours['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(ours['x-frame-options']).toBe('DENY');
    expect(ours['x-content-type-options']).toBe('nosniff');
    expect(ours['strict-transport-security']).toMatch(/max-age=\d+/);
  });
});
