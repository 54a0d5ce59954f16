import type { Router } from 'express';
import type { Server } from 'socket.io';
import type { ApiRegistry } from '../http/api-route';
import type { JobHandlers } from '../infra/queues';
import type { AgentsNamespace } from '../realtime/realtime';
import type { TicketObserver } from './tickets/ticket.observers';

/**
 * A domain's contribution to the two entry points. A module factory (`<domain>.module.ts`) takes
 * the core (data and infrastructure) and the services of other modules it uses, builds its own
 * services with plain constructors, and answers this. The API process mounts routes and sockets
 * and runs `startApi`; the worker process runs processors and `startWorkers`. A new domain adds
 * its factory with one line in src/main/modules.ts.
 */
export interface AppModule {
  readonly name: string;
  routes?(api: ApiRegistry): Router[];
  /** express routes mounted before the JSON body parser (raw bodies: webhooks) */
  rawRoutes?(api: ApiRegistry): Router[];
  /** socket handlers; `agents` is the /agents namespace (typed by src/realtime/agents.events.ts) */
  sockets?(io: Server, agents: AgentsNamespace): void;
  /** what the module does when tickets change; run in OBSERVER_ORDER (src/modules/tickets/ticket.observers.ts) */
  ticketObservers?(): TicketObserver[];
  /**
   * BullMQ job handlers. A processor reads ids from the job, re-reads the world and calls a service;
   * it holds no business logic and must be idempotent (deterministic job ids, conditional writes).
   */
  processors?(): JobHandlers;
  startApi?(): Promise<void>;
  stopApi?(): Promise<void>;
  startWorkers?(): Promise<void>;
  stopWorkers?(): Promise<void>;
}
