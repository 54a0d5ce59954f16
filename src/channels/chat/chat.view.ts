import type { MessageDoc } from '../../modules/tickets/message.model';
import type { VisitorMessage } from './chat.events';

/** What a visitor may see of a message: never internal notes, timeline events, or agent ids. */
export function visibleToVisitor(m: MessageDoc): boolean {
  return !m.internal && m.kind === 'message';
}

export function visitorMessage(m: MessageDoc): VisitorMessage {
  return {
    id: String(m._id),
    ticketNumber: m.ticketNumber,
    author: { type: m.author.type as VisitorMessage['author']['type'], name: m.author.name },
    body: m.body,
    createdAt: new Date(m.createdAt).toISOString(),
    clientId: m.clientId ?? null,
    attachments: (m.attachments ?? []).map((a) => ({ id: String(a.id), filename: a.filename ?? '', contentType: a.contentType ?? 'application/octet-stream', size: a.size ?? 0 })),
  };
}

/** A chat's subject: the first line of its first message. */
export function subjectOf(body: string): string {
  const line = body.split('\n').find((l) => l.trim()) ?? body;
  const s = line.trim();
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
