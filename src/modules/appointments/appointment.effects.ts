import type { Locale } from '../../core/types';
import type { Clock } from '../../infra/clock';
import type { Queues } from '../../infra/queues';
import type { Logger } from '../../logger';
import type { MailOutbox } from '../../mail/outbox';
import type { CustomerDoc } from '../customers/customer.model';
import type { UnitDoc } from '../units/unit.model';
import { windowText } from '../workorders/workorders.effects';
import type { CustomerSms } from '../workorders/workorders.seams';
import type { AppointmentDoc, AppointmentModels } from './appointment.model';

const DAY_MS = 24 * 3600_000;
const KIND_TEXT: Record<Locale, Record<string, string>> = {
  en: { repair: 'repair', maintenance: 'maintenance', installation: 'installation', inspection: 'inspection' },
  'zh-CN': { repair: '维修', maintenance: '保养', installation: '安装', inspection: '检测' },
};

export interface AppointmentEffectsDeps {
  models: AppointmentModels;
  customers: { get(id: string): Promise<CustomerDoc> };
  units: { find(id: string): Promise<UnitDoc | null> };
  outbox: MailOutbox;
  queues: Queues;
  /** texts beside the mails where the customer has a phone (null until an SMS service is wired in) */
  sms: CustomerSms | null;
  /** a booking answers the unit's maintenance reminder (the appointment rate) */
  answered: (unitId: string, appointmentId: AppointmentDoc['_id'], at: Date) => Promise<void>;
  timeZoneOf: (team: string) => Promise<string>;
  clock: Clock;
  log: Logger;
  config: { publicUrl: string; cutoffMs: number };
}

/**
 * What a booking does outside itself: the confirmation (mail, and a text where there is a phone),
 * the day-before reminder (a BullMQ timer with a deterministic id per slot start; the sweeper
 * finds any it lost), the cancellation mail, and the reminder it answers.
 */
export class AppointmentEffects {
  constructor(private readonly d: AppointmentEffectsDeps) {}

  readonly onChange = async (a: AppointmentDoc, change: 'booked' | 'moved' | 'cancelled'): Promise<void> => {
    if (change === 'booked') await this.d.answered(String(a.unitId), a._id, this.d.clock.now());
    if (change !== 'cancelled') await this.scheduleReminder(a);
    await this.mail(a, change === 'cancelled' ? 'appointment-cancelled' : 'appointment-booked', `${change === 'cancelled' ? 'cancel' : 'booked'}-${a._id}-${a.slotStart.getTime()}`);
    if (change !== 'cancelled') await this.text(a, `appt-sms-${a._id}-${a.slotStart.getTime()}`);
  };

  async scheduleReminder(a: AppointmentDoc): Promise<void> {
    const at = a.slotStart.getTime() - DAY_MS;
    await this.d.queues.get('portal').add('appointment-remind', { appointmentId: String(a._id), slotStart: a.slotStart.getTime() }, { jobId: `appt-remind-${a._id}-${a.slotStart.getTime()}`, delay: Math.max(0, at - this.d.clock.now().getTime()), removeOnComplete: true });
  }

  /** The day-before reminder of a slot start: once (a conditional set), only while that slot is still booked. */
  async remind(appointmentId: string, slotStart: number): Promise<{ sent: boolean }> {
    const now = this.d.clock.now().getTime();
    if (slotStart - now > DAY_MS || slotStart <= now) return { sent: false };
    const a = await this.d.models.Appointment.findOneAndUpdate({ _id: appointmentId, status: 'booked', slotStart: new Date(slotStart), remindedFor: { $ne: new Date(slotStart) } }, { $set: { remindedFor: new Date(slotStart) } }, { new: true });
    if (!a) return { sent: false };
    await this.mail(a, 'appointment-reminder', `remind-${a._id}-${slotStart}`);
    return { sent: true };
  }

  /** Reminders due within the next day whose timer was lost. */
  async sweep(): Promise<number> {
    const now = this.d.clock.now();
    const due = await this.d.models.Appointment.find({ status: 'booked', slotStart: { $gt: now, $lte: new Date(now.getTime() + DAY_MS) } }, { _id: 1, slotStart: 1, remindedFor: 1 }).limit(1000).lean();
    let n = 0;
    for (const a of due) if (a.remindedFor?.getTime() !== a.slotStart.getTime() && (await this.remind(String(a._id), a.slotStart.getTime())).sent) n++;
    return n;
  }

  private async mail(a: AppointmentDoc, template: string, key: string): Promise<void> {
    const customer = await this.d.customers.get(String(a.customerId)).catch(() => null);
    const to = customer?.emails[0];
    if (!customer || !to) return;
    const locale: Locale = customer.locale === 'zh-CN' ? 'zh-CN' : 'en';
    const unit = await this.d.units.find(String(a.unitId));
    const base = this.d.config.publicUrl.replace(/\/$/, '');
    await this.d.outbox.send(
      {
        to,
        template,
        locale,
        ticketId: a.ticketId ? String(a.ticketId) : undefined,
        data: {
          customerName: customer.name,
          kindText: KIND_TEXT[locale][a.kind] ?? a.kind,
          windowText: windowText({ start: a.slotStart, end: a.slotEnd }, locale, await this.d.timeZoneOf(a.team)),
          model: unit?.model ?? a.model ?? '',
          serial: unit?.serial ?? '',
          address: a.address ?? '',
          workOrderNumber: a.workOrderNumber ?? '',
          cutoffHours: Math.round(this.d.config.cutoffMs / 3600_000),
          portalUrl: `${base}/portal?lang=${locale}`,
        },
      },
      `appt-mail-${key}`,
    );
  }

  private async text(a: AppointmentDoc, reference: string): Promise<void> {
    if (!this.d.sms) return;
    const customer = await this.d.customers.get(String(a.customerId)).catch(() => null);
    const phone = customer?.phones[0];
    if (!customer || !phone) return;
    const locale: Locale = customer.locale === 'zh-CN' ? 'zh-CN' : 'en';
    const vars = { number: a.workOrderNumber ?? '', windowText: windowText({ start: a.slotStart, end: a.slotEnd }, locale, await this.d.timeZoneOf(a.team)) };
    await this.d.sms.send({ phone }, 'appointment-confirmed', vars, locale, { reference }).catch((err: Error) => this.d.log.warn({ appointment: String(a._id), err: err.message }, 'appointment text not sent'));
  }
}
