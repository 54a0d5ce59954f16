import { Types } from 'mongoose';
import type { Clock } from '../../infra/clock';
import type { DueSet } from '../../infra/due-set';
import type { MailOutbox } from '../../mail/outbox';
import type { Logger } from '../../logger';
import type { Realtime } from '../../realtime/realtime';
import type { AgentModel } from '../agents/agent.model';
import { CalendarSpec, targetMs } from '../calendars/business-time';
import type { SlaNotifier } from '../sla/sla-notifier';
import type { Ctx } from '../sla/sla-state';
import type { SlaTimers } from '../sla/sla-timers';
import type { TeamModel } from '../teams/team.model';
import type { Locale } from '../../core/types';
import { arrived, dispatched, emptyOnSite, evaluateOnSite, halted, nextOnSiteCheck, OnSiteEscalation, OnSiteSla, onSiteTimers, relaid, rescheduled } from './onsite-sla';
import { FINAL, WoStatus } from './workorder-state';
import type { WorkOrderDoc, WorkOrderModel } from './workorders.model';
import type { OnSitePlanner, Window, WorkOrderChange, WorkOrderService } from './workorders.service';

export interface OnSiteDeps {
  WorkOrder: WorkOrderModel;
  Team: TeamModel;
  Agent: AgentModel;
  calendars: { spec(name: string | null | undefined): Promise<CalendarSpec | null> };
  timers: SlaTimers;
  notifier: Pick<SlaNotifier, 'recipients'>;
  realtime: Pick<Realtime, 'toTeam' | 'toAgents'>;
  outbox: Pick<MailOutbox, 'send'>;
  config: { onSiteTarget: string; onSiteEmergencyTarget: string; slaWarningRatio: number; slaEscalationStepMs: number; publicUrl: string };
  clock: Clock;
  log: Logger;
  /** live work orders by `sla.nextCheckAt` in Redis, what the sweeper reads (every 30 s); without it the sweeper queries MongoDB every time */
  due?: DueSet;
}

const SWEEP_HORIZON_MS = 60_000;
/** how often the sweeper also rebuilds its due set from MongoDB (at once after Redis lost it) */
const REPAIR_EVERY_MS = 30 * 60_000;
const MAX_HISTORY = 50;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The on-site target of work orders: lays it with each write (the state is on the work order,
 * written in the same conditional update), keeps its timers (BullMQ delayed jobs with
 * deterministic ids on the `workorders` queue) in step, evaluates what is due when a timer or the
 * sweeper wakes it, and tells people of warnings, breaches and escalation levels like part 1's
 * ticket targets: a socket `escalation` (target `onSite`) and a mail in each recipient's language.
 */
export class OnSiteService implements OnSitePlanner {
  private workOrders!: Pick<WorkOrderService, 'writeSla'>;

  constructor(private readonly d: OnSiteDeps) {}

  /** The service whose writes this evaluator goes through (they construct each other). */
  bind(workOrders: Pick<WorkOrderService, 'writeSla'>): void {
    this.workOrders = workOrders;
  }

  private ctx(calendar: CalendarSpec | null, now = this.d.clock.now()): Ctx {
    return { now, calendar, warningRatio: this.d.config.slaWarningRatio };
  }

  /** The calendar of the target: none (around the clock) for an emergency, else the team's business hours. */
  private async calendarOf(team: string, emergency: boolean): Promise<{ name: string | null; spec: CalendarSpec | null; ms: number }> {
    const name = emergency ? null : ((await this.d.Team.findOne({ key: team }, { calendar: 1 }).lean())?.calendar ?? null);
    const spec = await this.d.calendars.spec(name);
    return { name: spec ? name : null, spec, ms: targetMs(emergency ? this.d.config.onSiteEmergencyTarget : this.d.config.onSiteTarget, spec) };
  }

  async plan(before: WorkOrderDoc, after: { status: WoStatus; emergency: boolean; window: Window | null; team: string; customerReschedule: boolean; at: Date }): Promise<OnSiteSla | null> {
    let sla = (before.sla as OnSiteSla | null) ?? null;
    if (after.status === 'dispatched' && !sla?.onSite) {
      const cal = await this.calendarOf(after.team, after.emergency);
      sla = dispatched(sla ?? emptyOnSite(), cal.ms, cal.name, after.emergency, this.ctx(cal.spec));
    } else if (sla?.onSite && after.emergency !== sla.emergency) {
      const cal = await this.calendarOf(after.team, after.emergency);
      sla = relaid(sla, cal.ms, cal.name, after.emergency, this.ctx(cal.spec), await this.d.calendars.spec(sla.calendar));
    }
    if (!sla?.onSite) return sla;
    const spec = await this.d.calendars.spec(sla.calendar);
    if (after.customerReschedule && after.window) sla = rescheduled(sla, after.window.start, this.ctx(spec));
    if (after.status === 'on_site' && before.status !== 'on_site') sla = arrived(sla, this.ctx(spec, after.at));
    if ((after.status === 'cancelled' || after.status === 'cannot_complete') && !before.arrivedAt) sla = halted(sla, this.ctx(spec));
    return { ...sla, nextCheckAt: nextOnSiteCheck(sla) };
  }

  /** The evaluator behind every timer: re-reads the work order and acts only on what the clock says is due. */
  async check(workOrderId: string): Promise<{ events: number; nextAt: number | null }> {
    let events = 0;
    const wo = await this.workOrders.writeSla(workOrderId, async (cur) => {
      const sla = (cur.sla as OnSiteSla | null) ?? null;
      if (!sla?.onSite || FINAL.includes(cur.status as WoStatus)) return undefined;
      const res = evaluateOnSite(sla, this.d.config.slaEscalationStepMs, this.ctx(await this.d.calendars.spec(sla.calendar)));
      events = res.events.length;
      const next = await this.record(cur, res.sla, res.events);
      const out = { ...next, nextCheckAt: nextOnSiteCheck(next) };
      return same(out, sla) ? undefined : out;
    });
    const sla = (wo?.sla as OnSiteSla | null) ?? null;
    return { events, nextAt: sla?.nextCheckAt ? new Date(sla.nextCheckAt).getTime() : null };
  }

