import { useT } from '../../i18n';
import { isLead, isManager, type Me } from '../../session';
import { AgentsSettings } from './AgentsSettings';
import { AuditLog } from './AuditLog';
import { CalendarsSettings } from './CalendarsSettings';
import { CannedSettings } from './CannedSettings';
import { HotlineSettings } from './HotlineSettings';
import { PoliciesSettings } from './PoliciesSettings';
import { TeamsSettings } from './TeamsSettings';

interface Section {
  key: string;
  allowed: (me: Me) => boolean;
  view: (me: Me) => preact.JSX.Element;
}

/** What each role may change: managers and admins all of it; supervisors the canned responses of their teams and their agents' chat capacity. */
const SECTIONS: Section[] = [
  { key: 'sla', allowed: isManager, view: () => <PoliciesSettings /> },
  { key: 'calendars', allowed: isManager, view: () => <CalendarsSettings /> },
  { key: 'teams', allowed: isManager, view: () => <TeamsSettings /> },
  { key: 'agents', allowed: isLead, view: (me) => <AgentsSettings me={me} /> },
  { key: 'canned', allowed: isLead, view: (me) => <CannedSettings me={me} /> },
  { key: 'hotline', allowed: isManager, view: () => <HotlineSettings /> },
  { key: 'audit', allowed: isManager, view: () => <AuditLog /> },
];

/** `#/settings/<section>`: the department's settings, one section at a time. */
export function SettingsPage({ me, section }: { me: Me; section: string | null }) {
  const { t } = useT();
  const allowed = SECTIONS.filter((s) => s.allowed(me));
  const current = allowed.find((s) => s.key === section) ?? allowed[0];
  return (
    <div class="page settings-page">
      <nav class="settings-nav" aria-label={t('settings.title')}>
        <h2>{t('settings.title')}</h2>
        <ul>
          {allowed.map((s) => (
            <li key={s.key}>
              <a href={`#/settings/${s.key}`} class={current?.key === s.key ? 'active' : ''} aria-current={current?.key === s.key ? 'page' : undefined} data-section={s.key}>{t(`settings.section.${s.key}`)}</a>
            </li>
          ))}
        </ul>
      </nav>
      <section class="settings-body" aria-labelledby="settings-section-title">
        <h2 id="settings-section-title" class="visually-hidden">{current ? t(`settings.section.${current.key}`) : ''}</h2>
        {current?.view(me)}
      </section>
    </div>
  );
}
