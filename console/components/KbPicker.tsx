import { useState } from 'preact/hooks';
import { api } from '../api';
import { useT } from '../i18n';

interface Hit {
  id: string;
  title: string;
  snippetText: string;
  locale: string;
  visibility: 'public' | 'internal';
}

/**
 * The composer's knowledge-base search: finds public and internal articles and inserts one's link
 * or text, in the ticket's language when the article has a translation (the server picks it and
 * counts the use for the report).
 */
export function KbPicker(p: { ticketNumber: number; locale: string; onInsert: (text: string) => void }) {
  const { t } = useT();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function search() {
    if (!q.trim()) return;
    setError(null);
    try {
      const r = await api<{ items: Hit[] }>(`/api/kb/search?${new URLSearchParams({ q: q.trim(), limit: '5' })}`);
      setHits(r.items);
    } catch (err) {
      setError(t('kb.failed', { message: (err as Error).message }));
    }
  }

  async function insert(hit: Hit, mode: 'link' | 'text') {
    try {
      const r = await api<{ text: string }>(`/api/kb/articles/${hit.id}/uses`, { method: 'POST', body: { ticketNumber: p.ticketNumber, mode } });
      p.onInsert(r.text);
    } catch (err) {
      setError(t('kb.failed', { message: (err as Error).message }));
    }
  }

  return (
    <div class="kb-picker" data-testid="kb-picker">
      <div class="row">
        <input type="search" aria-label={t('kb.search')} placeholder={t('kb.placeholder')} value={q} onInput={(e) => setQ(e.currentTarget.value)} onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), void search())} />
        <button type="button" onClick={() => void search()}>{t('kb.search')}</button>
      </div>
      {error && <p class="error">{error}</p>}
      {hits && !hits.length && <p class="muted small">{t('kb.none')}</p>}
      {hits && (
        <ul>
          {hits.map((h) => (
            <li>
              <strong>{h.title}</strong> {h.visibility === 'internal' && <span class="badge">{t('kb.internal')}</span>}
              <p class="muted small">{h.snippetText}</p>
              {h.visibility === 'public' && <button type="button" onClick={() => void insert(h, 'link')}>{t('kb.insertLink')}</button>}{' '}
              <button type="button" onClick={() => void insert(h, 'text')}>{t('kb.insertText')}</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
