import type { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { ValidationError } from '../errors';
import type { Principal } from '../modules/auth/principal';
import type { Role } from '../core/types';

/**
 * One route = one zod-described contract. The same schemas validate the request and produce the
 * OpenAPI document, so the document cannot drift from what the server accepts.
 */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  /** 'public', 'agent' (any signed-in agent), or the roles allowed */
  auth: 'public' | 'agent' | readonly Role[];
  params?: P;
  query?: Q;
  body?: B;
  response?: z.ZodType;
  /** status of a successful answer */
  status?: number;
  /** the request content type when not JSON */
  contentType?: string;
}

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
  req: Request;
  res: Response;
}

export type Authenticator = (req: Request) => Promise<Principal>;

export class ApiRegistry {
  readonly specs: RouteSpec<z.ZodType, z.ZodType, z.ZodType>[] = [];
  readonly components: Record<string, z.ZodType> = {};

  constructor(private readonly authenticate: Authenticator) {}

  route<P extends z.ZodType = z.ZodObject<{}>, Q extends z.ZodType = z.ZodObject<{}>, B extends z.ZodType = z.ZodUndefined>(
    router: Router,
    spec: RouteSpec<P, Q, B>,
    handler: (ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<unknown>,
  ): void {
    this.specs.push(spec as unknown as RouteSpec<z.ZodType, z.ZodType, z.ZodType>);
    router[spec.method](spec.path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        let principal = undefined as unknown as Principal;
        if (spec.auth !== 'public') {
          principal = await this.authenticate(req);
          principal.require(spec.auth === 'agent' ? undefined : spec.auth);
        }
        const params = parse(spec.params, req.params, 'path parameters');
        const query = parse(spec.query, req.query, 'query');
        const body = spec.body ? parse(spec.body, req.body, 'body') : undefined;
        const result = await handler({ params, query, body, principal, req, res } as RouteContext<z.output<P>, z.output<Q>, z.output<B>>);
        if (res.headersSent) return;
        if (result === undefined) res.status(spec.status ?? 204).end();
        else res.status(spec.status ?? 200).json(result);
      } catch (err) {
        next(err);
      }
    });
  }

  openApi(info: { title: string; version: string }): object {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const s of this.specs) {
      const oaPath = s.path.replace(/:(\w+)/g, '{$1}');
      const parameters: unknown[] = [];
      for (const [where, schema] of [['path', s.params], ['query', s.query]] as const) {
        if (!schema || !(schema instanceof z.ZodObject)) continue;
        const json = toJson(schema) as { properties?: Record<string, unknown>; required?: string[] };
        for (const [name, prop] of Object.entries(json.properties ?? {})) {
          parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: prop });
        }
      }
      const op: Record<string, unknown> = {
        summary: s.summary,
        tags: [s.tag],
        parameters,
        responses: {
          [String(s.status ?? 200)]: {
            description: 'OK',
            ...(s.response ? { content: { 'application/json': { schema: toJson(s.response) } } } : {}),
          },
          '4XX': { description: 'Bad input', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      };
      if (s.body) op.requestBody = { required: true, content: { [s.contentType ?? 'application/json']: { schema: toJson(s.body) } } };
      if (s.auth !== 'public') op.security = [{ bearer: [] }];
      (paths[oaPath] ??= {})[s.method] = op;
    }
    return {
      openapi: '3.1.0',
      info,
      paths,
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        schemas: {
          Error: {
            type: 'object',
            required: ['error'],
            properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
          },
          ...Object.fromEntries(Object.entries(this.components).map(([k, v]) => [k, toJson(v)])),
        },
      },
    };
  }
}

function toJson(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

export function parse<T extends z.ZodType | undefined>(schema: T, value: unknown, where: string): T extends z.ZodType ? z.output<T> : unknown {
  if (!schema) return value as never;
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw ValidationError.fromZod(where, result.error);
  }
  return result.data as never;
}
