import { NotFoundError } from '../../errors';
import type { Principal } from '../auth/principal';
import type { TicketDoc } from './ticket.model';
import type { UnitRef } from './ticket.updates';

/** The units module as tickets see it: a ticket links to one unit of its customer. */
export interface TicketUnitLinks {
  /** the unit by id, 404 when there is none or the principal may not see its owner */
  resolve(unitId: string, principal: Principal): Promise<UnitRef>;
  /** after a ticket was created or changed: the unit remembers the ticket */
  linked(ticket: TicketDoc): Promise<void>;
  /** the unit with its warranty and entitlement, for the ticket's view */
  view(ticket: TicketDoc): Promise<unknown | null>;
}

/**
 * Where the ticket routes reach units. The tickets module is built before the domains, so the
 * units module plugs its links in here when the modules are wired (src/main/modules.ts), as the
 * channels register their delivery adapters; until then a ticket names no unit (404 on a unitId).
 */
export class TicketUnits implements TicketUnitLinks {
  private links: TicketUnitLinks | null = null;

  use(links: TicketUnitLinks): void {
    this.links = links;
  }

  resolve(unitId: string, principal: Principal): Promise<UnitRef> {
    if (!this.links) throw new NotFoundError('Unit');
    return this.links.resolve(unitId, principal);
  }

  async linked(ticket: TicketDoc): Promise<void> {
    await this.links?.linked(ticket);
  }

  async view(ticket: TicketDoc): Promise<unknown | null> {
    return this.links ? this.links.view(ticket) : null;
  }
}
