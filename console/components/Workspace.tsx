import type { Me } from '../session';
import { CallbackList } from './callbacks/CallbackList';
import { Queue } from './Queue';
import { TicketView } from './TicketView';
import { UnitSearch } from './units/UnitSearch';

/**
 * The agent's workspace: the live queue and due callbacks beside the open ticket. On a phone it is
 * one column at a time (list, then the ticket with a way back), see `.list-detail` in styles.css.
 */
export function Workspace({ me, ticket }: { me: Me; ticket: number | null }) {
  return (
    <div class={`workspace list-detail ${ticket ? 'has-detail' : ''}`}>
      <aside class="left list-pane">
        <UnitSearch me={me} />
        <Queue selected={ticket} />
        <CallbackList />
      </aside>
      <div class="detail-pane">
        <TicketView me={me} number={ticket} backHref="#/" />
      </div>
    </div>
  );
}
