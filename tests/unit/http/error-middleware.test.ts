import express from 'express';
import request from 'supertest';
import { errorHandler } from '../../../src/http/error-middleware';
import { createLogger } from '../../../src/logger';

/** The one place errors become answers: nothing of the server's inside (paths, values) leaks out. */
describe('error middleware', () => {
  const appThrowing = (err: unknown) => {
    const app = express();
    app.get('/x', (_req, _res, next) => next(err));
    app.use(errorHandler(createLogger('silent')));
    return app;
  };

  it("answers express's own 404 (a file that send() could not find) as not_found, without the server path", async () => {
    const err = Object.assign(new Error("ENOENT: no such file or directory, stat '/srv/aftercare/public/build/chat-widget.js'"), { status: 404, statusCode: 404, code: 'ENOENT' });
    const res = await request(appThrowing(err)).get('/x');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(JSON.stringify(res.body)).not.toMatch(/srv|ENOENT|public/);
  });

  it('maps a MongoDB duplicate key from any service to 409 naming the field, not the value', async () => {
    const err = Object.assign(new Error('E11000 duplicate key error collection: t.agents index: email_1 dup key: { email: "a@b.c" }'), { name: 'MongoServerError', code: 11000, keyPattern: { email: 1 }, keyValue: { email: 'a@b.c' } });
    const res = await request(appThrowing(err)).get('/x');
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({ code: 'duplicate', message: 'A record with this unique value exists already', details: { fields: ['email'] } });
  });
});
