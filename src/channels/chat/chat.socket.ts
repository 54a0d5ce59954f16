import type { Namespace, Socket } from 'socket.io';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { z } from 'zod';
import { AppError, errorBody, TooManyRequestsError, ValidationError } from '../../errors';
import { issueDetail } from '../../http/api-route';
import type { Logger } from '../../logger';
import type { Principal } from '../../modules/auth/principal';
import type { TicketModel } from '../../modules/tickets/ticket.model';
import { rooms, type Realtime } from '../../realtime/realtime';
import { chatRooms, type ChatEmitter } from './chat.emitter';
import { callbackSchema, chatAuthSchema, endSchema, offlineSchema, rateSchema, sendSchema, typingSchema } from './chat.schemas';
import type { ChatService, Visitor } from './chat.service';
import type { ChatState } from './chat.state';
import type { VisitorTokens } from './visitor-token';
import { visitorMessage } from './chat.view';

export interface ChatSocketDeps {
  chat: ChatService;
  state: ChatState;
  tokens: VisitorTokens;
  emitter: ChatEmitter;
  realtime: Realtime;
  teamExists: (team: string) => Promise<boolean>;
  defaultTeam: string;
  messageLimiter: RateLimiterRedis;
  actionLimiter: RateLimiterRedis;
  Ticket: TicketModel;
  log: Logger;
}

interface ChatSocketData {
  visitor: Visitor;
  token: string;
  lastMessageId?: string;
  ticketNumber?: number;
  lastTypingAt?: number;
}

/** Typing events closer together than this are dropped (the indicator needs no more). */
const TYPING_EVERY_MS = 300;

async function consume(limiter: RateLimiterRedis, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw new TooManyRequestsError('Too many messages; wait a moment', Math.ceil(err.msBeforeNext / 1000));
    throw err;
  }
}

function parse<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const r = schema.safeParse(payload);
  if (!r.success) throw new ValidationError('Invalid payload', r.error.issues.map(issueDetail));
  return r.data;
}

/**
 * /chat: the website visitor's namespace (CONTRACT.md). Every client event is validated and
 * answered in its ack, `{error:{code,message}}` on failure; a bad event never ends the connection.
 */
