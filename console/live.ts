import { io, Socket } from 'socket.io-client';
import { createContext } from 'preact';
import { useContext, useEffect, useRef } from 'preact/hooks';

/** The one Socket.IO connection of the console to /agents; every live update arrives here (no polling). */
export function connect(token: string): Socket {
  return io('/agents', { auth: { token }, transports: ['websocket'] });
}

export const Live = createContext<Socket | null>(null);

/** Subscribes to a server event for the component's lifetime; the latest handler is always used. */
export function useLive(event: string | string[], handler: (payload: any, event: string) => void): void {
  const socket = useContext(Live);
  const ref = useRef(handler);
  ref.current = handler;
  const events = Array.isArray(event) ? event : [event];
  useEffect(() => {
    if (!socket) return;
    const fns = events.map((e) => [e, (p: any) => ref.current(p, e)] as const);
    for (const [e, fn] of fns) socket.on(e, fn);
    return () => {
      for (const [e, fn] of fns) socket.off(e, fn);
    };
  }, [socket, events.join(',')]);
}

/** Calls fn at most once per `ms` after a burst of calls (event-driven refreshes). */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

export function emitAck<T = any>(socket: Socket | null, event: string, payload: unknown): Promise<T> {
  return new Promise((resolve) => {
    if (!socket) return resolve({ error: { code: 'offline', message: 'not connected' } } as T);
    socket.timeout(8000).emit(event, payload, (err: unknown, res: T) => resolve(err ? ({ error: { code: 'timeout', message: 'no answer' } } as T) : res));
  });
}
