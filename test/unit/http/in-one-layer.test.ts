import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { inOneLayer } from '../../../src/http/middleware/in-one-layer';

const header =
  (name: string): RequestHandler =>
  (_req, res, next) => {
    res.setHeader(name, 'yes');
    next();
  };

function appWith(layer: RequestHandler) {
  const app = express();
  app.use(layer);
  app.get('/', (_req, res) => void res.send('handler'));
  app.use(((err, _req, res, _next) => void res.status(418).send(String((err as Error).message))) as express.ErrorRequestHandler);
  return app;
}

describe('inOneLayer', () => {
  it('runs every middleware in order, then the routes', async () => {
    const order: string[] = [];
    const note =
      (n: string): RequestHandler =>
      (_req, _res, next) => {
        order.push(n);
        next();
      };
    const res = await request(appWith(inOneLayer(note('a'), header('x-a'), note('b'), header('x-b')))).get('/');
    expect(res.text).toBe('handler');
    expect(res.headers['x-a']).toBe('yes');
    expect(res.headers['x-b']).toBe('yes');
    expect(order).toEqual(['a', 'b']);
  });

  it('stops at a middleware that answers, and hands errors (thrown or passed) to the error handler', async () => {
    const answers: RequestHandler = (_req, res) => void res.status(301).set('Location', '/x').end();
    const stopped = await request(appWith(inOneLayer(header('x-a'), answers, header('x-never')))).get('/');
    expect(stopped.status).toBe(301);
    expect(stopped.headers['x-never']).toBeUndefined();

    const throws: RequestHandler = () => {
      throw new Error('thrown');
    };
    const passes: RequestHandler = (_req, _res, next) => next(new Error('passed'));
    expect((await request(appWith(inOneLayer(throws, header('x-never')))).get('/')).text).toBe('thrown');
    const passed = await request(appWith(inOneLayer(passes, header('x-never')))).get('/');
    expect([passed.status, passed.text, passed.headers['x-never']]).toEqual([418, 'passed', undefined]);
  });
});
