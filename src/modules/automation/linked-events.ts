import { Types } from 'mongoose';
import type { Queues } from '../../infra/queues';
import type { Logger } from '../../logger';
import type { TicketService } from '../tickets/ticket.service';
import type { RuleEngine } from './rule.engine';

export type LinkedKind = 'workorder' | 'return';

/**
 * A step of a work order or a return, as its module announces it: the record's id, its ticket, a
 * key unique to the step (the step's event id), and what the step changed (`{status:[from,to]}`).
 */
export interface LinkedEvent {
  kind: LinkedKind;
  id: string;
  ticketId: string;
  key: string;
  changes?: Record<string, [unknown, unknown]>;
}

/** Reads a record fresh, as its API shows it (`{id, number, status, kind, ...}`); null when it is gone. */
export type LinkedReader = (id: string) => Promise<Record<string, unknown> | null>;

/** Who else hears these events (the webhooks' fan-out). */
export type LinkedListener = (event: LinkedEvent, data: Record<string, unknown>) => Promise<void>;

/**
 * The event source of `workorder.updated` and `return.updated`: the work order and returns modules
 * register a reader and `publish` each step after storing it. Publishing queues a job (one id per
 * step, so a repeated announcement runs once); the job reads the record fresh and runs the rules
 * of that event on its ticket, then tells the listeners.
 */
export class LinkedEvents {
  private readonly readers = new Map<LinkedKind, LinkedReader>();
  private readonly listeners: LinkedListener[] = [];
  private engine: Pick<RuleEngine, 'onEvent'> | null = null;

  constructor(
    private readonly d: { queues: Queues; tickets: Pick<TicketService, 'byId'>; log: Logger },
  ) {}

  register(kind: LinkedKind, reader: LinkedReader): void {
    this.readers.set(kind, reader);
  }

  listen(fn: LinkedListener): void {
    this.listeners.push(fn);
  }

  useEngine(engine: Pick<RuleEngine, 'onEvent'>): void {
    this.engine = engine;
  }

  async publish(event: LinkedEvent): Promise<void> {
    await this.d.queues.get('automation').add('linked', event, { jobId: `linked-${event.kind}-${event.id}-${event.key}`.replace(/:/g, '_'), removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } });
  }

  async process(event: LinkedEvent): Promise<void> {
    const reader = this.readers.get(event.kind);
    if (!reader) {
      this.d.log.warn({ kind: event.kind }, 'no reader for this kind of record: event dropped');
      return;
    }
    const data = await reader(event.id);
    if (!data) return;
    const ticket = Types.ObjectId.isValid(event.ticketId) ? await this.d.tickets.byId(event.ticketId) : null;
    if (ticket && this.engine) await this.engine.onEvent(`${event.kind}.updated`, ticket, { key: `${event.kind}-${event.id}-${event.key}`, record: { kind: event.kind, data, changes: event.changes } });
    for (const fn of this.listeners) await fn(event, data);
  }
}
