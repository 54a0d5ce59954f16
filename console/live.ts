import { io, Socket } from 'socket.io-client';
import { createContext } from 'preact';
import { useContext, useEffect, useMemo, useRef } from 'preact/hooks';
import { debouncer } from './debounce';
import type { AgentsAnswer, AgentsClientEvent, AgentsClientEvents, AgentsClientPayload, AgentsPayload, AgentsServerEvent, AgentsServerEvents, ErrorAck } from '../src/realtime/agents.events';

/** The console's /agents connection, typed by the server's event maps. */
export type AgentsSocket = Socket<AgentsServerEvents, AgentsClientEvents>;

/** The one Socket.IO connection of the console to /agents; every live update arrives here (no polling). */
export function connect(token: string): AgentsSocket {
  return io('/agents', { auth: { token }, transports: ['websocket'] });
}

export const Live = createContext<AgentsSocket | null>(null);

/** A server event, or `connect` (a reconnect: state may have been missed). */
export type LiveEvent = AgentsServerEvent | 'connect';
type LivePayload<E extends LiveEvent> = E extends AgentsServerEvent ? AgentsPayload<E> : undefined;

/** Subscribes to server events for the component's lifetime; the latest handler is always used. */
export function useLive<E extends LiveEvent>(event: E | E[], handler: (payload: LivePayload<E>, event: E) => void): void {
  const socket = useContext(Live);
  const ref = useRef(handler);
  ref.current = handler;
  const events = Array.isArray(event) ? event : [event];
  useEffect(() => {
    if (!socket) return;
    // the events are a union the socket's typed `on` cannot take one by one: subscribe untyped, hand over typed
    const raw = socket as unknown as { on(e: string, fn: (p: unknown) => void): void; off(e: string, fn: (p: unknown) => void): void };
    const fns = events.map((e) => [e, (p: unknown) => ref.current(p as LivePayload<E>, e)] as const);
    for (const [e, fn] of fns) raw.on(e, fn);
    return () => {
      for (const [e, fn] of fns) raw.off(e, fn);
    };
  }, [socket, events.join(',')]);
}

/**
 * A refresh after a burst of events: the returned function may be called often; `fn` runs once,
 * `ms` after the last call, and it is the component's newest `fn` (its current filters), never one of
 * an earlier render. The timer dies with the component.
 */
export function useDebounced(fn: () => void, ms: number): () => void {
  const d = useMemo(() => debouncer(ms), [ms]);
  d.fn = fn;
  useEffect(() => d.cancel, [d]);
  return d.call;
}

/** Emits a client event and resolves with its ack: the answer, or `{error}` (also when offline or unanswered). */
export function emitAck<E extends AgentsClientEvent>(socket: AgentsSocket | null, event: E, payload: AgentsClientPayload<E>): Promise<AgentsAnswer<E> | ErrorAck> {
  return new Promise((resolve) => {
    if (!socket) return resolve({ error: { code: 'offline', message: 'not connected' } });
    const raw = socket as unknown as { timeout(ms: number): { emit(e: string, p: unknown, cb: (err: unknown, res: AgentsAnswer<E> | ErrorAck) => void): void } };
    raw.timeout(8000).emit(event, payload, (err, res) => resolve(err ? { error: { code: 'timeout', message: 'no answer' } } : res));
  });
}

/** Whether an ack is an error. */
export const isError = (r: unknown): r is ErrorAck => !!r && typeof r === 'object' && 'error' in r;
