import type { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import { AppError, ValidationError } from '../errors';
import { toJson } from './json-schema';
import { buildOpenApi } from './openapi';
import type { RouteSpec } from './route-spec';
import { badText } from './schema-types';
import type { Principal } from '../modules/auth/principal';

export type { RouteSpec, SecurityScheme } from './route-spec';

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
        // the document says a body is required: a request without one (not even {}) is refused, not read as {}.
        // A raw body (a file upload: image/jpeg, application/octet-stream…) is the request stream itself, read by the handler.
        if (spec.body && req.body === undefined && parsedBody(spec.contentType)) throw new ValidationError(`A request body is required (${spec.contentType ?? 'application/json'})`);
        const body = spec.body ? parse(spec.body, req.body, 'body') : undefined;
        const result = await handler({ params, query, body, principal, req, res } as RouteContext<z.output<P>, z.output<Q>, z.output<B>>);
        if (res.headersSent) return;
        if (result === undefined) res.status(spec.status ?? 204).end();
        else res.status(spec.status ?? 200).json(result);
      } catch (err) {
        next(err);
      }
    });
    // OPTIONS and other methods answer with the documented methods of this path only (express's
    // own OPTIONS would also list those of /api/customers/:id for /api/customers/lookup)
    router.all(spec.path, (req: Request, res: Response, next: NextFunction) => {
      const allowed = this.methodsAt(req.path);
      if (allowed.has(req.method)) return next();
      res.setHeader('Allow', [...allowed].join(', '));
      if (req.method === 'OPTIONS') return void res.status(204).end();
      next(new AppError(405, 'method_not_allowed', `${req.method} is not a method of ${req.path}; use ${[...allowed].join(', ')}`));
    });
  }

  /**
   * The methods the documented routes answer at a concrete path (HEAD wherever GET is). A path
   * documented literally (/api/customers/lookup) is that operation only, not also /api/customers/{id}.
   */
  private methodsAt(path: string): Set<string> {
    const out = new Set<string>();
    const literal = this.specs.some((s) => !s.path.includes(':') && pathPattern(s.path).test(path));
    for (const s of this.specs) {
      if ((literal && s.path.includes(':')) || !pathPattern(s.path).test(path)) continue;
      out.add(s.method.toUpperCase());
      if (s.method === 'get') out.add('HEAD');
    }
    return out;
  }

  openApi(info: { title: string; version: string }): object {
    return buildOpenApi(this.specs, Object.fromEntries(Object.entries(this.components).map(([k, v]) => [k, toJson(v)])), info);
  }
}

/** Bodies the app's parsers read into req.body (JSON, forms); any other type is streamed to the handler. */
const parsedBody = (contentType: string | undefined) => !contentType || contentType === 'application/json' || contentType === 'application/x-www-form-urlencoded';

const patterns = new Map<string, RegExp>();
/** `/api/tickets/:number` → a regex of the concrete paths it matches (one segment per parameter). */
function pathPattern(path: string): RegExp {
  let rx = patterns.get(path);
  if (!rx) patterns.set(path, (rx = new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}/?$`)));
  return rx;
}

export function parse<T extends z.ZodType | undefined>(schema: T, value: unknown, where: string): T extends z.ZodType ? z.output<T> : unknown {
  if (!schema) return value as never;
  const bad = findBadText(value);
  if (bad) throw new ValidationError(`Invalid ${where}`, [bad]);
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw ValidationError.fromZod(where, result.error);
  }
  return result.data as never;
}

/**
 * The first string (value or key) anywhere in a request part that no field may hold: control
 * characters, lone surrogates, U+FFFD (what the body and query parsers leave of bytes that were not
 * UTF-8). Checked here for every route, so no schema can forget it.
 */
function findBadText(value: unknown, path: string[] = [], depth = 0): { path: string; message: string } | null {
  if (typeof value === 'string') {
    const why = badText(value);
    return why ? { path: path.join('.'), message: why } : null;
  }
  if (!value || typeof value !== 'object' || depth > 32) return null;
  for (const [k, v] of Object.entries(value)) {
    const why = badText(k);
    if (why) return { path: [...path, k].join('.'), message: `name ${why}` };
    const found = findBadText(v, [...path, k], depth + 1);
    if (found) return found;
  }
  return null;
}
