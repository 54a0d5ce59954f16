import type { z } from 'zod';
import { AppError, errorBody, ValidationError } from '../errors';
import type { Logger } from '../logger';

type Answer = (answer: unknown) => void;

/**
 * One client → server socket event, handled like an HTTP route: the payload is validated with its
 * zod schema, the work runs, and the ack answers the result or `{error:{code,message,details?}}`.
 * A bad or failing event never ends the connection. `before` runs first (a rate limit).
 */
export function socketHandler<S extends z.ZodType>(
  schema: S,
  fn: (payload: z.output<S>) => Promise<unknown>,
  opts: { log: Logger; event: string; before?: () => Promise<void> },
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const ack: Answer = typeof args[args.length - 1] === 'function' ? (args.pop() as Answer) : () => undefined;
    try {
      await opts.before?.();
      const parsed = schema.safeParse(args[0]);
      if (!parsed.success) throw ValidationError.fromZod('payload', parsed.error);
      ack((await fn(parsed.data)) ?? { ok: true });
    } catch (err) {
      if (!(err instanceof AppError)) opts.log.error({ event: opts.event, err }, 'socket event failed');
      ack(errorBody(err));
    }
  };
}
