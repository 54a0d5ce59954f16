import { startTestApp, TestApp } from '../helpers/harness';

describe('GET /health', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: false, seed: false });
  });
  afterAll(() => app.close());

  it('answers ok with both stores up', async () => {
    const res = await app.http().get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', mongo: 'up', redis: 'up' });
  });

  it('serves the OpenAPI document generated from the request schemas', async () => {
    const res = await app.http().get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const create = res.body.paths['/api/tickets'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['channel', 'subject', 'body', 'customer']));
    expect(res.body.paths['/api/tickets/{number}'].patch.parameters[0]).toMatchObject({ name: 'number', in: 'path' });
  });

  it('answers unknown routes with the JSON error shape', async () => {
    const res = await app.http().get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
