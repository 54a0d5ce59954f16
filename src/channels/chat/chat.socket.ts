import type { Namespace, Socket } from 'socket.io';
import type { z } from 'zod';
import { errorBody, ValidationError } from '../../errors';
import type { ClientIp } from '../../http/client-ip';
import type { Logger } from '../../logger';
import type { TicketModel } from '../../modules/tickets/ticket.model';
import { agentsClientSchemas } from '../../realtime/agents.schemas';
import { type AgentsNamespace, rooms, type Realtime } from '../../realtime/realtime';
import { socketHandler } from '../../realtime/socket-events';
import { chatRooms, type ChatEmitter } from './chat.emitter';
import { callbackSchema, chatAuthSchema, confirmSchema, endSchema, offlineSchema, rateSchema, sendSchema, typingSchema, verifySchema } from './chat.schemas';
import type { ChatVerification } from './chat.verify';
import type { ChatService, Visitor } from './chat.service';
import type { ChatLimitName, ChatLimits } from './chat.limits';
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
  limits: ChatLimits;
  clientIp: ClientIp;
  verification: ChatVerification;
  Ticket: TicketModel;
  log: Logger;
}

interface ChatSocketData {
  visitor: Visitor;
  /** the client's address (TRUST_PROXY decides whose X-Forwarded-For counts) */
  ip: string;
  token: string;
  lastMessageId?: string;
  ticketNumber?: number;
  lastTypingAt?: number;
}

/** Typing events closer together than this are dropped (the indicator needs no more). */
const TYPING_EVERY_MS = 300;

function parse<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const r = schema.safeParse(payload);
  if (!r.success) throw ValidationError.fromZod('payload', r.error);
  return r.data;
}

/**
 * /chat: the website visitor's namespace (CONTRACT.md). Every client event is validated and
 * answered in its ack, `{error:{code,message}}` on failure; a bad event never ends the connection.
 */
export function setupChatNamespace(nsp: Namespace, d: ChatSocketDeps): void {
  nsp.use(async (socket, next) => {
    try {
      const ip = d.clientIp.of(socket.request);
      await d.limits.take(['connectIp', ip]);
      const auth = parse(chatAuthSchema, socket.handshake.auth ?? {});
      if (auth.team && !(await d.teamExists(auth.team))) throw new ValidationError(`Unknown team ${auth.team}`);
      let vid = d.tokens.verify(auth.visitorToken);
      let token: string;
      if (vid) {
        token = d.tokens.tokenFor(vid); // renewed on use: `session` hands the visitor a fresh one
      } else {
        // No token, expired, or not ours (e.g. the secret changed): a new visitor, told its token in `session`.
        await d.limits.take(['newVisitorIp', ip]);
        ({ visitorId: vid, token } = d.tokens.issue());
        await d.state.markNew(vid);
      }
      const data: ChatSocketData = {
        visitor: { id: vid, name: auth.name || undefined, email: auth.email || undefined, phone: auth.phone || undefined, locale: auth.locale ?? 'en', team: auth.team ?? d.defaultTeam },
        ip,
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
      // once per chat, not per message: nothing takes a visitor's socket out of a chat's room
      const room = chatRooms.chat(n);
      if (!socket.rooms.has(room)) void socket.join(room);
    };

    const ip = data.ip;
    const on = <S extends z.ZodType>(event: string, schema: S, limits: [ChatLimitName, string][], fn: (p: z.output<S>) => Promise<unknown>) => {
      socket.on(event, socketHandler(schema, fn, { log: d.log, event, before: () => d.limits.take(...limits) }));
    };

    on('message:send', sendSchema, [['messageSocket', socket.id], ['messageVisitor', v.id], ['messageIp', ip]], async (p) => {
      if (!data.ticketNumber) await d.limits.take(['openIp', ip]); // this message opens a chat (or the socket has not heard of it yet)
      const r = await d.chat.send(v, p);
      inChat(r.ticketNumber);
      if (r.opened) {
        d.emitter.joinChat(v.id, r.ticketNumber);
        d.emitter.toVisitor(v.id, 'session', await d.chat.session(v, data.token));
      }
      // Echoed to the chat's other sockets (the visitor's other tabs, when there are any). The sender
      // shows a text message from this ack; a message with photos from its echo, which brings the stored files.
      const photos = !!r.message.attachments?.length;
      if (!r.duplicate && (photos || r.visitorSockets.some((id) => id !== socket.id))) d.realtime.toChat(r.ticketNumber, 'message:new', visitorMessage(r.message), photos ? undefined : socket.id);
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

    on('offline:message', offlineSchema, [['actionVisitor', v.id], ['openIp', ip]], async (p) => {
      const t = await d.chat.offline({ ...p, locale: p.locale ?? v.locale }, v.team);
      return { ticketNumber: t.number };
    });

    on('chat:end', endSchema, [['actionVisitor', v.id]], async (p) => {
      const r = await d.chat.end(v, { ...p, verified: p.transcript ? await d.verification.verified(v.id) : null });
      if (r.ended) d.realtime.toChat(r.ended.number, 'chat:ended', { ticketNumber: r.ended.number });
      return { ticketNumber: r.ticketNumber, transcript: r.transcript };
    });

    on('chat:rate', rateSchema, [['actionVisitor', v.id]], async (p) => {
      await d.chat.rate(v, p);
      return { ok: true };
    });

    on('callback:request', callbackSchema, [['callbackVisitor', v.id], ['callbackIp', ip]], async (p) => {
      if (!data.ticketNumber) await d.limits.take(['openIp', ip]); // the request opens a ticket
      const r = await d.chat.requestCallback(v, p);
      inChat(r.ticketNumber);
      return { ok: true, ticketNumber: r.ticketNumber, callbackId: r.callbackId };
    });

    on('email:verify', verifySchema, [['verifyVisitor', v.id], ['verifyIp', ip]], async (p) => {
      await d.limits.take(['verifyAddress', p.email.toLowerCase()]);
      await d.verification.request(v.id, p.email, v.locale);
      return { sent: true };
    });

    on('email:confirm', confirmSchema, [['confirmVisitor', v.id]], async (p) => {
      const email = await d.verification.confirm(v.id, p.code);
      await d.chat.identityVerified(v, email, data.ticketNumber);
      return { verified: true, email };
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
export function setupAgentTyping(agents: AgentsNamespace, d: Pick<ChatSocketDeps, 'Ticket' | 'realtime' | 'log'>): void {
  agents.on('connection', (socket) => {
    let last = 0;
    socket.on('typing', async (payload: unknown) => {
      // The routing module answers this event (ticket viewers); here it only reaches the visitor.
      const r = agentsClientSchemas.typing.safeParse(payload);
      if (!r.success) return;
      const p = r.data;
      const typing = p.typing ?? true;
      const now = Date.now();
      if (typing && now - last < TYPING_EVERY_MS) return;
      last = now;
      try {
        const t = await d.Ticket.findOne({ number: p.ticketNumber }, { channel: 1, team: 1 }).lean();
        const principal = socket.data.principal;
        if (t?.channel === 'chat' && principal.canSeeTeam(t.team)) d.realtime.toChat(p.ticketNumber, 'typing', { typing, name: principal.name });
      } catch (err) {
        d.log.warn({ err: (err as Error).message }, 'agent typing not forwarded');
      }
    });
  });
}
