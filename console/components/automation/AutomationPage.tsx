import { useT } from '../../i18n';
import { hasRole, ROLE_SETS } from '../../../src/core/types';
import type { Me } from '../../session';
import { useEditorData } from './editor-data';
import { FieldsTab } from './FieldsTab';
import { MacrosTab } from './MacrosTab';
import { RulesTab } from './RulesTab';
import { WebhooksTab } from './WebhooksTab';

export type AutomationTab = 'rules' | 'macros' | 'fields' | 'webhooks';

/** `#/automation/<tab>`: rules, macros, custom fields and webhooks. Managers see all four, leads the macros. */
export function AutomationPage({ me, tab }: { me: Me; tab: AutomationTab }) {
  const { t } = useT();
  const manager = hasRole(me.role, ROLE_SETS.managers);
  const tabs: AutomationTab[] = manager ? ['rules', 'macros', 'fields', 'webhooks'] : ['macros'];
  const current = tabs.includes(tab) ? tab : tabs[0];
  const data = useEditorData(manager);
  return (
    <div class="automation">
      <nav class="tabs" role="tablist">
        {tabs.map((x) => <a role="tab" href={`#/automation/${x}`} aria-selected={x === current} class={x === current ? 'active' : ''}>{t(`auto.tab.${x}`)}</a>)}
      </nav>
      {!data ? <p class="muted">{t('auto.loading')}</p> : current === 'rules' ? <RulesTab data={data} /> : current === 'macros' ? <MacrosTab me={me} data={data} /> : current === 'fields' ? <FieldsTab data={data} /> : <WebhooksTab data={data} />}
    </div>
  );
}
