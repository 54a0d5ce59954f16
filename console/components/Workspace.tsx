import type { Me } from '../session';
import { Callbacks } from './Callbacks';
import { Queue } from './Queue';
import { TicketView } from './TicketView';

export function Workspace({ me, ticket }: { me: Me; ticket: number | null }) {
  return (
    <main class="workspace">
      <aside class="left">
        <Queue selected={ticket} />
        <Callbacks />
      </aside>
      <TicketView me={me} number={ticket} />
    </main>
  );
}
