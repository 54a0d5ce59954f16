import { api } from '../../api';
import { useT } from '../../i18n';
import { FieldInputs, useFieldDefs } from '../FieldInputs';
import type { UnitPayload as Unit } from '../../../src/modules/units/unit.payloads';

/** A unit's custom fields (those defined for units), editable in place (PATCH /api/units/:id/fields per change). */
export function UnitFields({ unit, onChange }: { unit: Unit; onChange: (u: Unit) => void }) {
  const { t } = useT();
  const defs = useFieldDefs('unit').filter((f) => f.active || unit.fields?.[f.key] !== undefined);
  const save = async (fields: Record<string, unknown>) => onChange(await api<Unit>(`/api/units/${unit.id}/fields`, { method: 'PATCH', body: { fields } }));
  return <FieldInputs defs={defs} values={unit.fields ?? {}} save={save} label={t('fields.unitPanel')} />;
}
