import { z } from 'zod';
import { documentedAs, TEXT_PATTERN } from './schema-types';

/** Keywords a `documentedAs` entry replaces (a `default` or `description` of a wrapper stays). */
const REPLACED = ['type', 'pattern', 'format', 'minLength', 'maxLength', 'anyOf', 'items', 'enum', 'minimum', 'maximum'];

/** The JSON Schema of what a zod schema accepts (its input side), as the OpenAPI document shows it. */
export function toJson(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const target = ctx.jsonSchema as Record<string, unknown>;
      const doc = documentedAs.get(ctx.zodSchema as unknown as z.ZodType);
      if (doc) {
        for (const k of REPLACED) delete target[k];
        Object.assign(target, doc);
      }
      // what parse() refuses in every string, said where no stricter pattern or format says more
      if (target.additionalProperties && typeof target.additionalProperties === 'object' && !Object.keys(target.additionalProperties).length) target.additionalProperties = true;
      if (target.type === 'string' && !target.pattern && !target.format && !target.enum && target.const === undefined) target.pattern = TEXT_PATTERN;
    },
  }) as Record<string, unknown>;
  delete json.$schema; // the document's own dialect (OpenAPI 3.1's) applies
  return json;
}

