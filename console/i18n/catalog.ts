/**
 * The console's strings, one file per area and language (`en/<area>.json`, `zh-CN/<area>.json`),
 * so that each domain keeps its own texts. A new area adds its two files here.
 * tests/unit/console/i18n.test.ts fails when a key exists in one language only.
 */
import enCallbacks from './en/callbacks.json';
import enChannels from './en/channels.json';
import enAutomation from './en/automation.json';
import enCore from './en/core.json';
import enErrors from './en/errors.json';
import enSettings from './en/settings.json';
import enShell from './en/shell.json';
import enTickets from './en/tickets.json';
import enTimeline from './en/timeline.json';
import enUnits from './en/units.json';
import enWorkorders from './en/workorders.json';
import enParts from './en/parts.json';
import zhCallbacks from './zh-CN/callbacks.json';
import zhChannels from './zh-CN/channels.json';
import zhAutomation from './zh-CN/automation.json';
import zhCore from './zh-CN/core.json';
import zhErrors from './zh-CN/errors.json';
import zhSettings from './zh-CN/settings.json';
import zhShell from './zh-CN/shell.json';
import zhTickets from './zh-CN/tickets.json';
import zhTimeline from './zh-CN/timeline.json';
import zhUnits from './zh-CN/units.json';
import zhWorkorders from './zh-CN/workorders.json';
import zhParts from './zh-CN/parts.json';
import enKb from './en/kb.json';
import zhKb from './zh-CN/kb.json';
import enAppointments from './en/appointments.json';
import zhAppointments from './zh-CN/appointments.json';

export const catalog: { en: Record<string, string>[]; 'zh-CN': Record<string, string>[] } = {
  en: [enCore, enShell, enErrors, enTimeline, enTickets, enCallbacks, enSettings, enUnits, enWorkorders, enKb, enChannels, enParts, enAutomation, enAppointments],
  'zh-CN': [zhCore, zhShell, zhErrors, zhTimeline, zhTickets, zhCallbacks, zhSettings, zhUnits, zhWorkorders, zhKb, zhChannels, zhParts, zhAutomation, zhAppointments],
};
