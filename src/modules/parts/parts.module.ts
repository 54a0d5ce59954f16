import type { Job } from 'bullmq';
import { ROLES } from '../../core/types';
import type { Core } from '../../core/core';
import { rooms } from '../../realtime/realtime';
import type { AppModule } from '../app-module';
import type { WorkOrderChange, WorkOrderService } from '../workorders/workorders.service';
import type { WorkOrderDoc } from '../workorders/workorders.model';
import { OldPartService } from './old-parts.service';
import { moveModel, oldPartModel, partModel, stockRowModel, type MoveDoc } from './parts.model';
import { partsRoutes } from './parts.routes';
import { PartService } from './parts.service';
import { StockLedger } from './stock.ledger';
import { StockService } from './stock.service';
import { WorkOrderParts } from './workorder-parts.service';

const SWEEP_EVERY_MS = 60_000;
const ENDED = ['completed', 'cannot_complete', 'cancelled'];

export interface PartsModuleDeps {
  workOrders: WorkOrderService;
}

export type PartsModule = ReturnType<typeof partsModule>;

/**
 * Spare parts and stock (备件: 新件库 / 旧件库): the catalogue, stock by location and condition,
 * the idempotent ledger of moves (stock.ledger.ts), a work order's reservations and the report's
 * consumption, and the old parts expected back. The service report consumes through `workOrderParts`
 * (the PartsLedger seam of workorders.seams.ts).
 */
export function partsModule(core: Core, d: PartsModuleDeps) {
  const { Agent } = core.models;
  const log = core.log.child({ component: 'parts' });
  const Part = partModel(core.conn, core.clock);
  const StockRow = stockRowModel(core.conn);
  const Move = moveModel(core.conn);
  const OldPart = oldPartModel(core.conn);
  const parts = new PartService(Part);
  const ledger = new StockLedger({ Move, StockRow, clock: core.clock, log });
  const oldParts = new OldPartService({ OldPart, Agent, queues: core.queues, realtime: core.realtime, outbox: core.outbox, returnDays: core.config.oldPartReturnDays, publicUrl: core.config.publicUrl, clock: core.clock, log });
  const everyone = ROLES.map(rooms.role);
  const afterApplied = async (move: MoveDoc) => {
    await oldParts.received(move);
    core.realtime.toRoom(everyone, 'stock:changed', { sku: move.sku, ref: move.ref, reason: move.reason });
  };
  const stock = new StockService({ StockRow, Move, Agent, parts, ledger, afterApplied });
  const workOrderParts = new WorkOrderParts({ Move, workOrders: d.workOrders, parts, stock, ledger, oldParts, log });

  // a work order that ends gives back what it still holds (a filed report consumes first, then releases);
  // one that ends for want of a part tells its dispatchers
  d.workOrders.observe(async (wo: WorkOrderDoc, change: WorkOrderChange) => {
    if (change.from === change.to || !ENDED.includes(change.to)) return;
    if (change.to === 'cannot_complete' && wo.outcome?.reason === 'part_missing') {
      core.realtime.toTeam(wo.team, 'parts:missing', { workOrderId: String(wo._id), number: wo.number, ticketNumber: wo.ticketNumber, team: wo.team, engineer: wo.engineerId ? String(wo.engineerId) : null, note: wo.outcome?.note ?? null });
    }
    if (change.kind !== 'report') await workOrderParts.releaseAll(wo);
  });

  return {
    name: 'parts',
    parts,
    stock,
    ledger,
    oldParts,
    workOrderParts,
    routes: (api) => [partsRoutes(api, { parts, stock, workOrderParts, oldParts, Agent })],
    processors: () => ({
      parts: {
        'oldpart-due': (job: Job<{ id: string }>) => oldParts.remind(job.data.id),
        sweep: async () => ({ ...(await ledger.sweep()), reminded: await oldParts.sweep() }),
      },
    }),
    startWorkers: async () => {
      const q = core.queues.get('parts');
      await q.upsertJobScheduler('parts-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
    },
  } satisfies AppModule & Record<string, unknown>;
}
