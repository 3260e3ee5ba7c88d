import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { AppError, ERROR_CODES } from '../../../src/errors';
import { errorHandler, STATUS_OF } from '../../../src/http/middleware/error-handler';
import { requestContext } from '../../../src/http/middleware/request-context';
import { request } from '../../helpers/accounts';

/** The real error handler behind real routes that throw, over real HTTP. */
describe('error handler', () => {
  let server: Server;
  let baseUrl: string;
  const logged: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        logged.push(String(chunk));
        done();
      },
    });
    const app = express();
    app.use(requestContext(pino({ level: 'error' }, sink)));
    const throwInternal = () => {
      throw new AppError('internal', 'shard X is not registered');
    };
    app.get('/api/v1/boom', throwInternal);
    app.get('/boom', throwInternal);
    app.get('/api/v1/not-found', () => {
      throw new AppError('not_found', 'No event with that slug exists for your organisation.');
    });
    app.use(errorHandler);
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('never sends the text of an internal AppError to a JSON client, and logs it', async () => {
    const res = await request(baseUrl, '/api/v1/boom');
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ error: { code: 'internal', message: 'Something went wrong on our side. Please try again.' } });
    expect(res.text).not.toContain('shard X');
    expect(logged.join('\n')).toContain('shard X is not registered');
  });

  it('never shows it on an HTML error page either', async () => {
    const res = await request(baseUrl, '/boom');
    expect(res.status).toBe(500);
    expect(res.text).toContain('Something went wrong on our side');
    expect(res.text).not.toContain('shard X');
  });

  it('still sends the messages of other codes, which are written for users', async () => {
    const res = await request(baseUrl, '/api/v1/not-found');
    expect(res.status).toBe(404);
    expect(res.text).toContain('No event with that slug exists');
  });

  it('has a status for every error code', () => {
    expect(Object.keys(STATUS_OF).sort()).toEqual([...ERROR_CODES].sort());
  });
});
