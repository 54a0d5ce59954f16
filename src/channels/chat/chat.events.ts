/**
 * The /chat namespace's event maps, shared by the server and the widget (type-only: the widget
 * bundle imports nothing else from the server).
 *
 * Resuming: the client connects with `auth.visitorToken` (from the last `session`) and
 * `auth.lastMessageId` (the newest message id it has shown). The server answers `session` and then
 * replays, as `message:new`, every visitor-visible message of the chat from a few seconds before
 * that message on: ids from different API nodes are not strictly ordered, so the replay overlaps
 * and the client drops ids it already has. Without `lastMessageId` the whole chat is replayed.
 */

export interface ChatErrorAck {
  error: { code: string; message: string; details?: unknown };
}

/** A file on a message, as the visitor may fetch it: `GET /api/chat/attachments/:id` with `X-Visitor-Token`. */
export interface VisitorAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface VisitorMessage {
  id: string;
  ticketNumber: number;
  author: { type: 'customer' | 'agent' | 'system'; name: string };
  body: string;
  createdAt: string;
  clientId: string | null;
  attachments: VisitorAttachment[];
}

export interface SessionPayload {
  visitorToken: string;
  /** null until the first message opens the chat */
  ticketNumber: number | null;
  team: string;
  /** some agent of the team is online; when not, the widget offers the offline form */
  agentsOnline: boolean;
  agent: { name: string } | null;
  /** place among the team's unassigned chats, 1 = next */
  position: number | null;
  ended: boolean;
}

export interface ChatAuth {
  name?: string;
  email?: string;
  phone?: string;
  visitorToken?: string;
  lastMessageId?: string;
  locale?: 'en' | 'zh-CN';
  team?: string;
}

export interface SendPayload {
  /** may be empty when the message carries attachments */
  body: string;
  clientId?: string;
  /** ids of photos uploaded with `POST /api/chat/attachments` */
  attachments?: string[];
}
export interface OfflinePayload {
  name: string;
  email: string;
  phone?: string;
  body: string;
  clientId?: string;
}
export interface EndPayload {
  /** email a transcript: only to the address this visitor proved with `email:verify` / `email:confirm` (else `email_unverified`) */
  transcript?: boolean;
  email?: string;
}
export interface RatePayload {
  score: number;
  comment?: string;
}
export interface CallbackPayload {
  phone: string;
  /** ISO date-time; now when omitted */
  at?: string;
}

type Ack<T> = (res: T | ChatErrorAck) => void;

export interface VisitorToServer {
  'message:send': (p: SendPayload, ack: Ack<{ id: string; ticketNumber: number }>) => void;
  typing: (p: { typing: boolean }) => void;
  'offline:message': (p: OfflinePayload, ack: Ack<{ ticketNumber: number }>) => void;
  'chat:end': (p: EndPayload, ack: Ack<{ ticketNumber: number | null; transcript: boolean }>) => void;
  'chat:rate': (p: RatePayload, ack: Ack<{ ok: true }>) => void;
  'callback:request': (p: CallbackPayload, ack: Ack<{ ok: true; callbackId: string | null }>) => void;
  /** mails a six-digit code to `email` (fixed text, limited per address, visitor and mail address) */
  'email:verify': (p: { email: string }, ack: Ack<{ sent: true }>) => void;
  /** the code from that mail: the address is proven for this visitor (transcripts, identity shown to agents) */
  'email:confirm': (p: { code: string }, ack: Ack<{ verified: true; email: string }>) => void;
}

export interface ServerToVisitor {
  session: (p: SessionPayload) => void;
  'message:new': (m: VisitorMessage) => void;
  typing: (p: { typing: boolean; name?: string }) => void;
  'agent:joined': (p: { name: string }) => void;
  'queue:position': (p: { position: number }) => void;
  availability: (p: { agentsOnline: boolean }) => void;
  'chat:ended': (p: { ticketNumber: number }) => void;
  /** the satisfaction survey of the solved chat: rate with `chat:rate`, or open `url` (a signed survey page) */
  'survey:offer': (p: { token: string; ticketNumber: number; url: string; scale: 5; expiresAt: string }) => void;
}
