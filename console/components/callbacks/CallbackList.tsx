import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { useT } from '../../i18n';
import { useDebounced, useLive } from '../../live';
import { Icon, Time } from '../common';
import type { CallbackTask } from './types';

/** The workspace's short list of the agent's due and scheduled callbacks (回电/回访); the page works them. */
export function CallbackList() {
  const { t } = useT();
  const [list, setList] = useState<CallbackTask[] | null>(null);
  const [available, setAvailable] = useState(true);
  const load = async () => {
    try {
      const res = await api<{ callbacks: CallbackTask[] }>('/api/callbacks?mine=true&status=due,scheduled&limit=20');
      setList(res.callbacks);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setAvailable(false);
    }
  };
  const reload = useDebounced(() => void load(), 200);
  useEffect(() => {
    void load();
  }, []);
  useLive('callback:due', reload);
  if (!available) return null;
  return (
    <section class="callbacks" aria-labelledby="callbacks-title">
      <h2 id="callbacks-title">
        <a href="#/callbacks">{t('callbacks.title')}</a>
      </h2>
      {list && !list.length && <p class="muted small">{t('callbacks.empty')}</p>}
      <ul>
        {(list ?? []).map((c) => (
          <li key={c.id} class={`cb st-${c.status}`}>
            <a href={`#/callbacks?focus=${c.id}`}>
              <Icon name="phone" /> <strong>{t(`kind.${c.kind}`)}</strong> #{c.ticketNumber} <span translate={false}>{c.callPhone ?? ''}</span> · <Time at={c.dueAt} />
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
