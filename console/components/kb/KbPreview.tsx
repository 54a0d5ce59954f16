import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { useT } from '../../i18n';
import { errorText } from '../units/units-common';

/** The body as the help centre will show it: rendered and sanitised by the server's own renderer. */
export function KbPreview({ markdown }: { markdown: string }) {
  const { t } = useT();
  const [html, setHtml] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let gone = false;
    api<{ html: string }>('/api/kb/preview', { method: 'POST', body: { body: markdown } })
      .then((r) => !gone && setHtml(r.html))
      .catch((err) => !gone && setError(errorText(t, err)));
    return () => {
      gone = true;
    };
  }, [markdown]);
  if (error) return <p class="error">{error}</p>;
  return html === null ? <p class="muted">…</p> : <div class="kb-html kb-preview" data-testid="kb-preview" dangerouslySetInnerHTML={{ __html: html }} />;
}
