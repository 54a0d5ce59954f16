import { Types } from 'mongoose';
import { NotFoundError, ValidationError } from '../../errors';
import type { Clock } from '../../infra/clock';
import { ByIdReader } from '../../infra/by-id-reader';
import { GroupCommit } from '../../infra/group-commit';
import { insertDoc, insertPlain } from '../../infra/insert-doc';
import type { Locale } from '../../core/types';
import type { ContactModel, CustomerDoc, CustomerFields, CustomerModel } from './customer.model';

export interface CustomerInput {
  name?: string;
  email?: string | null;
  phone?: string | null;
  locale?: Locale;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Phone numbers compare by digits with an optional leading +, so "+86 138-0000-0000" meets "+8613800000000". */
export function normalizePhone(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/[^\d]/g, '');
  return trimmed.startsWith('+') ? `+${digits}` : digits;
}

/** Chinese text in a name or message is the best hint of the customer's language. */
export function guessLocale(...texts: (string | undefined | null)[]): Locale {
  return texts.some((t) => t && /[\u4e00-\u9fff]/.test(t)) ? 'zh-CN' : 'en';
}

/**
 * The customer archive: one person's calls, chats and mails meet in one record, found by any of
 * their email addresses or phone numbers.
 */
export class CustomerService {
  /** new customers and contacts of concurrent creations share insert commands (issue #23) */
  private readonly customerInserts: GroupCommit;
  private readonly contactInserts: GroupCommit;
  /** reads by _id of concurrent jobs share one query (a delivery's customer) */
  private readonly byId: ByIdReader<CustomerFields>;
  /** contact look-ups of concurrent creations share one query */
  private readonly contacts: ByIdReader<{ _id: string; customerId: unknown }, { _id: string; customerId: unknown }>;

  constructor(
    private readonly Customer: CustomerModel,
    private readonly Contact: ContactModel,
    private readonly clock: Clock,
  ) {
    this.customerInserts = new GroupCommit(Customer, 500, { prepared: true });
    this.contactInserts = new GroupCommit(Contact, 500, { prepared: true });
    this.byId = new ByIdReader(Customer);
    this.contacts = new ByIdReader(Contact, { lean: true, objectIds: false });
  }

  async findByContact(input: { email?: string | null; phone?: string | null }): Promise<CustomerDoc | null> {
    return (await this.lookUp(input)).customer;
  }

  /** The customer of the first contact key that is registered, and which of the keys are (to anyone). */
  private async lookUp(input: { email?: string | null; phone?: string | null }): Promise<{ customer: CustomerDoc | null; registered: Set<string> }> {
    const keys = contactKeys(input);
    if (!keys.length) return { customer: null, registered: new Set() };
    const contacts = (await this.contacts.many(keys)).filter((c): c is NonNullable<typeof c> => !!c);
    const registered = new Set(contacts.map((x) => String(x._id)));
    for (const key of keys) {
      const c = contacts.find((x) => x._id === key);
      if (c) return { customer: await this.resolve(c.customerId as Types.ObjectId), registered };
    }
    return { customer: null, registered };
  }

  /**
   * Finds the customer by email or phone, or creates one; race-free through the unique contact keys.
   * `team`: the team of the ticket about to be opened, written into a new record's `teams` at once
   * and `ticketId` (that ticket's id) into its `recentTickets` (the customers observer then has
   * nothing to add).
   */
  async findOrCreate(input: CustomerInput, opts: { team?: string; ticketId?: Types.ObjectId } = {}): Promise<CustomerDoc> {
    const { customer: found, registered } = await this.lookUp(input);
    if (found) {
      // only the keys nobody has yet (a returning customer's known address costs no failed insert)
      await this.addContacts(found, input, registered);
      return found;
    }
    const keys = contactKeys(input);
    const name = input.name?.trim() || input.email?.split('@')[0] || input.phone || 'Visitor';
    const created = await insertDoc(this.Customer, {
      name,
      emails: input.email ? [normalizeEmail(input.email)] : [],
      phones: input.phone ? [normalizePhone(input.phone)] : [],
      locale: input.locale ?? guessLocale(input.name),
      ...(opts.team ? { teams: [opts.team] } : {}),
      ...(opts.ticketId ? { recentTickets: [opts.ticketId] } : {}),
    }, this.customerInserts);
    for (const key of keys) {
      try {
        await insertPlain(this.Contact, { _id: key, customerId: created._id }, this.contactInserts);
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        // Someone registered the same contact meanwhile: theirs wins, ours goes.
        await this.Customer.deleteOne({ _id: created._id });
        await this.Contact.deleteMany({ customerId: created._id });
        const winner = await this.findByContact(input);
        if (!winner) throw err;
        return winner;
      }
    }
    return created;
  }

