/**
 * The console's strings, one file per area and language (`en/<area>.json`, `zh-CN/<area>.json`),
 * so that each domain keeps its own texts. A new area adds its two files here.
 * tests/unit/console/i18n.test.ts fails when a key exists in one language only.
 */
import enCore from './en/core.json';
import zhCore from './zh-CN/core.json';
import enChannels from './en/channels.json';
import zhChannels from './zh-CN/channels.json';

export const catalog: { en: Record<string, string>[]; 'zh-CN': Record<string, string>[] } = {
  en: [enCore, enChannels],
  'zh-CN': [zhCore, zhChannels],
};
