import type { Model } from 'mongoose';
import type { TicketDoc } from '../tickets/ticket.model';
import type { Actor } from '../../core/types';
import { GroupCommit } from '../../infra/group-commit';
import { insertPlain } from '../../infra/insert-doc';

type AuditModel = Model<{ ticketId: unknown; ticketNumber: number; actor: { type: string; id?: string; name: string }; action: string; changes: Record<string, unknown>; at: Date }>;

export class AuditLog {
  /** entries of concurrent changes share insert commands (issue #23) */
  private readonly inserts: GroupCommit;

  constructor(private readonly Audit: AuditModel) {
    this.inserts = new GroupCommit(Audit, 500, { prepared: true });
  }

  async record(ticket: TicketDoc, actor: Actor, action: string, changes: Record<string, unknown> = {}): Promise<void> {
    await insertPlain(this.Audit, { ticketId: ticket._id, ticketNumber: ticket.number, actor: { type: actor.type, id: actor.id, name: actor.name }, action, changes }, this.inserts);
  }

  async forTicket(ticket: TicketDoc) {
    const rows = await this.Audit.find({ ticketId: ticket._id }).sort({ at: 1, _id: 1 }).lean();
    return rows.map((r) => ({ actor: r.actor, action: r.action, changes: r.changes, at: r.at }));
  }
}
