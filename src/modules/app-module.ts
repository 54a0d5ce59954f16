import type { Router } from 'express';
import type { Namespace, Server } from 'socket.io';
import type { ApiRegistry } from '../http/api-route';
import type { JobHandlers } from '../infra/queues';

/**
 * A domain's contribution to the two entry points. The composition root builds each module with
 * plain constructors over the core services; the API process mounts routes and sockets and runs
 * `startApi`, the worker process runs processors and `startWorkers`.
 */
export interface AppModule {
  readonly name: string;
  routes?(api: ApiRegistry): Router[];
  /** express routes mounted before the JSON body parser (raw bodies: webhooks) */
  rawRoutes?(api: ApiRegistry): Router[];
  sockets?(io: Server, agents: Namespace): void;
  processors?(): JobHandlers;
  startApi?(): Promise<void>;
  stopApi?(): Promise<void>;
  startWorkers?(): Promise<void>;
  stopWorkers?(): Promise<void>;
}
