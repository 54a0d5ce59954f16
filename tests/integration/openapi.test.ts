import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestApp, TestApp } from '../helpers/harness';

const ROOT = path.resolve(__dirname, '..', '..');

type Doc = {
  paths: Record<string, Record<string, Op>>;
  components: { securitySchemes: Record<string, Record<string, string>>; schemas: Record<string, unknown> };
};
type Op = {
  parameters: { name: string; in: string; schema: Record<string, unknown>; style?: string; explode?: boolean }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
  security: Record<string, string[]>[];
};

/**
 * @seriousme/openapi-schema-validator, the validator as published (ESM only, so in its own Node
 * process): the official OpenAPI 3.1 JSON schemas with Ajv.
 */
function validate(doc: unknown): { valid: boolean; errors?: unknown } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-')), 'openapi.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  const script = "import { Validator } from '@seriousme/openapi-schema-validator'; const r = await new Validator().validate(process.argv[1]); console.log(JSON.stringify(r));";
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, file], { cwd: ROOT, encoding: 'utf8' });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return JSON.parse(out);
}

describe('GET /api/openapi.json', () => {
  let app: TestApp;
  let doc: Doc;
  beforeAll(async () => {
    app = await startTestApp();
    doc = (await app.http().get('/api/openapi.json')).body;
  });
  afterAll(() => app.close());

  const ops = () => Object.entries(doc.paths).flatMap(([p, methods]) => Object.entries(methods).map(([m, op]) => ({ id: `${m.toUpperCase()} ${p}`, op })));

  it('is a valid OpenAPI 3.1 document (and the validator does refuse a broken one)', () => {
    const result = validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const broken = JSON.parse(JSON.stringify(doc));
    broken.paths['/api/tickets'].get.responses = 'none';
    expect(validate(broken).valid).toBe(false);
  });

  it('declares the raw-mail webhook: a message/rfc822 body behind X-Webhook-Secret, and what it answers', () => {
    const op = doc.paths['/webhooks/email/raw'].post;
    expect(Object.keys(op.requestBody!.content)).toEqual(['message/rfc822']);
    expect(op.security).toEqual([{ webhookSecret: [] }]);
    expect(doc.components.securitySchemes.webhookSecret).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Webhook-Secret' });
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403', '413', '415']));
  });

  it('declares how the hotline webhooks are secured: Twilio by signature, the PBX by bearer token', () => {
    const twilio = Object.entries(doc.paths).filter(([p]) => p.startsWith('/webhooks/voice/twilio/'));
    expect(twilio.length).toBeGreaterThanOrEqual(3);
    for (const [, methods] of twilio) {
      expect(methods.post.security).toEqual([{ twilioSignature: [] }]);
      expect(methods.post.responses['200'].content).toHaveProperty(['text/xml']);
    }
    expect(doc.components.securitySchemes.twilioSignature).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Twilio-Signature' });
    expect(doc.paths['/api/voice/events'].post.security).toEqual([{ bearer: [] }]);
  });

  it('documents what the server really answers: logout 204, the survey page 404 as HTML', async () => {
    expect(Object.keys(doc.paths['/api/auth/logout'].post.responses)).toContain('204');
    expect(doc.paths['/api/auth/logout'].post.responses).not.toHaveProperty('200');
    const agent = await app.as('agent1@demo.local');
    expect((await agent.post('/api/auth/logout')).status).toBe(204);

    expect(doc.paths['/survey/{token}'].get.responses['404'].content).toHaveProperty(['text/html']);
    const page = await app.http().get('/survey/not-a-token');
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
  });

  it('types list, integer and date parameters and fields as what they are', () => {
    const list = doc.paths['/api/tickets'].get.parameters;
    expect(list.find((p) => p.name === 'status')).toMatchObject({ style: 'form', explode: false, schema: { type: 'array', items: { enum: expect.arrayContaining(['new', 'solved']) } } });
    expect(list.find((p) => p.name === 'limit')!.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 25 });
    expect(doc.paths['/api/callbacks'].get.parameters.find((p) => p.name === 'kind')!.schema).toMatchObject({ type: 'array' });
    expect(doc.paths['/api/tickets/{number}'].get.parameters.find((p) => p.name === 'number')!.schema).toMatchObject({ type: 'integer', minimum: 1 });
    const unit = doc.paths['/api/customers/{id}/units'].post.requestBody!.content['application/json'].schema as any;
    expect(unit.properties.purchaseDate.anyOf.map((s: { format: string }) => s.format)).toEqual(['date', 'date-time']);
  });

  it('leaves no field untyped ({}) except the free-form error details', () => {
    const empty: string[] = [];
    const walk = (node: unknown, where: string) => {
      if (!node || typeof node !== 'object') return;
      if (!Array.isArray(node) && Object.keys(node).length === 0 && !where.endsWith('details')) empty.push(where);
      for (const [k, v] of Object.entries(node)) if (k !== 'default' && k !== 'const') walk(v, `${where}/${k}`);
    };
    for (const { id, op } of ops()) {
      walk(op.requestBody, `${id} body`);
      for (const p of op.parameters) walk(p.schema, `${id} ${p.name}`);
      for (const [code, r] of Object.entries(op.responses)) walk(r.content, `${id} ${code}`);
    }
    walk(doc.components.schemas, 'components');
    expect(empty).toEqual([]);
  });

  it('names the error statuses of every operation: 401/403 where signed in, 404 for path ids, no 4XX catch-all', () => {
    for (const { id, op } of ops()) {
      const codes = Object.keys(op.responses);
      expect({ id, catchAll: codes.includes('4XX') }).toEqual({ id, catchAll: false });
      if (op.security.length) expect({ id, has: ['401', '403'].every((c) => codes.includes(c)) }).toEqual({ id, has: true });
      if (op.parameters.some((p) => p.in === 'path')) expect({ id, has404: codes.includes('404') }).toEqual({ id, has404: true });
    }
    expect(Object.keys(doc.paths['/api/auth/login'].post.responses)).toEqual(expect.arrayContaining(['401', '429']));
    expect(Object.keys(doc.paths['/api/agents/{id}'].patch.responses)).toContain('409');
  });

  it('refuses a request without the body the document requires, even where every field is optional', async () => {
    const admin = await app.as('admin@demo.local');
    const none = await admin.patch('/api/teams/support');
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/body is required/);
    expect((await admin.patch('/api/teams/support').send({})).status).toBe(200);
  });

  it('answers another method on a documented path with 405 and Allow', async () => {
    const res = await app.http().delete('/api/tickets');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    expect(res.body.error.code).toBe('method_not_allowed');
    // a path documented literally is its own operation: /api/customers/lookup is not also /api/customers/{id}
    const lookup = await app.http().patch('/api/customers/lookup');
    expect(lookup.status).toBe(405);
    expect(lookup.headers.allow).toBe('GET, HEAD');
    expect((await app.http().put('/api/customers/0123456789abcdef01234567')).headers.allow).toBe('GET, HEAD, PATCH');
    const options = await app.http().options('/api/customers/lookup');
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe('GET, HEAD');
    expect((await app.http().get('/api/no-such-thing')).status).toBe(404);
  });
});