export function setupChatNamespace(nsp: Namespace, d: ChatSocketDeps): void {
  nsp.use(async (socket, next) => {
    try {
      const auth = parse(chatAuthSchema, socket.handshake.auth ?? {});
      if (auth.team && !(await d.teamExists(auth.team))) throw new ValidationError(`Unknown team ${auth.team}`);
      let vid = d.tokens.verify(auth.visitorToken);
      let token = auth.visitorToken ?? '';
      if (!vid) {
        // No token, or not ours (e.g. the secret changed): a new visitor, told its token in `session`.
        ({ visitorId: vid, token } = d.tokens.issue());
        await d.state.markNew(vid);
      }
      const data: ChatSocketData = {
        visitor: { id: vid, name: auth.name || undefined, email: auth.email || undefined, phone: auth.phone || undefined, locale: auth.locale ?? 'en', team: auth.team ?? d.defaultTeam },
        token,
        lastMessageId: auth.lastMessageId,
      };
      Object.assign(socket.data, data);
      next();
    } catch (err) {
      const body = errorBody(err);
      next(Object.assign(new Error(body.error.message), { data: body }));
    }
  });

  nsp.on('connection', (socket: Socket) => {
    const data = socket.data as ChatSocketData;
    const v = data.visitor;
    void socket.join(chatRooms.visitor(v.id));
    const inChat = (n: number) => {
      data.ticketNumber = n;
      void socket.join(chatRooms.chat(n));
    };

    const on = <S extends z.ZodType>(event: string, schema: S, limiter: RateLimiterRedis | null, fn: (p: z.output<S>) => Promise<unknown>) => {
      socket.on(event, async (...args: unknown[]) => {
        const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (r: unknown) => void) : () => undefined;
        try {
          if (limiter) await consume(limiter, v.id);
          ack(await fn(parse(schema, args[0])));
        } catch (err) {
          if (!(err instanceof AppError)) d.log.error({ event, err }, 'chat event failed');
          ack(errorBody(err));
        }
      });
    };

    on('message:send', sendSchema, d.messageLimiter, async (p) => {
      const r = await d.chat.send(v, p);
      inChat(r.ticketNumber);
      if (r.opened) {
        d.emitter.joinChat(v.id, r.ticketNumber);
        d.emitter.toVisitor(v.id, 'session', await d.chat.session(v, data.token));
      }
      // Echoed to every socket of the chat (other tabs); the sender knows it by its clientId.
      if (!r.duplicate) d.realtime.toChat(r.ticketNumber, 'message:new', visitorMessage(r.message));
      return { id: String(r.message._id), ticketNumber: r.ticketNumber };
    });

    socket.on('typing', (payload: unknown) => {
      const now = Date.now();
      if (!data.ticketNumber || now - (data.lastTypingAt ?? 0) < TYPING_EVERY_MS) return;
      const r = typingSchema.safeParse(payload);
      if (!r.success) return;
      data.lastTypingAt = now;
      d.realtime.toRoom(rooms.ticket(data.ticketNumber), 'typing', { ticketNumber: data.ticketNumber, author: { type: 'customer', name: v.name ?? '' }, typing: r.data.typing });
    });

    on('offline:message', offlineSchema, d.actionLimiter, async (p) => {
      const t = await d.chat.offline({ ...p, locale: p.locale ?? v.locale }, v.team);
      return { ticketNumber: t.number };
    });

    on('chat:end', endSchema, d.actionLimiter, async (p) => {
      const r = await d.chat.end(v, p);
      if (r.ended) d.realtime.toChat(r.ended.number, 'chat:ended', { ticketNumber: r.ended.number });
      return { ticketNumber: r.ticketNumber, transcript: r.transcript };
    });

    on('chat:rate', rateSchema, d.actionLimiter, async (p) => {
      await d.chat.rate(v, p);
      return { ok: true };
    });

    on('callback:request', callbackSchema, d.actionLimiter, async (p) => {
      const r = await d.chat.requestCallback(v, p);
      inChat(r.ticketNumber);
      return { ok: true, ticketNumber: r.ticketNumber, callbackId: r.callbackId };
    });

    socket.on('disconnect', () => {
      d.state.absent(v.id, socket.id).catch((err) => d.log.warn({ err: (err as Error).message }, 'chat presence not cleared'));
    });

    void (async () => {
      try {
        await d.state.present([{ vid: v.id, socketId: socket.id }]);
        const session = await d.chat.session(v, data.token);
        if (session.ticketNumber) inChat(session.ticketNumber);
        socket.emit('session', session);
        if (session.ticketNumber) for (const m of await d.chat.missed(session.ticketNumber, data.lastMessageId)) socket.emit('message:new', m);
      } catch (err) {
        d.log.error({ err }, 'chat session could not start');
        socket.emit('chat:error', errorBody(err));
      }
    })();
  });
}

/** Agents' typing on a chat ticket (`typing` `{ticketNumber, typing}` on /agents) reaches the visitor. */
export function setupAgentTyping(agents: Namespace, d: Pick<ChatSocketDeps, 'Ticket' | 'realtime' | 'log'>): void {
  agents.on('connection', (socket: Socket) => {
    let last = 0;
    socket.on('typing', async (payload: unknown) => {
      const p = payload as { ticketNumber?: unknown; typing?: unknown } | null;
      // The routing module validates and answers this event (ticket viewers); here it only reaches the visitor.
      if (!p || typeof p.ticketNumber !== 'number' || (p.typing !== undefined && typeof p.typing !== 'boolean')) return;
      const typing = p.typing ?? true;
      const now = Date.now();
      if (typing && now - last < TYPING_EVERY_MS) return;
      last = now;
      try {
        const t = await d.Ticket.findOne({ number: p.ticketNumber }, { channel: 1, team: 1 }).lean();
        const principal = socket.data.principal as Principal;
        if (t?.channel === 'chat' && principal.canSeeTeam(t.team)) d.realtime.toChat(p.ticketNumber, 'typing', { typing, name: principal.name });
      } catch (err) {
        d.log.warn({ err: (err as Error).message }, 'agent typing not forwarded');
      }
    });
  });
}
