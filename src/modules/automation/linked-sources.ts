import { NotFoundError } from '../../errors';
import type { AgentModel } from '../agents/agent.model';
import type { ReturnEffects } from '../returns/return.effects';
import type { ReturnService } from '../returns/return.service';
import { returnRecord } from '../returns/return.serialize';
import { engineerNames, serializeWorkOrder } from '../workorders/workorders.serialize';
import type { WorkOrderChange, WorkOrderService } from '../workorders/workorders.service';
import type { WorkOrderDoc } from '../workorders/workorders.model';
import type { LinkedEvent, LinkedEvents } from './linked-events';

/** What a work order write changed, as rules read it (`workorder.status` changed to …). */
export function workOrderChanges(change: WorkOrderChange): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  if (change.from !== change.to) out.status = [change.from, change.to];
  if (change.engineer[0] !== change.engineer[1]) out.engineer = change.engineer;
  if (change.window[0] !== change.window[1]) out.window = [change.window[0] && new Date(change.window[0]).toISOString(), change.window[1] && new Date(change.window[1]).toISOString()];
  if (change.emergency[0] !== change.emergency[1]) out.emergency = change.emergency;
  return out;
}

export function workOrderEvent(wo: WorkOrderDoc, change: WorkOrderChange): LinkedEvent {
  // one key per write: a work order's `rev` grows by one with each conditional update
  return { kind: 'workorder', id: String(wo._id), ticketId: String(wo.ticketId), key: `rev-${wo.rev}`, changes: workOrderChanges(change) };
}

/**
 * `workorder.updated` and `return.updated` from the modules that own them: each registers a reader
 * (the record as its API shows it, read fresh when the job runs) and announces its writes.
 * Work orders announce after each write (their listeners); returns from the step's effects job,
 * which the returns sweeper re-drives, so a step lost to a crash is still announced.
 */
export function wireLinkedSources(linked: LinkedEvents, src: { workOrders: WorkOrderService; Agent: AgentModel; returns: ReturnService; returnEffects: ReturnEffects }): void {
  linked.register('workorder', async (id) => {
    const wo = await src.workOrders.byId(id);
    return wo ? (serializeWorkOrder(wo, await engineerNames([wo], src.Agent)) as unknown as Record<string, unknown>) : null;
  });
  src.workOrders.observe(async (wo, change) => {
    if (change.kind === 'sla') return; // the on-site timer's own bookkeeping, not a change of the work order
    await linked.publish(workOrderEvent(wo, change));
  });
  linked.register('return', async (id) => {
    try {
      return returnRecord(await src.returns.get(id)) as unknown as Record<string, unknown>;
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  });
  src.returnEffects.observe(async (r, event) => {
    await linked.publish({ kind: 'return', id: String(r._id), ticketId: String(r.ticketId), key: event.id, changes: event.from !== event.to ? { status: [event.from, event.to] } : {} });
  });
}
