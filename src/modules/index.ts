import type { Core } from '../container';
import type { AppModule } from './app-module';
import { mailModule } from '../mail/mail.module';
import { coreModule } from './core/core.module';
import { routingModule } from './routing/routing.module';
import { dashboardModule } from './dashboard/dashboard.module';
import { cannedModule } from './canned/canned.module';
import { callbacksModule } from './callbacks/callback.module';
import { CallbackService } from './callbacks/callback.service';
import { reportsModule, storedCalendars } from './reports/report.module';
import { DeliveryRouter } from '../channels/delivery';
import { chatModule } from '../channels/chat/chat.module';
import { surveyModule } from './surveys/survey.module';
import { emailModule } from '../channels/email/email.module';
import { calendarsModule } from './calendars/calendars.module';
import { slaModule } from './sla/sla.module';
import { voiceModule } from '../channels/voice/voice.module';
import { wechatModule } from '../channels/wechat/wechat.module';
import { smsModule } from '../channels/sms/sms.module';
import { imapModule } from '../channels/imap/imap.module';

/**
 * Every domain module, in the order their observers run. Each channel and domain adds itself here
 * with one line.
 */
export function buildModules(core: Core): AppModule[] {
  // callback tasks: created by the hotline, the surveys (follow-ups) and the API
  const callbacks = new CallbackService(core);
  // business hours (callbacks wait for the team's next opening) and SLA clocks on them
  const calendars = calendarsModule(core);
  callbacks.useHours(calendars.hours);
  const sla = slaModule(core, calendars.calendars);
  // agents' replies: one delivery function, dispatching by the ticket's channel to each channel's adapter
  const delivery = new DeliveryRouter(core.log.child({ component: 'delivery' }));
  core.tickets.useDelivery(delivery.deliver, delivery.check);
  // before routing: its observer may assign a new chat at once, after the chat joined the waiting queue
  const chat = chatModule(core, delivery);
  chat.chat.useCallbacks(callbacks);
  // satisfaction surveys and follow-up calls after a solve
  const surveys = surveyModule(core, callbacks);
  chat.chat.useRatings(surveys.answers);
  surveys.service.useChatPresence((t) => chat.chat.visitorOnline(t.visitorId));
  // email: SMTP intake, raw webhook, threaded replies; the fallback for channels without their own adapter
  const email = emailModule(core, delivery);
  // existing mailboxes (IMAP) fetched into the same intake as SMTP
  const imap = imapModule(core, email);
  // SMS notifications (SmsService for work orders, appointments, surveys) and replies by SMS
  const sms = smsModule(core, delivery);
  // WeChat Official Account: signed webhook, replies inside the 48-hour window
  const wechat = wechatModule(core, delivery, { sms: sms.sms });
  return [
    coreModule(core),
    mailModule(core.templates, core.mailer),
    chat,
    email,
    routingModule(core),
    dashboardModule(core),
    cannedModule(core),
    callbacksModule(core, callbacks),
    voiceModule(core, callbacks),
    wechat,
    sms,
    imap,
    surveys,
    reportsModule(core, storedCalendars(calendars.calendars)),
    calendars.module,
    sla,
  ];
}
