import { useState } from 'preact/hooks';
import { ApiError, session } from '../../api';
import { useT } from '../../i18n';
import { enqueue } from './outbox';
import { SignaturePad } from './SignaturePad';
import type { WorkOrder } from './types';

interface PartRow {
  sku: string;
  qty: number;
  defectiveSerial: string;
  newSerial: string;
}

async function uploadPhoto(workOrderId: string, file: File): Promise<{ id: string; filename: string }> {
  const res = await fetch(`/api/work-orders/${workOrderId}/photos?filename=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers: { 'Content-Type': file.type || 'image/jpeg', Accept: 'application/json', ...(session.token ? { Authorization: `Bearer ${session.token}` } : {}) },
    body: file,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? 'http_error', data?.error?.message ?? res.statusText);
  return data;
}

/** The service report on the phone: diagnosis, work, labour, parts, photos, and the signature drawn with a finger (or the refusal). */
export function ReportForm({ wo, onDone }: { wo: WorkOrder; onDone: () => void }) {
  const { t } = useT();
  const [diagnosis, setDiagnosis] = useState('');
  const [work, setWork] = useState('');
  const [labour, setLabour] = useState(30);
  const [parts, setParts] = useState<PartRow[]>([]);
  const [photos, setPhotos] = useState<{ id: string; filename: string }[]>([]);
  const [signer, setSigner] = useState(wo.contact.name);
  const [png, setPng] = useState<string | null>(null);
  const [refused, setRefused] = useState(false);
  const [refusal, setRefusal] = useState('');
  const [error, setError] = useState<string | null>(null);

  const setPart = (i: number, patch: Partial<PartRow>) => setParts((list) => list.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  const addPhotos = async (files: FileList | null) => {
    for (const f of Array.from(files ?? [])) {
      try {
        const p = await uploadPhoto(wo.id, f);
        setPhotos((list) => [...list, p]);
      } catch (err) {
        setError(t('wo.report.photoFailed', { message: (err as Error).message }));
      }
    }
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!refused && !png) return setError(t('wo.report.needSignature'));
    if (refused && !refusal.trim()) return setError(t('wo.report.needRefusal'));
    const body = {
      diagnosis,
      work,
      labourMinutes: Number(labour) || 0,
      parts: parts.filter((p) => p.sku.trim()).map((p) => ({ sku: p.sku.trim(), qty: Number(p.qty) || 1, ...(p.defectiveSerial ? { defectiveSerial: p.defectiveSerial } : {}), ...(p.newSerial ? { newSerial: p.newSerial } : {}) })),
      photos: photos.map((p) => p.id),
      ...(refused ? { refused: { reason: refusal } } : { signature: { name: signer, png } }),
    };
    await enqueue({ workOrderId: wo.id, number: wo.number, kind: 'report', body });
    onDone();
  };

  return (
    <form class="report-form" onSubmit={submit} data-testid="report-form">
      <h3>{t('wo.report.title', { number: wo.number })}</h3>
      <label>{t('wo.report.diagnosis')}<textarea name="diagnosis" required rows={3} value={diagnosis} onInput={(e) => setDiagnosis(e.currentTarget.value)} /></label>
      <label>{t('wo.report.work')}<textarea name="work" required rows={3} value={work} onInput={(e) => setWork(e.currentTarget.value)} /></label>
      <label>{t('wo.report.labour')}<input name="labourMinutes" type="number" min={0} max={1440} inputMode="numeric" value={labour} onInput={(e) => setLabour(Number(e.currentTarget.value))} /></label>
      <fieldset>
        <legend>{t('wo.report.parts')}</legend>
        {parts.map((p, i) => (
          <div class="part-row" data-part={i}>
            <input name="sku" placeholder={t('wo.report.sku')} value={p.sku} onInput={(e) => setPart(i, { sku: e.currentTarget.value })} />
            <input name="qty" type="number" min={1} inputMode="numeric" value={p.qty} onInput={(e) => setPart(i, { qty: Number(e.currentTarget.value) })} />
            <input name="defectiveSerial" placeholder={t('wo.report.defectiveSerial')} value={p.defectiveSerial} onInput={(e) => setPart(i, { defectiveSerial: e.currentTarget.value })} />
            <input name="newSerial" placeholder={t('wo.report.newSerial')} value={p.newSerial} onInput={(e) => setPart(i, { newSerial: e.currentTarget.value })} />
          </div>
        ))}
        <button type="button" class="big secondary" onClick={() => setParts((l) => [...l, { sku: '', qty: 1, defectiveSerial: '', newSerial: '' }])}>{t('wo.report.addPart')}</button>
      </fieldset>
      <label class="photos">{t('wo.report.photos')}<input type="file" accept="image/jpeg,image/png,image/webp" capture="environment" multiple onChange={(e) => void addPhotos(e.currentTarget.files)} /></label>
      {photos.length > 0 && <p class="muted small">{photos.map((p) => p.filename).join(', ')}</p>}
      <label class="check"><input type="checkbox" name="refused" checked={refused} onChange={(e) => setRefused(e.currentTarget.checked)} /> {t('wo.report.refused')}</label>
      {refused ? (
        <label>{t('wo.report.refusalReason')}<input name="refusal" value={refusal} onInput={(e) => setRefusal(e.currentTarget.value)} /></label>
      ) : (
        <>
          <label>{t('wo.report.signer')}<input name="signer" value={signer} onInput={(e) => setSigner(e.currentTarget.value)} /></label>
          <SignaturePad onChange={setPng} />
        </>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit" class="big primary" data-action="file-report">{t('wo.report.submit')}</button>
    </form>
  );
}
