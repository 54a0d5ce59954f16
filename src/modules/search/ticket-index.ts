import { inIdSlices } from '../../infra/batches';
import type { RedisClient } from '../../infra/redis';
import type { Logger } from '../../logger';
import type { MessageDoc, MessageModel } from '../tickets/message.model';
import type { TicketDoc, TicketModel } from '../tickets/ticket.model';
import type { TicketChanges, TicketObserver } from '../tickets/ticket.observers';
import { ANALYSIS_VERSION, Analyzer } from './analyzer';
import { indexBase, Postings } from './postings';

/** Postings of what customers and agents wrote openly, and of internal notes (agents of the team only). */
type Visibility = 'p' | 'i';

export interface TicketTextQuery {
  q: string;
  /** the teams to search; the caller has already limited them to what the agent may see */
  teams: readonly string[];
  limit: number;
  /** ticket numbers below this (the cursor) */
  below?: number;
  /** search internal notes too (agents); false for anything a customer could reach */
  internal: boolean;
}

/**
 * Ticket search by words: per team and term a Redis sorted set of ticket numbers (score = number,
 * so results come newest first and page by number). A search intersects the query words inside
 * each visible team's sets and merges the teams, all in one script: team scoping is inside the
 * query, and another team's volume neither slows nor hides a team's own matches.
 *
 * Kept current as a TicketObserver (creation, messages, subject and team changes); rebuilt from
 * MongoDB by `rebuild()` (the worker does it when the index of this analysis version is missing).
 */
export class TicketSearchIndex implements TicketObserver {
  readonly name = 'search' as const;
  readonly postings: Postings;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly analyzer: Analyzer,
    private readonly log: Logger,
  ) {
    this.postings = new Postings(redis, indexBase(prefix, 'tickets'));
  }

  // ---- observer ----------------------------------------------------------------------------------

  async created(ticket: TicketDoc, first: MessageDoc | null): Promise<void> {
    await this.indexTicketFields(ticket);
    if (first) await this.messageAdded(ticket, first);
  }

  async messageAdded(ticket: TicketDoc, message: MessageDoc): Promise<void> {
    if (message.kind !== 'message' || message.automatic) return;
    await this.add(ticket, message.internal ? 'i' : 'p', [message.body, message.fullBody ?? ''].join('\n'));
  }

  async changed(ticket: TicketDoc, changes: TicketChanges): Promise<void> {
    if (changes.team) await this.postings.moveGrouped(String(ticket.number), ticket.number, ticket.team);
    // the new subject's (tags', linked unit's model's) words replace the old ones (a word a message has too stays)
    if (changes.subject || changes.tags || changes.unitId) await this.indexTicketFields(ticket);
  }

  /** The ticket's own fields (subject, model, tags): set anew each time, so words of an old subject leave. */
  private async indexTicketFields(ticket: Pick<TicketDoc, 'number' | 'team' | 'subject' | 'product' | 'tags'>): Promise<void> {
    const terms = this.analyzer.terms([ticket.subject, ticket.product?.model ?? '', ...(ticket.tags ?? [])].join('\n'));
    await this.postings.setFields(String(ticket.number), ticket.number, ticket.team, terms.map((t) => `p:${t}`));
  }

  private async add(ticket: Pick<TicketDoc, 'number' | 'team'>, vis: Visibility, text: string): Promise<void> {
    const terms = this.analyzer.terms(text);
    await this.postings.addGrouped(String(ticket.number), ticket.number, ticket.team, terms.map((t) => `${vis}:${t}`));
  }

  // ---- search ------------------------------------------------------------------------------------

  /** Ticket numbers matching every word of `q` in `teams`, newest first. */
  async search(query: TicketTextQuery): Promise<number[]> {
    const words = this.analyzer.query(query.q).slice(0, 8);
    if (!words.length || !query.teams.length) return [];
    const vis: Visibility[] = query.internal ? ['p', 'i'] : ['p'];
    // A concept's set holds every ticket with any of its words (the word always brings the concept
    // along), so a word with a concept is matched by that one set: no union of large sets.
    const terms = words.map((w) => {
      const concept = w.alternatives.find((a) => a.term.startsWith('~') && a.weight >= 1);
      return concept ? [concept.term] : w.alternatives.map((a) => a.term);
    });
    const groups = query.teams.map((team) => ({
      alternatives: terms.map((alts) => alts.flatMap((t) => vis.map((v) => this.postings.groupKey(team, `${v}:${t}`)))),
    }));
    const ids = await this.postings.all(groups, query.limit, query.below);
    return ids.map(Number);
  }

  // ---- rebuild -----------------------------------------------------------------------------------

  private get builtKey(): string {
    return `${this.postings.base}:built`;
  }

  async isBuilt(): Promise<boolean> {
    return (await this.redis.exists(this.builtKey)) === 1;
  }

  /**
   * Refills the index from MongoDB: the tickets, then every message (per collection one query for
   * the `_id`s, then the documents `batch` at a time by `_id`: see inIdSlices; never a query per
   * ticket, nor a page that scans). Idempotent: adding a posting twice changes nothing.
   */
  async rebuild(Ticket: TicketModel, Message: MessageModel, batch = 100): Promise<{ tickets: number; messages: number }> {
    const started = Date.now();
    const teamOf = new Map<string, { number: number; team: string }>();
    let tickets = 0;
    const ticketIds = Ticket.find({}, { _id: 1 }).lean().cursor({ batchSize: 10_000 });
    const ticketPage = (ids: string[]) => Ticket.find({ _id: { $in: ids } }, { number: 1, team: 1, subject: 1, product: 1, tags: 1 }).lean();
    for await (const page of inIdSlices(ticketIds, batch, ticketPage)) {
      for (const t of page) teamOf.set(String(t._id), { number: t.number, team: t.team });
      // side by side: ioredis pipelines the scripts; the team the index already knows wins (a move seen meanwhile)
      await Promise.all(page.map((t) => this.indexTicketFields(t as unknown as TicketDoc)));
      tickets += page.length;
    }
    let messages = 0;
    const messageIds = Message.find({ kind: 'message' }, { _id: 1 }).lean().cursor({ batchSize: 10_000 });
    const messagePage = (ids: string[]) => Message.find({ _id: { $in: ids } }, { ticketId: 1, body: 1, fullBody: 1, internal: 1, automatic: 1 }).lean();
    for await (const page of inIdSlices(messageIds, batch, messagePage)) {
      await Promise.all(
        page.map((m) => {
          const t = teamOf.get(String(m.ticketId));
          return t && !m.automatic ? this.add(t, m.internal ? 'i' : 'p', [m.body, m.fullBody ?? ''].join('\n')) : undefined;
        }),
      );
      messages += page.length;
    }
    await this.redis.set(this.builtKey, String(Date.now()));
    this.log.info({ tickets, messages, ms: Date.now() - started, version: ANALYSIS_VERSION }, 'ticket search index rebuilt');
    return { tickets, messages };
  }
}
