import { AppError, errorBody } from '../errors';
import type { Principal } from '../modules/auth/principal';
import { type AgentsNamespace, rooms } from './realtime';

/**
 * /agents: authenticated in the handshake with the bearer token; each socket joins its own room,
 * one room per team it works in (managers: every team) and its role's room.
 */
export function setupAgentsNamespace(ns: AgentsNamespace, authenticate: (token: string | undefined) => Promise<Principal>): void {
  ns.use(async (socket, next) => {
    try {
      const token = (socket.handshake.auth as { token?: string })?.token;
      socket.data.principal = await authenticate(token);
      next();
    } catch (err) {
      const e = err instanceof AppError ? err : new AppError(401, 'unauthorized', 'Authentication failed');
      next(Object.assign(new Error(e.message), { data: errorBody(e) }));
    }
  });
  ns.on('connection', (socket) => {
    const p = socket.data.principal;
    const joined = [rooms.agent(p.id), rooms.session(p.tokenHash), rooms.role(p.role), ...(p.seesAllTeams ? [rooms.allTeams] : p.teams.map(rooms.team))];
    void socket.join(joined);
  });
}
