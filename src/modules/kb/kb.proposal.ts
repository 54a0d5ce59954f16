import { ConflictError } from '../../errors';
import type { Principal } from '../auth/principal';
import type { MessageDoc } from '../tickets/message.model';
import type { TicketDoc } from '../tickets/ticket.model';
import type { Locale } from '../../core/types';
import type { KB_CATEGORIES } from './kb.schemas';

export interface ProposalWords {
  problem: string;
  solution: string;
}

export interface ProposalTickets {
  visible(number: number, principal: Principal): Promise<TicketDoc>;
  messages(ticket: TicketDoc, opts: { includeInternal: boolean }): Promise<MessageDoc[]>;
}

const MODEL = /[A-Za-z]{1,4}-?\d{2,5}[A-Za-z0-9-]*/;
const HAN = /\p{Script=Han}/u;
const CATEGORY: Record<string, (typeof KB_CATEGORIES)[number]> = { fault: 'troubleshooting', warranty: 'warranty', return: 'warranty' };

/**
 * "Write an article from this ticket": a draft built from a solved ticket — its subject as the
 * title, the customer's first message as the problem, the agents' public replies as the solution,
 * its product model and tags — for the agent to edit and save (POST /api/kb/articles).
 */
export async function proposalFromTicket(tickets: ProposalTickets, number: number, principal: Principal, words: Record<Locale, ProposalWords>) {
  const ticket = await tickets.visible(number, principal);
  if (ticket.status !== 'solved' && ticket.status !== 'closed') throw new ConflictError('An article is written from a solved ticket; solve it first', 'ticket_not_solved');
  const messages = (await tickets.messages(ticket, { includeInternal: false })).filter((m) => m.kind === 'message' && !m.automatic);
  const question = messages.find((m) => m.author.type === 'customer');
  const replies = messages.filter((m) => m.author.type === 'agent');
  const locale: Locale = HAN.test(ticket.subject + (question?.body ?? '')) ? 'zh-CN' : 'en';
  const w = words[locale];
  const model = ticket.product?.model?.match(MODEL)?.[0]?.toUpperCase();
  const body = [`## ${w.problem}`, '', clip(question?.body ?? ticket.subject, 1500), '', `## ${w.solution}`, '', ...replies.map((r) => clip(r.body, 3000) + '\n')].join('\n').trim();
  return {
    locale,
    title: ticket.subject.slice(0, 200),
    body,
    visibility: 'public' as const,
    status: 'draft' as const,
    models: model ? [model] : [],
    tags: (ticket.tags ?? []).slice(0, 20),
    category: CATEGORY[ticket.type] ?? 'general',
    sourceTicket: ticket.number,
  };
}

function clip(text: string, max: number): string {
  const t = text.trim();
  return t.length > max ? t.slice(0, max) + '…' : t;
}
