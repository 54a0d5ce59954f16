import type { Connection } from 'mongoose';
import type { Clock } from '../infra/clock';
import { agentModel } from '../modules/agents/agent.model';
import { auditModel } from '../modules/audit/audit.model';
import { counterModel } from '../modules/counters/counter.model';
import { customerModels } from '../modules/customers/customer.model';
import { teamModel } from '../modules/teams/team.model';
import { messageModel } from '../modules/tickets/message.model';
import { ticketModel } from '../modules/tickets/ticket.model';

/**
 * The models many modules read: tickets and their messages, agents, teams, customers, counters and
 * the audit trail. A module's own collections (calls, surveys, callbacks, policies...) are
 * registered by that module (`modelOnce`), beside its code.
 */
export function createModels(conn: Connection, clock: Clock) {
  return {
    Ticket: ticketModel(conn, clock),
    Message: messageModel(conn, clock),
    Agent: agentModel(conn, clock),
    Team: teamModel(conn),
    Counter: counterModel(conn),
    Audit: auditModel(conn, clock),
    ...customerModels(conn, clock),
  };
}
export type Models = ReturnType<typeof createModels>;
