import { UnprocessableError } from '../../errors';

/** What a write guard knows of the ticket a write is about: its type and team after the write, and its custom fields now. */
export interface GuardContext {
  type: string;
  team: string;
  fields: Record<string, unknown>;
}

/**
 * Checks the custom fields of every ticket write (the fields module provides the real one):
 * `fields` normalises the values a write sets (null clears) or throws 422 naming the field;
 * `solving` throws 422 when a field required on solve has no value.
 */
export interface TicketWriteGuard {
  fields(values: Record<string, unknown>, ctx: GuardContext): Promise<Record<string, unknown>>;
  solving(ctx: GuardContext): Promise<void>;
}

/**
 * The guard the ticket operations hold from the start; the composition root hands it the real one
 * once the modules are built (`use`). Without one no custom field exists, so any field is unknown.
 */
export class TicketGuards implements TicketWriteGuard {
  private guard: TicketWriteGuard | null = null;

  use(guard: TicketWriteGuard | null): void {
    this.guard = guard;
  }

  async fields(values: Record<string, unknown>, ctx: GuardContext): Promise<Record<string, unknown>> {
    if (this.guard) return this.guard.fields(values, ctx);
    const keys = Object.keys(values);
    if (keys.length) throw new UnprocessableError(`Unknown field ${keys[0]}`, 'invalid_fields', keys.map((field) => ({ field, message: 'no such field' })));
    return {};
  }

  async solving(ctx: GuardContext): Promise<void> {
    if (this.guard) await this.guard.solving(ctx);
  }
}
