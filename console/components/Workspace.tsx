import type { Me } from '../session';
import { Callbacks } from './Callbacks';
import { Queue } from './Queue';
import { TicketView } from './TicketView';
import { UnitSearch } from './units/UnitSearch';

export function Workspace({ me, ticket }: { me: Me; ticket: number | null }) {
  return (
    <main class="workspace">
      <aside class="left">
        <UnitSearch me={me} />
        <Queue selected={ticket} />
        <Callbacks />
      </aside>
      <TicketView me={me} number={ticket} />
    </main>
  );
}
