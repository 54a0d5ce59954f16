/** Small form parts of the settings pages: a labelled field with the server's error for it beside it. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { errorText, fieldErrors } from '../../errors';
import type { T } from '../../i18n';

let seq = 0;

/**
 * A field: its label, the control, and the server's problem with it (details[].path === `path`,
 * or one under it) as text next to it, linked to the control for screen readers.
 */
export function Field({ label, path, errors, children, hint }: { label: string; path: string; errors: Record<string, string>; children: ComponentChildren; hint?: string }) {
  const [id] = useState(() => `fe-${++seq}`);
  const problem = errors[path] ?? Object.entries(errors).find(([k]) => k.startsWith(`${path}.`))?.[1];
  return (
    <div class={`field ${problem ? 'invalid' : ''}`} data-field={path}>
      <label>
        <span class="field-label">{label}</span>
        {children}
      </label>
      {hint && <span class="muted small">{hint}</span>}
      {problem && <span class="field-error" id={id} role="alert">{problem}</span>}
    </div>
  );
}

/** A form's buttons: save (or another label) and cancel. */
export function FormActions({ t, onCancel, save }: { t: T; onCancel: () => void; save?: string }) {
  return (
    <div class="row">
      <button type="submit" class="primary">{save ?? t('settings.save')}</button>
      <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
    </div>
  );
}

/** Runs a save: on failure the field problems go to their fields and the rest to the form's message. */
export async function submitting(t: T, setErrors: (e: Record<string, string>) => void, setMessage: (m: string | null) => void, run: () => Promise<unknown>): Promise<boolean> {
  setErrors({});
  setMessage(null);
  try {
    await run();
    return true;
  } catch (err) {
    const fields = fieldErrors(err, t);
    setErrors(fields);
    setMessage(Object.keys(fields).length ? t('settings.fixFields') : errorText(err, t));
    return false;
  }
}

/** ISO 8601 durations as the forms show them: a number and a unit (minutes, hours, working days). */
export type DurationUnit = 'M' | 'H' | 'D';
export function splitDuration(iso: string | null | undefined): { n: string; unit: DurationUnit } {
  if (!iso) return { n: '', unit: 'H' };
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?)?$/.exec(iso);
  if (!m) return { n: '', unit: 'H' };
  const [, d, h, min] = m;
  if (d && !h && !min) return { n: d, unit: 'D' };
  if (h && !min && !d) return { n: h, unit: 'H' };
  const total = Number(d ?? 0) * 24 * 60 + Number(h ?? 0) * 60 + Number(min ?? 0);
  return { n: String(total), unit: 'M' };
}
export function joinDuration(n: string, unit: DurationUnit): string | undefined {
  if (!n.trim()) return undefined;
  return unit === 'D' ? `P${n.trim()}D` : `PT${n.trim()}${unit}`;
}
