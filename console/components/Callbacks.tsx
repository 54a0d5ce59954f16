import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { useT } from '../i18n';
import { debounce, useLive } from '../live';
import type { Callback } from '../types';
import { Icon, Time } from './common';

/** The agent's due and scheduled callbacks (回电/回访), refreshed when `callback:due` arrives. */
export function Callbacks() {
  const { t } = useT();
  const [list, setList] = useState<Callback[] | null>(null);
  const [available, setAvailable] = useState(true);
  const load = async () => {
    try {
      const res = await api<{ callbacks: Callback[] }>('/api/callbacks?mine=true&status=due,scheduled&limit=20');
      setList(res.callbacks);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setAvailable(false);
    }
  };
  const reload = useMemo(() => debounce(load, 200), []);
  useEffect(() => {
    void load();
  }, []);
  useLive('callback:due', reload);
  if (!available) return null;
  return (
    <section class="callbacks">
      <h2>{t('callbacks.title')}</h2>
      {list && !list.length && <p class="muted small">{t('callbacks.empty')}</p>}
      <ul>
        {(list ?? []).map((c) => (
          <li key={c.id} class={`cb st-${c.status}`}>
            <a href={`#/ticket/${c.ticketNumber}`}>
              <Icon name="phone" /> <strong>{t(`kind.${c.kind}`)}</strong> #{c.ticketNumber} {c.phone ?? ''} · <Time at={c.dueAt} />
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
