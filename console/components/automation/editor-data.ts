import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import type { FieldPayload } from '../../../src/modules/fields/field.payloads';
import type { WebhookPayload } from '../../../src/modules/webhooks/webhook.payloads';
import type { VocabularyPayload } from '../../../src/modules/automation/automation.payloads';

export interface EditorData {
  teams: { key: string; name: string; nameZh?: string }[];
  agents: { id: string; name: string }[];
  fields: FieldPayload[];
  webhooks: WebhookPayload[];
  /** what rules and macros are written in, as the server accepts it */
  vocabulary: VocabularyPayload;
  reload(): void;
}

/** What the rules, macros and fields editors offer in their lists: teams, agents, custom fields, webhooks. */
export function useEditorData(withWebhooks: boolean): EditorData | null {
  const [data, setData] = useState<Omit<EditorData, 'reload'> | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let gone = false;
    Promise.all([
      api<{ teams: EditorData['teams'] }>('/api/teams'),
      api<{ agents: EditorData['agents'] }>('/api/agents'),
      api<{ fields: FieldPayload[] }>('/api/fields'),
      withWebhooks ? api<{ webhooks: WebhookPayload[] }>('/api/webhooks') : Promise.resolve({ webhooks: [] }),
      api<VocabularyPayload>('/api/automations/vocabulary'),
    ])
      .then(([t, a, f, w, vocabulary]) => !gone && setData({ teams: t.teams, agents: a.agents, fields: f.fields, webhooks: w.webhooks, vocabulary }))
      .catch(() => undefined);
    return () => {
      gone = true;
    };
  }, [n, withWebhooks]);
  return data && { ...data, reload: () => setN((x) => x + 1) };
}

/** The server's `details` of a 400/422 by path (`conditions.all.0.value`), to show next to the input they name. */
export type Issues = Map<string, string>;
export function issuesOf(details: unknown): Issues {
  const out = new Map<string, string>();
  if (Array.isArray(details)) for (const d of details as { path?: string; field?: string; message: string }[]) out.set(d.path ?? `fields.${d.field}`, d.message);
  return out;
}
/** The issues at or below `prefix`. */
export function issueAt(issues: Issues, prefix: string): string | null {
  for (const [k, v] of issues) if (k === prefix || k.startsWith(`${prefix}.`)) return v;
  return null;
}
