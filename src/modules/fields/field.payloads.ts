/**
 * The custom fields' wire shape: what `GET /api/fields` answers. A leaf, imported type-only by the
 * console (the ticket view's field inputs, the rules editor's conditions and actions).
 */
export interface FieldLabel {
  en: string;
  'zh-CN': string;
}

export interface FieldPayload {
  key: string;
  label: FieldLabel;
  type: 'text' | 'number' | 'date' | 'select' | 'checkbox';
  options: { value: string; label: FieldLabel }[];
  required: boolean;
  scope: { types: string[]; teams: string[] };
  customerVisible: boolean;
  appliesTo: 'ticket' | 'unit';
  order: number;
  active: boolean;
}
