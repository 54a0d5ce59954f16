import { Types } from 'mongoose';
import type { Locale } from '../../core/types';
import type { Clock } from '../../infra/clock';
import type { Queues } from '../../infra/queues';
import type { Logger } from '../../logger';
import type { MailOutbox } from '../../mail/outbox';
import type { CustomerDoc } from '../customers/customer.model';
import type { ProductDoc } from '../products/product.model';
import type { UnitDoc, UnitModel } from '../units/unit.model';
import { bookingLinks } from '../portal/signed-link';
import { dueAt, planState } from './maintenance.plan';
import type { ReminderDoc, ReminderModel } from './reminder.model';

/** A booking counts for the appointment rate when made within this long after the reminder. */
export const BOOKED_WITHIN_MS = 30 * 24 * 3600_000;
/** how long a reminder's booking link works */
const BOOKING_LINK_MS = 60 * 24 * 3600_000;
/** a pending reminder older than this is re-driven by the sweeper (its send job was lost) */
const PENDING_GRACE_MS = 60_000;

export interface ReminderDeps {
  Reminder: ReminderModel;
  Unit: UnitModel;
  products: { list(): Promise<ProductDoc[]>; find(model: string): Promise<ProductDoc | null> };
  customers: { get(id: string | Types.ObjectId): Promise<CustomerDoc> };
  queues: Queues;
  outbox: MailOutbox;
  clock: Clock;
  log: Logger;
  config: { publicUrl: string; sessionSecret: string; orgTimeZone: string };
}

/**
 * Maintenance reminders (保养提醒) per unit at its model's plan: `firstAfterMonths` after purchase,
 * then every `everyMonths`. The reminder record (unique `unit:dueDate`) is the truth; a BullMQ
 * delayed job per unit and due date only wakes `plan`, and a sweeper (every ten minutes and at every
 * worker start) plans every unit of a planned model, so a timer lost to a restart costs nothing and
 * a reminder is never sent twice.
 */
export class ReminderService {
  constructor(private readonly d: ReminderDeps) {}

  /** Creates the unit's due reminder (once) and sets the timer of its next date. */
  async plan(unitId: string): Promise<ReminderDoc | null> {
    const unit = Types.ObjectId.isValid(unitId) ? await this.d.Unit.findById(unitId) : null;
    if (!unit?.purchaseDate || unit.replacedBy) return null;
    const product = await this.d.products.find(unit.model);
    const plan = product?.maintenance;
    if (!plan) return null;
    const tz = this.d.config.orgTimeZone;
    const now = this.d.clock.now();
    const { latestDue, next } = planState(unit.purchaseDate, plan, now, tz);
    await this.d.queues.get('portal').add('maintenance-due', { unitId: String(unit._id) }, { jobId: `maint-due-${unit._id}-${next}`, delay: Math.max(0, dueAt(next, tz).getTime() - now.getTime()), removeOnComplete: true });
    if (!latestDue) return null;
    const reminder = await this.record(unit, latestDue);
    if (reminder.status === 'pending') await this.enqueueSend(reminder._id);
    return reminder;
  }

  /** Sends one reminder (the worker side). A reminder already sent is answered as it is. */
  async send(reminderId: string): Promise<{ sent: boolean }> {
    const r = await this.d.Reminder.findById(reminderId);
    if (!r || r.status !== 'pending') return { sent: false };
    const unit = await this.d.Unit.findById(r.unitId);
    const customer = unit ? await this.d.customers.get(unit.customerId).catch(() => null) : null;
    const to = customer?.emails[0];
    if (!unit || !customer || !to) {
      await this.d.Reminder.updateOne({ _id: r._id, status: 'pending' }, { $set: { status: 'skipped', skippedReason: !to ? 'no_email' : 'unit_gone' } });
      return { sent: false };
    }
    const product = await this.d.products.find(unit.model);
    const locale: Locale = customer.locale === 'zh-CN' ? 'zh-CN' : 'en';
    const token = bookingLinks(this.d.config.sessionSecret).sign({ u: String(unit._id), r: r._id, e: Math.floor((this.d.clock.now().getTime() + BOOKING_LINK_MS) / 1000) });
    const base = this.d.config.publicUrl.replace(/\/$/, '');
    // the mail job's id is the reminder's: a re-driven send is the same mail, delivered once
    await this.d.outbox.send(
      {
        to,
        template: 'maintenance-reminder',
        locale,
        data: { customerName: customer.name, model: unit.model, productName: product?.name?.[locale] ?? unit.model, serial: unit.serial, dueDate: r.dueDate, bookingUrl: `${base}/portal/book?t=${token}&lang=${locale}`, portalUrl: `${base}/portal?lang=${locale}` },
      },
      `maint-mail-${r._id.replace(/[^\w-]/g, '_')}`,
    );
    await this.d.Reminder.updateOne({ _id: r._id, status: 'pending' }, { $set: { status: 'sent', sentAt: this.d.clock.now() } });
    return { sent: true };
  }

  /** Plans every unit of a model with a plan, and re-drives pending reminders whose send was lost. */
  async sweep(): Promise<{ units: number; pending: number }> {
    const models = (await this.d.products.list()).filter((p) => p.maintenance).map((p) => p.model);
    let units = 0;
    if (models.length) {
      for await (const u of this.d.Unit.find({ model: { $in: models }, purchaseDate: { $ne: null } }, { _id: 1 }).lean().cursor()) {
        await this.plan(String(u._id)).catch((err: Error) => this.d.log.warn({ unit: String(u._id), err: err.message }, 'maintenance plan failed'));
        units++;
      }
    }
    const stale = await this.d.Reminder.find({ status: 'pending', createdAt: { $lt: new Date(this.d.clock.now().getTime() - PENDING_GRACE_MS) } }, { _id: 1 }).limit(500).lean();
    for (const r of stale) await this.enqueueSend(r._id);
    return { units, pending: stale.length };
  }

  /** A visit was booked for a unit: the latest reminder sent within 30 days before counts as answered. */
  async booked(unitId: Types.ObjectId | string, appointmentId: Types.ObjectId, at: Date): Promise<void> {
    const since = new Date(at.getTime() - BOOKED_WITHIN_MS);
    const r = await this.d.Reminder.findOne({ unitId: new Types.ObjectId(String(unitId)), status: 'sent', sentAt: { $gte: since, $lte: at }, bookedAt: null }).sort({ sentAt: -1 });
    if (r) await this.d.Reminder.updateOne({ _id: r._id, bookedAt: null }, { $set: { bookedAt: at, booked: 1, appointmentId } });
  }

  private async record(unit: UnitDoc, due: string): Promise<ReminderDoc> {
    const _id = `${unit._id}:${due}`;
    try {
      return await this.d.Reminder.create({ _id, unitId: unit._id, customerId: unit.customerId, model: unit.model, dueDate: due, status: 'pending' });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      return (await this.d.Reminder.findById(_id))!;
    }
  }

  private async enqueueSend(reminderId: string): Promise<void> {
    await this.d.queues.get('portal').add('maintenance-send', { reminderId }, { jobId: `maint-send-${reminderId.replace(/[^\w-]/g, '_')}`, removeOnComplete: true });
  }
}