  private async record(wo: WorkOrderDoc, sla: OnSiteSla, events: { kind: 'warning' | 'breach'; level: number; dueAt: Date | null }[]): Promise<OnSiteSla> {
    if (!events.length) return sla;
    const now = this.d.clock.now();
    const added: OnSiteEscalation[] = [];
    for (const e of events) {
      const recipients = await this.d.notifier.recipients({ assigneeId: wo.engineerId, team: wo.team }, e);
      added.push({ _id: new Types.ObjectId(), target: 'onSite', kind: e.kind, level: e.level, at: now, dueAt: e.dueAt, notified: recipients.map((r) => r.id) });
    }
    return { ...sla, escalations: [...sla.escalations, ...added].slice(-MAX_HISTORY), escalationLevel: Math.max(sla.escalationLevel, ...added.map((e) => e.level)) };
  }

  /** After every write: timers follow the state, and fresh escalations reach their people. */
  async afterWrite(wo: WorkOrderDoc, change: WorkOrderChange): Promise<void> {
    const [before, after] = change.sla;
    const known = new Set((before?.escalations ?? []).map((e) => String(e._id)));
    for (const e of after?.escalations ?? []) if (!known.has(String(e._id))) await this.announce(wo, e);
    const id = String(wo._id);
    const live = !FINAL.includes(wo.status as WoStatus);
    const next = live && after?.nextCheckAt ? new Date(after.nextCheckAt) : null;
    await Promise.all([
      this.d.timers.sync(id, onSiteTimers(id, before), live ? onSiteTimers(id, after) : new Map()).catch((err: Error) => this.d.log.warn({ workOrder: wo.number, err: err.message }, 'on-site timers not moved; the sweeper will')),
      this.d.due?.set(id, next).catch((err: Error) => this.d.log.warn({ workOrder: wo.number, err: err.message }, 'on-site due set not updated; the repair will')),
    ]);
  }

  private async announce(wo: WorkOrderDoc, e: OnSiteEscalation): Promise<void> {
    const payload = {
      id: String(e._id),
      ticketNumber: wo.ticketNumber,
      subject: `${wo.number} · ${wo.address}`,
      team: wo.team,
      target: 'onSite',
      kind: e.kind,
      level: e.level,
      dueAt: e.dueAt ? new Date(e.dueAt).toISOString() : null,
      at: new Date(e.at).toISOString(),
      workOrder: { id: String(wo._id), number: wo.number },
    };
    if (e.kind === 'warning' && e.level === 0) this.d.realtime.toTeam(wo.team, 'escalation', payload);
    this.d.realtime.toAgents(e.notified, 'escalation', payload);
    const people = e.notified.length ? await this.d.Agent.find({ _id: { $in: e.notified } }, { name: 1, email: 1, locale: 1 }).lean() : [];
    for (const r of people) {
      const locale: Locale = r.locale === 'zh-CN' ? 'zh-CN' : 'en';
      await this.d.outbox
        .send({ to: r.email, template: 'workorder-escalation', locale, data: { ...payload, number: wo.number, address: wo.address, recipientName: r.name, url: `${this.d.config.publicUrl}/console#/dispatch` } }, `wo-sla-mail-${e._id}-${r._id}`)
        .catch((err: Error) => this.d.log.warn({ workOrder: wo.number, err: err.message }, 'on-site escalation mail not queued'));
    }
  }

  /** Repairs what timers may have missed: fires overdue checks, re-creates jobs due soon. */
  async sweep(): Promise<{ fired: number; repaired: number }> {
    const now = this.d.clock.now().getTime();
    const due = await this.dueWorkOrders(now + SWEEP_HORIZON_MS, 1000);
    let fired = 0;
    let repaired = 0;
    for (const wo of due) {
      const sla = wo.sla as OnSiteSla;
      if (new Date(sla.nextCheckAt!).getTime() <= now) {
        await this.check(String(wo._id));
        fired++;
      } else {
        repaired += await this.d.timers.ensure(String(wo._id), onSiteTimers(String(wo._id), sla));
      }
    }
    return { fired, repaired };
  }

  /** Live work orders whose next on-site check is at or before `until`: from the due set and by `_id` (DueSet.dueDocs). */
  private async dueWorkOrders(until: number, limit: number): Promise<WorkOrderDoc[]> {
    const { WorkOrder, due } = this.d;
    const query = { 'sla.nextCheckAt': { $ne: null }, status: { $nin: [...FINAL] } };
    if (!due) return WorkOrder.find({ ...query, 'sla.nextCheckAt': { $ne: null, $lte: new Date(until) } }).limit(limit);
    return due.dueDocs<WorkOrderDoc>(until, limit, {
      repairEveryMs: REPAIR_EVERY_MS,
      scan: async function* () {
        for await (const wo of WorkOrder.find(query, { _id: 1, 'sla.nextCheckAt': 1 }).lean().cursor()) yield [String(wo._id), new Date((wo.sla as OnSiteSla).nextCheckAt!)];
      },
      byIds: (ids) => WorkOrder.find({ _id: { $in: ids } }),
      idOf: (wo) => String(wo._id),
      wants: (wo) => {
        const at = (wo.sla as OnSiteSla | null)?.nextCheckAt;
        return at && !FINAL.includes(wo.status as WoStatus) ? new Date(at) : null;
      },
    });
  }
}
