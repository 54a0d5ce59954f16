import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { useT } from '../../i18n';
import type { DeliveryPayload, WebhookPayload } from '../../../src/modules/webhooks/webhook.payloads';
import { Time } from '../common';
import type { EditorData } from './editor-data';

const EVENTS = ['ticket.created', 'ticket.updated', 'message.created', 'workorder.updated', 'return.updated'];

/** The delivery log of one webhook: every attempt with its status and latency, and a replay button. */
function Deliveries({ webhook }: { webhook: WebhookPayload }) {
  const { t } = useT();
  const [list, setList] = useState<DeliveryPayload[] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const load = () => api<{ deliveries: DeliveryPayload[] }>(`/api/webhooks/${webhook.id}/deliveries?limit=50`).then((r) => setList(r.deliveries));
  useEffect(() => void load(), [webhook.id]);
  if (!list) return <p class="muted">{t('auto.loading')}</p>;
  if (!list.length) return <p class="muted">{t('webhooks.noDeliveries')}</p>;
  return (
    <div class="deliveries">
      {note && <p class="muted">{note}</p>}
      <table class="report-table">
        <thead><tr><th>{t('webhooks.col.when')}</th><th>{t('webhooks.col.event')}</th><th>{t('webhooks.col.status')}</th><th>{t('webhooks.col.attempts')}</th><th /></tr></thead>
        <tbody>
          {list.map((d) => (
            <tr data-delivery={d.id}>
              <td><Time at={d.createdAt} /></td>
              <td><code>{d.event}</code></td>
              <td class={`d-${d.status}`}>{t(`webhooks.status.${d.status}`)}</td>
              <td>
                <ol class="attempts">
                  {d.attempts.map((a) => {
                    const when = new Date(a.at).toLocaleTimeString();
                    return <li>{a.error && a.status === null ? t('webhooks.attemptError', { when, error: a.error, ms: a.latencyMs }) : t('webhooks.attempt', { when, status: String(a.status), ms: a.latencyMs })}</li>;
                  })}
                </ol>
              </td>
              <td><button class="link" onClick={() => void api(`/api/webhooks/${webhook.id}/deliveries/${d.id}/replay`, { method: 'POST' }).then(() => (setNote(t('webhooks.replayed')), load()))}>{t('webhooks.replay')}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Outgoing webhooks: subscribe a URL to events (the secret shown once), rotate, enable, read the deliveries. */
export function WebhooksTab({ data }: { data: EditorData }) {
  const { t } = useT();
  const [form, setForm] = useState<{ url: string; events: string[]; description: string } | null>(null);
  const [secret, setSecret] = useState<{ text: string; value: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const failMessage = (err: unknown) => (err instanceof ApiError && t(`error.${err.code}`) !== `error.${err.code}` ? t(`error.${err.code}`) : (err as Error).message);

  async function create() {
    if (!form) return;
    setError(null);
    try {
      const w = await api<WebhookPayload & { secret: string }>('/api/webhooks', { method: 'POST', body: form });
      setSecret({ text: t('webhooks.secretOnce'), value: w.secret });
      setForm(null);
      data.reload();
    } catch (err) {
      setError(failMessage(err));
    }
  }
  const rotate = async (w: WebhookPayload) => {
    const r = await api<{ secret: string }>(`/api/webhooks/${w.id}/rotate`, { method: 'POST', body: {} });
    setSecret({ text: t('webhooks.rotated'), value: r.secret });
    data.reload();
  };
  const setActive = async (w: WebhookPayload, active: boolean) => {
    await api(`/api/webhooks/${w.id}`, { method: 'PUT', body: { active } });
    data.reload();
  };

  return (
    <section class="webhooks-tab">
      {secret && (
        <div class="warning" role="alert" data-testid="webhook-secret">
          <p>{secret.text}</p>
          <code class="secret">{secret.value}</code>{' '}
          <button type="button" onClick={() => setSecret(null)}>{t('webhooks.secretKept')}</button>
        </div>
      )}
      {form ? (
        <form class="card" onSubmit={(e) => (e.preventDefault(), void create())}>
          <div class="row">
            <label>{t('webhooks.url')} <input name="url" type="url" required value={form.url} onInput={(e) => setForm({ ...form, url: e.currentTarget.value })} /></label>
            <label>{t('webhooks.description')} <input name="description" value={form.description} onInput={(e) => setForm({ ...form, description: e.currentTarget.value })} /></label>
          </div>
          <fieldset><legend>{t('webhooks.events')}</legend>
            {EVENTS.map((ev) => <label class="check"><input type="checkbox" checked={form.events.includes(ev)} onChange={() => setForm({ ...form, events: form.events.includes(ev) ? form.events.filter((x) => x !== ev) : [...form.events, ev] })} /> <code>{ev}</code></label>)}
          </fieldset>
          {error && <p class="error" role="alert">{error}</p>}
          <div class="row buttons"><span class="spacer" /><button type="button" onClick={() => setForm(null)}>{t('auto.cancel')}</button><button type="submit" class="primary">{t('auto.save')}</button></div>
        </form>
      ) : (
        <div class="row"><button class="primary" onClick={() => setForm({ url: '', events: ['ticket.created'], description: '' })}>{t('webhooks.new')}</button></div>
      )}
      {data.webhooks.length === 0 ? <p class="muted">{t('auto.none')}</p> : data.webhooks.map((w) => (
        <div class="card webhook" data-webhook={w.id}>
          <div class="row">
            <strong>{w.description || w.url}</strong> <code class="small">{w.url}</code>
            <span class="spacer" />
            <span class={w.active ? 'on' : 'off'}>{w.active ? t('auto.active') : t('auto.inactive')}</span>
            {w.consecutiveFailures > 0 && <span class="error small">{t('webhooks.failures', { count: w.consecutiveFailures })}</span>}
          </div>
          <div class="small muted">{w.events.join(', ')} · {w.secrets.map((s) => s.hint).join(' / ')}</div>
          {w.disabledAt && <p class="error small">{t('webhooks.disabled', { when: new Date(w.disabledAt).toLocaleString(), reason: w.disabledReason ?? '' })}</p>}
          <div class="row">
            <button type="button" onClick={() => void rotate(w)}>{t('webhooks.rotate')}</button>
            <button type="button" onClick={() => void setActive(w, !w.active)}>{w.active ? t('webhooks.disable') : t('webhooks.enable')}</button>
            <button type="button" onClick={() => setOpen(open === w.id ? null : w.id)}>{t('webhooks.deliveries')}</button>
          </div>
          {open === w.id && <Deliveries webhook={w} />}
        </div>
      ))}
    </section>
  );
}