  async get(id: string | Types.ObjectId): Promise<CustomerDoc> {
    if (!Types.ObjectId.isValid(String(id))) throw new NotFoundError('Customer');
    const c = await this.resolve(new Types.ObjectId(String(id)));
    if (!c) throw new NotFoundError('Customer');
    return c;
  }

  async update(id: string, patch: Partial<{ name: string; locale: Locale; company: string | null; notes: string; emails: string[]; phones: string[] }>): Promise<CustomerDoc> {
    const c = await this.get(id);
    const { emails, phones, ...rest } = patch;
    Object.assign(c, rest);
    await c.save();
    for (const e of emails ?? []) await this.addContacts(c, { email: e });
    for (const p of phones ?? []) await this.addContacts(c, { phone: p });
    return this.get(id);
  }

  /**
   * Joins `from` into `into`: contacts, products, teams and (through the callback, which answers the
   * numbers of the tickets it moved) tickets move; the old record points to the new, and the new one
   * keeps who merged what and when (`merges`).
   */
  async merge(into: CustomerDoc, from: CustomerDoc, by: { id?: string; name: string }, moveTickets: (from: Types.ObjectId, into: Types.ObjectId) => Promise<number[]>): Promise<CustomerDoc> {
    if (String(into._id) === String(from._id)) throw new ValidationError('A customer cannot be merged into itself (or these records are already merged)');
    into.emails = [...new Set([...into.emails, ...from.emails])];
    into.phones = [...new Set([...into.phones, ...from.phones])];
    into.products.push(...from.products.map((p) => ({ model: p.model, serial: p.serial, purchaseDate: p.purchaseDate, warrantyExpires: p.warrantyExpires })));
    await into.save();
    await this.Contact.updateMany({ customerId: from._id }, { $set: { customerId: into._id } });
    const moved = await moveTickets(from._id, into._id);
    const record = { from: from._id, by: { id: by.id ?? null, name: by.name }, at: this.clock.now(), emails: from.emails, phones: from.phones, tickets: moved };
    await this.Customer.updateOne({ _id: into._id }, { $addToSet: { teams: { $each: from.teams ?? [] }, recentTickets: { $each: from.recentTickets ?? [] } }, $push: { merges: record } });
    await this.Customer.updateOne({ _id: from._id }, { $set: { mergedInto: into._id } });
    return this.get(String(into._id));
  }

  private async addContacts(c: CustomerDoc, input: { email?: string | null; phone?: string | null }, registered: Set<string> = new Set()): Promise<void> {
    const email = input.email ? normalizeEmail(input.email) : null;
    const phone = input.phone ? normalizePhone(input.phone) : null;
    let changed = false;
    for (const key of contactKeys(input)) {
      if (registered.has(key)) continue; // belongs to someone already (this customer, or another: leave it)
      try {
        await this.Contact.create({ _id: key, customerId: c._id });
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err; // belongs to someone already: leave it
        continue;
      }
      if (key.startsWith('email:') && email && !c.emails.includes(email)) (c.emails.push(email), (changed = true));
      if (key.startsWith('phone:') && phone && !c.phones.includes(phone)) (c.phones.push(phone), (changed = true));
    }
    if (changed) await c.save();
  }

  private async resolve(id: Types.ObjectId): Promise<CustomerDoc | null> {
    let c = await this.byId.get(id);
    for (let hops = 0; c?.mergedInto && hops < 5; hops++) c = await this.Customer.findById(c.mergedInto);
    return c;
  }
}

function contactKeys(input: { email?: string | null; phone?: string | null }): string[] {
  const keys: string[] = [];
  if (input.email) keys.push(`email:${normalizeEmail(input.email)}`);
  if (input.phone && normalizePhone(input.phone)) keys.push(`phone:${normalizePhone(input.phone)}`);
  return keys;
}
