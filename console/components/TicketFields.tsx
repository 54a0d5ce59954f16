import { api } from '../api';
import { useT } from '../i18n';
import type { Ticket } from '../types';
import { FieldInputs, useFieldDefs } from './FieldInputs';

/** The ticket's custom fields that apply to its type and team, editable in place (a PATCH of the ticket per change). */
export function TicketFields({ ticket, onTicket }: { ticket: Ticket; onTicket: (t: Ticket) => void }) {
  const { t } = useT();
  const defs = useFieldDefs('ticket').filter((f) => f.active && (!f.scope.types.length || f.scope.types.includes(ticket.type)) && (!f.scope.teams.length || f.scope.teams.includes(ticket.team)));
  const save = async (fields: Record<string, unknown>) => onTicket(await api<Ticket>(`/api/tickets/${ticket.number}`, { method: 'PATCH', body: { fields } }));
  return <FieldInputs defs={defs} values={ticket.fields ?? {}} save={save} label={t('fields.panel')} />;
}
