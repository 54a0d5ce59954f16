import type { z } from 'zod';
import { toJson } from './json-schema';
import type { RouteSpec, SecurityScheme } from './route-spec';

type Spec = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

/** What each error status means, as the document says it. */
const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: the details name each wrong field',
  401: 'Not signed in, or the token or secret is missing',
  403: 'Signed in, but not allowed to do this (role, team, wrong secret or signature)',
  404: 'No such record (or not one you may see)',
  409: 'Conflicts with the current state (a duplicate, a stale view, an answer already given)',
  410: 'Gone: the link expired or the matter is closed',
  413: 'The body is too large',
  415: 'Unsupported content type or character set',
  422: 'Understood but refused by a business rule',
  429: 'Too many requests; Retry-After says when to try again',
};

const SECURITY_SCHEMES = {
  bearer: { type: 'http', scheme: 'bearer', description: 'a token from POST /api/auth/login (the PBX route also takes PBX_API_TOKEN)' },
  webhookSecret: { type: 'apiKey', in: 'header', name: 'X-Webhook-Secret', description: 'EMAIL_WEBHOOK_SECRET' },
  twilioSignature: { type: 'apiKey', in: 'header', name: 'X-Twilio-Signature', description: "Twilio's HMAC-SHA1 of PUBLIC_URL + path and the form parameters, keyed with TWILIO_AUTH_TOKEN" },
} as const satisfies Record<SecurityScheme, unknown>;

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
};

/** The error statuses a route can answer: those of its kind (input, sign-in, path ids, bodies) and its own. */
function errorStatuses(s: Spec): number[] {
  const codes = new Set<number>(s.errors ?? []);
  if (s.params || s.query || s.body) codes.add(400);
  if (s.auth !== 'public' || s.security?.length) codes.add(401).add(403);
  if (s.params || s.body) codes.add(404); // a path id, or one the body names (a ticket number, a team)
  if (s.body || s.contentType) codes.add(413).add(415);
  return [...codes].sort((a, b) => a - b);
}

function parameters(s: Spec): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [['path', s.params], ['query', s.query]] as const) {
    if (!schema) continue;
    const json = toJson(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = prop;
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: rest,
        // lists travel comma-separated: status=new,open
        ...(rest.type === 'array' ? { style: 'form', explode: false } : {}),
      });
    }
  }
  return out;
}

function successResponses(s: Spec): Record<string, unknown> {
  const status = s.status ?? 200;
  const content: Record<string, unknown> = {};
  if (s.response) content['application/json'] = { schema: toJson(s.response) };
  else if (!s.produces) content['application/json'] = { schema: { type: 'object' } };
  for (const type of s.produces ?? []) content[type] ??= { schema: type.startsWith('text/') ? { type: 'string' } : { type: 'string', contentEncoding: 'binary' } };
  const out: Record<string, unknown> = {
    [String(status)]: { description: status === 204 ? 'Done; no content' : 'OK', ...(status !== 204 && Object.keys(content).length ? { content } : {}) },
  };
  for (const extra of s.alsoStatus ?? []) out[String(extra)] = { description: extra === 204 ? 'Done; no content' : 'OK' };
  return out;
}

/**
 * The OpenAPI 3.1 document of every route registered through ApiRegistry: parameters and bodies
 * from the same zod schemas that validate them, every status a route can answer, how it is secured.
 */
export function buildOpenApi(specs: readonly Spec[], components: Record<string, unknown>, info: { title: string; version: string }): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const s of specs) {
    const responses = successResponses(s);
    const pages = new Set(s.pageStatus ?? []);
    for (const code of new Set([...errorStatuses(s), ...pages])) {
      const content: Record<string, unknown> = {};
      // a page route still answers JSON when its parameters fail the schema
      if (!pages.has(code) || code === 400) content['application/json'] = { schema: { $ref: '#/components/schemas/Error' } };
      if (pages.has(code)) content['text/html'] = { schema: { type: 'string' } };
      responses[String(code)] = { description: ERROR_TEXT[code] ?? 'Error', content };
    }
    const op: Record<string, unknown> = { summary: s.summary, tags: [s.tag], operationId: operationId(s), parameters: parameters(s), responses };
    if (s.body) op.requestBody = { required: true, content: { [s.contentType ?? 'application/json']: { schema: toJson(s.body) } } };
    // a raw body (a mail): no zod schema, the route reads the stream itself
    else if (s.contentType) op.requestBody = { required: true, content: { [s.contentType]: { schema: { type: 'string', description: 'the raw bytes (a message, a file)' } } } };
    const security = s.security ?? (s.auth !== 'public' ? ['bearer'] : []);
    op.security = security.map((name) => ({ [name]: [] }));
    (paths[s.path.replace(/:(\w+)/g, '{$1}')] ??= {})[s.method] = op;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: { securitySchemes: SECURITY_SCHEMES, schemas: { Error: ERROR_SCHEMA, ...components } },
  };
}

/** `get /api/tickets/:number/messages` → `getApiTicketsNumberMessages`: stable names for generated clients. */
function operationId(s: Spec): string {
  const words = s.path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return s.method + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}
