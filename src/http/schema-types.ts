import { z } from 'zod';
import { DURATION_HINT, ISO_DURATION, parseDuration } from '../infra/duration';

/**
 * The building blocks of request schemas that the fuzzer taught us to be strict about. Each one
 * validates and documents itself in the OpenAPI document (zod → JSON Schema), so generated clients
 * send what the server accepts.
 */

/**
 * How a schema is documented when that differs from what zod derives: a query parameter is a
 * string on the wire, but `limit` is an integer and `status` a list to whoever reads the document.
 * Read by the OpenAPI generator (api-route.ts).
 */
export const documentedAs = new WeakMap<z.ZodType, Record<string, unknown>>();
export function documented<T extends z.ZodType>(schema: T, json: Record<string, unknown>): T {
  documentedAs.set(schema, json);
  return schema;
}

/**
 * A whole number in a query string or path: decimal digits only. `z.coerce.number()` let through
 * `" 5"`, `"0x10"`, `"1e3"` and `""` (as 0); this does not. Documented as an integer with its bounds.
 */
export function intParam(opts: { min: number; max: number; description?: string }) {
  let schema = z
    .string()
    .regex(/^\d{1,16}$/, 'must be a whole number written in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(opts.min).max(opts.max));
  if (opts.description) schema = schema.describe(opts.description);
  return documented(schema, { type: 'integer', minimum: opts.min, maximum: opts.max, ...(opts.description ? { description: opts.description } : {}) });
}

/** intParam with a value when the parameter is absent (zod leaves a default of the output type out of an input schema, so it is documented here). */
export function intParamWithDefault(opts: { min: number; max: number; default: number; description?: string }) {
  const schema = intParam(opts);
  documentedAs.set(schema, { ...documentedAs.get(schema), default: opts.default });
  return schema.default(opts.default);
}

/** `true` / `false` in a query string (also `1` / `0`), documented as a boolean. */
export const boolParam = documented(
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
  { type: 'boolean' },
);

/**
 * A list of values in a query string: `status=new,open` or `status=new&status=open`, each one of
 * `values`. Documented as an array (comma-separated: style form, explode false).
 */
export function listParam<T extends readonly [string, ...string[]]>(values: T) {
  return documented(
    z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : v.split(',')))
      .pipe(z.array(z.enum(values))),
    { type: 'array', items: { type: 'string', enum: [...values] } },
  );
}

/** A team's key (`support`, `tech`): what POST /api/teams accepts, so a filter by any other string is refused, not empty. */
export const teamKey = z.string().regex(/^[a-z0-9_-]{2,32}$/, 'a team key: 2 to 32 lowercase letters, digits, - and _');

/** The longest e-mail address SMTP carries (RFC 5321 §4.5.3.1: 64 for the local part, 254 in all). */
export const EMAIL_MAX = 254;
const LOCAL_PART_MAX = 64;

/** An e-mail address as SMTP can carry it: zod's syntax check plus the RFC 5321 lengths. */
export function email() {
  return z
    .email()
    .max(EMAIL_MAX)
    .refine((v) => v.lastIndexOf('@') <= LOCAL_PART_MAX, `the part before @ may have at most ${LOCAL_PART_MAX} characters`);
}

/**
 * An ISO 8601 duration bounded to a sane range: `P89840051385W` passed the syntax check and made
 * every later due date an Invalid Date. The syntax is the system's one duration parser's
 * (src/infra/duration.ts); bounds are in milliseconds; the value stays the ISO string.
 */
export function boundedDuration(opts: { min: number; max: number; what: string }) {
  return z
    .string()
    .max(40)
    .regex(ISO_DURATION, { message: DURATION_HINT, abort: true })
    .refine((v) => {
      const ms = parseDuration(v);
      return ms >= opts.min && ms <= opts.max;
    }, `must be between ${opts.what}`);
}

/**
 * Characters no text field may hold: NUL and the other C0 controls except tab, line feed and
 * carriage return (BSON refuses NUL in a regex; a NUL stored in a subject breaks mail headers),
 * and the replacement character U+FFFD, which in a query string is all that is left of bytes that
 * were not UTF-8. Lone surrogates are found with isWellFormed().
 */
const FORBIDDEN_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/** FORBIDDEN_CHARS as a JSON Schema pattern, so that the document says what every text field refuses. */
export const TEXT_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFD]*$';

/** Why a string may not enter the system, or null when it may. */
export function badText(s: string): string | null {
  if (FORBIDDEN_CHARS.test(s)) return 'must not contain NUL or other control characters';
  if (!(s as string & { isWellFormed(): boolean }).isWellFormed()) return 'must be valid Unicode (no lone surrogates)';
  if (s.includes('\uFFFD')) return 'must be valid UTF-8 (U+FFFD stands where bytes were not)';
  return null;
}
