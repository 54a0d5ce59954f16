import type { AgentModel } from '../agents/agent.model';
import type { CallbackDoc } from './callback.model';
import type { CallbackPayload } from './callback.payloads';

/** A callback task as CONTRACT.md shapes it (plus the outcome fields), for HTTP and sockets alike. */
export function serializeCallback(cb: CallbackDoc, agents: Map<string, { id: string; name: string }>): CallbackPayload {
  const assignee = cb.assigneeId ? (agents.get(String(cb.assigneeId)) ?? { id: String(cb.assigneeId), name: '' }) : null;
  return {
    id: String(cb._id),
    ticketNumber: cb.ticketNumber,
    kind: cb.kind,
    phone: cb.phone ?? null,
    dueAt: cb.dueAt.toISOString(),
    status: cb.status,
    attempts: cb.attempts.map((a) => ({
      at: a.at.toISOString(),
      agentId: a.agentId ? String(a.agentId) : null,
      agent: a.agentId ? (agents.get(String(a.agentId))?.name ?? null) : null,
      outcome: a.outcome,
      note: a.note ?? null,
      satisfied: a.satisfied ?? null,
      resolved: a.resolved ?? null,
    })),
    assignee,
    team: cb.team,
    outcome: cb.outcome ?? null,
    satisfied: cb.satisfied ?? null,
    resolved: cb.resolved ?? null,
    note: cb.note ?? null,
    completedAt: cb.completedAt ? cb.completedAt.toISOString() : null,
    createdAt: cb.createdAt.toISOString(),
  };
}
export type CallbackView = CallbackPayload;

/** The agents a set of tasks names (assignees and callers), in one query. */
export async function loadAgentNames(cbs: CallbackDoc[], Agent: AgentModel): Promise<Map<string, { id: string; name: string }>> {
  const ids = new Set<string>();
  for (const cb of cbs) {
    if (cb.assigneeId) ids.add(String(cb.assigneeId));
    for (const a of cb.attempts) if (a.agentId) ids.add(String(a.agentId));
  }
  if (!ids.size) return new Map();
  const agents = await Agent.find({ _id: { $in: [...ids] } }, { name: 1 }).lean();
  return new Map(agents.map((a) => [String(a._id), { id: String(a._id), name: a.name }]));
}
