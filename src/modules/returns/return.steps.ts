import { randomUUID } from 'node:crypto';
import type { Types } from 'mongoose';
import { ConflictError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Principal } from '../auth/principal';
import type { Actor } from '../../core/types';
import type { UnitDoc } from '../units/unit.model';
import type { UnitService } from '../units/unit.service';
import { assertWork } from './return.access';
import type { ReturnEffects } from './return.effects';
import { transition } from './return.machine';
import { formatReturnNumber, type ReturnDoc, type ReturnEvent, type ReturnFields, type ReturnModels } from './return.model';
import type { ReturnEventInput } from './return.schemas';
import type { ReturnService } from './return.service';

export interface ReturnStepsDeps {
  models: ReturnModels;
  returns: ReturnService;
  units: UnitService;
  effects: ReturnEffects;
  clock: Clock;
}

export interface StepResult {
  ret: ReturnDoc;
  event: ReturnEvent;
  /** the step had been taken already with this clientId: nothing changed */
  replayed: boolean;
}

/**
 * One step of a return at a time. The step is one conditional update (the status it starts from,
 * and no event of the same clientId yet), so concurrent or repeated steps never both apply; a
 * repeat answers the first step's event. What follows the step (the unit's claim, an exchange's
 * link, the work list, the timeline and the mail) is idempotent and re-run on a repeat, so a
 * client's retry after a crash finishes what the crash left undone.
 */
export class ReturnSteps {
  constructor(private readonly d: ReturnStepsDeps) {}

  async step(id: string, input: ReturnEventInput, principal: Principal): Promise<StepResult> {
    const r = await this.d.returns.visible(id, principal);
    const first = r.events.find((e) => e.clientId === input.clientId);
    if (first) return this.settle(r, first, true);
    assertWork(r, principal);
    const t = transition(r.status, input.type, r.kind);
    if (!t.ok) {
      const why = t.code === 'outcome_not_allowed' ? `a ${r.kind} request cannot end in ${input.type}` : `a return that is ${r.status} cannot take the step ${input.type}`;
      throw new ConflictError(`Not now: ${why}`, 'invalid_transition', { status: r.status, type: input.type, allowed: t.allowed });
    }
    const now = this.d.clock.now();
    const by = { id: principal.id, name: principal.name };
    const note = input.note ?? null;
    const set: Partial<ReturnFields> = { status: t.to };
    const data: Record<string, unknown> = {};
    if (input.type === 'refund') {
      set.outcome = { type: 'refund', amount: input.amount!, currency: 'CNY', newSerial: null, newUnitId: null, note };
      Object.assign(data, { amount: input.amount, currency: 'CNY' });
    } else if (input.type === 'repair') {
      set.outcome = { type: 'repair', amount: null, currency: null, newSerial: null, newUnitId: null, note };
    } else if (input.type === 'replace') {
      const fresh = await this.replacement(r, input.newSerial!, { type: 'agent', id: principal.id, name: principal.name }, now);
      set.outcome = { type: 'replace', amount: null, currency: null, newSerial: fresh.serial, newUnitId: fresh._id, note };
      Object.assign(data, { newSerial: fresh.serial, newUnitId: String(fresh._id) });
    }
    const event: ReturnEvent = { id: randomUUID(), type: input.type, from: r.status, to: t.to, note, data, by, at: now, clientId: input.clientId, effectsDone: false };
    const updated = await this.d.models.Return.findOneAndUpdate(
      { _id: r._id, status: r.status, 'events.clientId': { $ne: input.clientId } },
      { $set: set, $push: { events: event } },
      { new: true },
    );
    if (!updated) {
      // someone moved the return meanwhile: the same step (a replay racing its original) or another
      const now = await this.d.returns.get(id);
      const same = now.events.find((e) => e.clientId === input.clientId);
      if (same) return this.settle(now, same, true);
      throw new ConflictError(`Not now: the return became ${now.status} meanwhile`, 'invalid_transition', { status: now.status, type: input.type });
    }
    return this.settle(updated, event, false);
  }

  /** What follows a step; idempotent, so a repeat of the step re-runs it safely. */
  private async settle(r: ReturnDoc, event: ReturnEvent, replayed: boolean): Promise<StepResult> {
    const actor: Actor = { type: 'agent', id: event.by.id ?? undefined, name: event.by.name };
    if (event.type === 'replace' && r.outcome?.newUnitId) await this.d.units.markReplaced(r.unitId, r.outcome.newUnitId, actor, { return: formatReturnNumber(r.number) });
    if (event.type === 'reject' || event.type === 'close') await this.d.units.releaseReturn(r.unitId, r._id);
    if (event.type === 'close') await this.d.returns.closed(r);
    if (!replayed) await this.d.effects.stepped(r, event);
    else if (!event.effectsDone) await this.d.effects.queue(r._id, event.id);
    return { ret: r, event, replayed };
  }

  /** The new unit of an exchange (换货): same owner and model, its warranty counted afresh from the exchange (三包). */
  private async replacement(r: ReturnDoc, newSerial: string, actor: Actor, now: Date): Promise<UnitDoc> {
    return this.d.units.register(
      r.customerId as Types.ObjectId,
      { model: r.model, serial: newSerial, purchaseDate: now, purchasedFrom: `exchange ${formatReturnNumber(r.number)}` },
      actor,
      { originKey: `return:${String(r._id)}:replacement`, allowUnknownModel: true, replaces: r.unitId, history: { action: 'replacement', changes: { replaces: r.serial, return: formatReturnNumber(r.number) } } },
    );
  }
}
