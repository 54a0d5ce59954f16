import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { eventually, startTestApp, TestApp } from '../helpers/harness';

type Msg = { body: string; kind: string; internal: boolean; author: { type: string; name: string }; event: { type: string; data: Record<string, unknown> } | null };
type Hooked = { headers: Record<string, string>; body: string };

/**
 * Rules and outgoing webhooks on the other domains' records, through their own APIs on the real
 * stores: a return approved by the warranty technician, a work order dispatched by the supervisor,
 * the unit a ticket is linked to, and "contains" read by the search analyzer.
 */
describe('automation on returns, work orders, units and words', () => {
  let app: TestApp;
  let manager: Awaited<ReturnType<TestApp['as']>>;
  let admin: Awaited<ReturnType<TestApp['as']>>;
  let server: http.Server;
  let hookUrl: string;
  const got: Hooked[] = [];
  const timeline = async (n: number): Promise<Msg[]> => (await manager.get(`/api/tickets/${n}/messages`)).body.messages;
  const customer = async (email: string) => (await app.c.customers.findByContact({ email }))!;
  const firstTicketOf = async (email: string) => (await app.c.models.Ticket.findOne({ customerId: (await customer(email))._id }).sort({ number: 1 }))!;

  beforeAll(async () => {
    app = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE: 'PT0.3S' } });
    manager = await app.as('manager@demo.local');
    admin = await app.as('admin@demo.local');
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/erp`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await app.close();
  });

  it('tells the ERP and the customer when a return is approved: a rule on return.updated and a signed webhook with the return read fresh', async () => {
    const hook = await admin.post('/api/webhooks').send({ url: hookUrl, events: ['return.updated'], description: 'ERP returns' });
    expect(hook.status).toBe(201);
    const rule = await manager.post('/api/automations').send({
      name: 'Return approved: tell the customer',
      on: 'return.updated',
      conditions: { all: [{ field: 'return.status', op: 'changed_to', value: 'approved' }, { field: 'return.kind', op: 'equals', value: 'return' }] },
      actions: [{ type: 'add_tags', tags: ['return-approved'] }, { type: 'reply', template: { en: 'Your return for #{{ticket.number}} is approved.', 'zh-CN': '工单 #{{ticket.number}} 的退货已批准。' } }],
    });
    expect(rule.status).toBe(201);

    const c = await customer('liu.fang@example.cn'); // a dishwasher bought yesterday (demo)
    const unit = (await admin.get(`/api/customers/${c._id}/units`)).body.units[0] as { id: string; serial: string };
    const ticket = await firstTicketOf('liu.fang@example.cn');
    const agent2 = await app.as('agent2@demo.local');
    const tech = await app.as('warranty@demo.local');
    const created = await agent2.post(`/api/tickets/${ticket.number}/returns`).send({ kind: 'return', unitId: unit.id, reason: '外壳右侧有明显划痕', reasonCode: 'damaged_on_arrival', clientId: 'linked-req-1' });
    expect(created.status).toBe(201);
    const approve = await tech.post(`/api/returns/${created.body.id}/events`).send({ type: 'approve', note: '请寄回', clientId: 'linked-approve-1' });
    expect(approve.status).toBe(201);

    // the rule: its reply (its last action) in the customer's language, its tag, applied once
    const reply = await eventually(async () => (await timeline(ticket.number)).find((m) => m.kind === 'message' && m.author.type === 'system' && m.body.includes('退货已批准')), 20_000);
    expect(reply).toMatchObject({ body: `工单 #${ticket.number} 的退货已批准。`, internal: false });
    expect((await manager.get(`/api/tickets/${ticket.number}`)).body.tags).toContain('return-approved');
    const applied = (await timeline(ticket.number)).filter((m) => m.event?.type === 'rule_applied');
    expect(applied).toHaveLength(1);
    expect(applied[0].event!.data).toMatchObject({ rule: 'Return approved: tell the customer', event: 'return.updated' });

    // the webhook: one delivery per step (requested, approved), each with the return as it is when the
    // delivery is made (read fresh) and what that step changed, signed
    const stepTo = (r: Hooked) => JSON.parse(r.body).data?.changes?.status?.[1];
    const approved = await eventually(async () => got.find((r) => stepTo(r) === 'approved'), 20_000);
    const payload = new Webhook(hook.body.secret).verify(approved.body, approved.headers) as { type: string; data: Record<string, any> };
    expect(payload).toMatchObject({
      type: 'return.updated',
      data: { return: { id: created.body.id, number: created.body.number, status: 'approved', kind: 'return', serial: unit.serial, ticketNumber: ticket.number }, ticket: { number: ticket.number }, changes: { status: ['requested', 'approved'] } },
    });
    expect(payload.data.return.nextSteps).toBeUndefined(); // what a reader may do next is not the record
    const requested = await eventually(async () => got.filter((r) => stepTo(r) === 'requested').length || null, 20_000);
    expect(requested).toBe(1);
    // a rule on return.updated did not fire on the request step: its condition says approved
    expect((await timeline(ticket.number)).filter((m) => m.event?.type === 'rule_applied')).toHaveLength(1);
    await manager.delete(`/api/automations/${rule.body.id}`).expect(204);
  });

  it('runs a rule when a work order is dispatched, with the work order as its API shows it', async () => {
    const sup = await app.as('supervisor@demo.local');
    const engineer1 = String((await app.c.models.Agent.findOne({ email: 'engineer1@demo.local' }))!._id);
    const rule = await manager.post('/api/automations').send({
      name: 'Dispatched: note for the desk',
      on: 'workorder.updated',
      conditions: { all: [{ field: 'workorder.status', op: 'changed_to', value: 'dispatched' }, { field: 'workorder.kind', op: 'equals', value: 'repair' }] },
      actions: [{ type: 'note', text: 'An engineer is on it: tell the customer if they call.' }, { type: 'set_priority', value: 'high' }],
    });
    expect(rule.status).toBe(201);
    const ticket = (await app.c.models.Ticket.findOne({ subject: /E4/ }))!;
    const wo = await sup.post(`/api/tickets/${ticket.number}/work-orders`).send({ kind: 'repair', description: '空调不制冷，E4', address: '上海市浦东新区世纪大道 100 号 12 楼' });
    expect(wo.status).toBe(201);
    // created, then scheduled: not dispatched yet, so nothing
    const start = new Date(Date.now() + 26 * 3600_000);
    const window = { start: start.toISOString(), end: new Date(start.getTime() + 2 * 3600_000).toISOString() };
    expect((await sup.patch(`/api/work-orders/${wo.body.id}`).send({ window })).body.status).toBe('scheduled');
    expect((await sup.patch(`/api/work-orders/${wo.body.id}`).send({ engineer: engineer1 })).body.status).toBe('dispatched');

    const note = await eventually(async () => (await timeline(ticket.number)).find((m) => m.event?.type === 'rule_note' && m.body.includes('An engineer is on it')), 20_000);
    expect(note).toMatchObject({ internal: true });
    expect((await manager.get(`/api/tickets/${ticket.number}`)).body.priority).toBe('high');
    const applied = (await timeline(ticket.number)).filter((m) => m.event?.type === 'rule_applied' && m.event.data.rule === 'Dispatched: note for the desk');
    expect(applied).toHaveLength(1);
    await manager.delete(`/api/automations/${rule.body.id}`).expect(204);
  });

  it('reads the unit a ticket is linked to, with its warranty now', async () => {
    const rule = await manager.post('/api/automations').send({
      name: 'In warranty: tag',
      on: 'ticket.updated',
      conditions: { all: [{ field: 'unit.warranty', op: 'equals', value: 'in' }, { field: 'unit.model', op: 'equals', value: 'DW-600' }] },
      actions: [{ type: 'add_tags', tags: ['in-warranty'] }],
    });
    expect(rule.status).toBe(201);
    const c = await customer('liu.fang@example.cn');
    const unit = (await admin.get(`/api/customers/${c._id}/units`)).body.units[0] as { id: string; model: string };
    expect(unit.model).toBe('DW-600');
    const agent2 = await app.as('agent2@demo.local');
    const t = await agent2.post('/api/tickets').send({ channel: 'voice', subject: '洗碗机有异响', body: '洗碗机有异响', customer: { name: '刘芳', email: 'liu.fang@example.cn' }, team: 'returns' });
    expect(t.status).toBe(201);
    // a change without a unit: the rule's unit conditions do not hold
    await agent2.patch(`/api/tickets/${t.body.number}`).send({ priority: 'high' }).expect(200);
    // linking the in-warranty unit is a change the rule sees, with the unit's warranty
    await agent2.patch(`/api/tickets/${t.body.number}`).send({ unitId: unit.id }).expect(200);
    const tagged = await eventually(async () => {
      const tk = (await manager.get(`/api/tickets/${t.body.number}`)).body;
      return tk.tags.includes('in-warranty') ? tk : null;
    }, 20_000);
    expect(tagged.tags).toEqual(['in-warranty']);
    expect((await timeline(t.body.number)).filter((m) => m.event?.type === 'rule_applied')).toHaveLength(1);
    await manager.delete(`/api/automations/${rule.body.id}`).expect(204);
  });

  it('matches "contains" by words and synonyms, as search reads Chinese and English', async () => {
    const rule = await manager.post('/api/automations').send({
      name: '退款 → returns',
      on: 'ticket.created',
      conditions: { any: [{ field: 'ticket.subject', op: 'contains', value: '退款' }] },
      actions: [{ type: 'set_team', value: 'returns' }],
    });
    expect(rule.status).toBe(201);
    const agent1 = await app.as('agent1@demo.local');
    const open = async (subject: string) => (await agent1.post('/api/tickets').send({ channel: 'web', subject, body: subject, customer: { name: '王芳', email: `w.${Math.random().toString(36).slice(2)}@example.cn` }, team: 'support' })).body.number as number;
    const [synonym, english, unrelated] = [await open('申请退货：洗碗机'), await open('I want a refund for my washer'), await open('空调遥控器丢了')];
    const teamOf = async (n: number) => (await manager.get(`/api/tickets/${n}`)).body.team;
    expect(await teamOf(synonym)).toBe('returns'); // 退货 is 退款's synonym in the search vocabulary
    expect(await teamOf(english)).toBe('returns'); // refund, across languages
    expect(await teamOf(unrelated)).toBe('support');
    await manager.delete(`/api/automations/${rule.body.id}`).expect(204);
  });

  it('keeps custom fields on units: checked when registered and changed (422 naming the field), cleared by null, in the unit\'s history', async () => {
    const field = await manager.post('/api/fields').send({ key: 'install_site', label: { en: 'Installed in', 'zh-CN': '安装位置' }, type: 'select', options: ['kitchen', 'basement'], appliesTo: 'unit' });
    expect(field.status).toBe(201);
    expect((await manager.post('/api/fields').send({ key: 'installed_on', label: { en: 'Installed on', 'zh-CN': '安装日期' }, type: 'date', appliesTo: 'unit' })).status).toBe(201);
    const ticketField = await manager.post('/api/fields').send({ key: 'callback_ok', label: { en: 'Callback OK', 'zh-CN': '可回访' }, type: 'checkbox' });
    expect(ticketField.status).toBe(201);
    const agent2 = await app.as('agent2@demo.local');
    const c = await customer('liu.fang@example.cn');

    const bad = await agent2.post(`/api/customers/${c._id}/units`).send({ model: 'DW-600', serial: 'DW6-FIELDS-1', purchaseDate: '2026-11-01', fields: { install_site: 'garage' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: 'invalid_fields', details: [{ field: 'install_site', code: 'option' }] });
    expect((await admin.get(`/api/units?serial=DW6-FIELDS-1`)).status).toBe(404); // a refused write stores nothing

    const made = await agent2.post(`/api/customers/${c._id}/units`).send({ model: 'DW-600', serial: 'DW6-FIELDS-1', purchaseDate: '2026-11-01', fields: { install_site: 'kitchen' } });
    expect(made.status).toBe(201);
    expect(made.body.fields).toEqual({ install_site: 'kitchen' });

    // a ticket's field is no unit's; a date must be a date
    const wrong = await agent2.patch(`/api/units/${made.body.id}/fields`).send({ fields: { callback_ok: true, installed_on: 'yesterday' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'callback_ok', code: 'unknown' }), expect.objectContaining({ field: 'installed_on' })]));
    expect((await agent2.get(`/api/units/${made.body.id}`)).body.fields).toEqual({ install_site: 'kitchen' });

    const set = await agent2.patch(`/api/units/${made.body.id}/fields`).send({ fields: { installed_on: '2026-11-03', install_site: null } });
    expect(set.status).toBe(200);
    expect(set.body.fields).toEqual({ installed_on: expect.stringMatching(/^2026-11-03/) });
    const history = (await agent2.get(`/api/units/${made.body.id}/history`)).body.entries;
    expect(history.find((e: { action: string }) => e.action === 'fields_changed')).toMatchObject({ actor: { name: expect.any(String) }, changes: { fields: { install_site: ['kitchen', null] } } });
    // another team's agent does not see the unit, nor may set its fields
    const agent1 = await app.as('agent1@demo.local');
    expect((await agent1.patch(`/api/units/${made.body.id}/fields`).send({ fields: { install_site: 'kitchen' } })).status).toBe(404);
  });

  it('fills a reply with the custom fields the customer may see, and never with the others', async () => {
    expect((await manager.post('/api/fields').send({ key: 'visit_slot', label: { en: 'Visit slot', 'zh-CN': '上门时段' }, type: 'select', options: [{ value: 'am', label: { en: 'morning', 'zh-CN': '上午' } }, 'pm'], customerVisible: true })).status).toBe(201);
    expect((await manager.post('/api/fields').send({ key: 'risk_note', label: { en: 'Risk note', 'zh-CN': '风险备注' }, type: 'text' })).status).toBe(201);
    const agent1 = await app.as('agent1@demo.local');
    const t = (await agent1.post('/api/tickets').send({ channel: 'web', subject: '预约上门', body: '请安排上门', customer: { name: '赵敏', email: `zhao.${Math.random().toString(36).slice(2)}@example.cn`, locale: 'zh-CN' }, team: 'support', fields: { visit_slot: 'am', risk_note: '客户情绪激动' } })).body;
    const macro = await agent1.post('/api/macros').send({ name: 'Confirm slot', actions: [{ type: 'reply', template: { en: 'Slot: {{fields.visit_slot}} / {{fields.risk_note}}', 'zh-CN': '时段：{{fields.visit_slot}} / {{fields.risk_note}}' } }] });
    expect(macro.status).toBe(201);
    expect((await agent1.post(`/api/tickets/${t.number}/macros/${macro.body.id}`)).status).toBe(200);
    const reply = (await timeline(t.number)).find((m) => m.kind === 'message' && m.author.type === 'agent');
    // the visible select by its label in the customer's language; the internal note stays a placeholder
    expect(reply!.body).toBe('时段：上午 / {{fields.risk_note}}');
    expect(reply!.body).not.toContain('客户情绪激动');
  });

  it('creates a callback task from a rule, and reports on the ticket when the customer has no phone', async () => {
    const rule = await manager.post('/api/automations').send({
      name: 'Complaint: call back within 2 hours',
      on: 'ticket.created',
      conditions: { all: [{ field: 'ticket.type', op: 'equals', value: 'complaint' }] },
      actions: [{ type: 'callback', inHours: 2, note: '投诉：两小时内回电' }],
    });
    expect(rule.status).toBe(201);
    const agent2 = await app.as('agent2@demo.local');
    const withPhone = (await agent2.post('/api/tickets').send({ channel: 'voice', subject: '安装师傅迟到三小时', body: '非常不满', type: 'complaint', customer: { name: '孙倩', phone: '+8613900001111' }, team: 'complaints' })).body;
    const task = await eventually(async () => (await agent2.get(`/api/callbacks?ticketNumber=${withPhone.number}`)).body.callbacks[0], 20_000);
    expect(task).toMatchObject({ ticketNumber: withPhone.number, kind: 'requested', phone: '+8613900001111', team: 'complaints', status: 'scheduled' });
    const dueIn = new Date(task.dueAt).getTime() - Date.now();
    expect(dueIn).toBeGreaterThan(1.5 * 3600_000);
    expect(dueIn).toBeLessThanOrEqual(2 * 3600_000);

    const noPhone = (await agent2.post('/api/tickets').send({ channel: 'web', subject: 'Rude driver', body: 'Complaint.', type: 'complaint', customer: { name: 'Ann', email: `ann.${Math.random().toString(36).slice(2)}@example.com` }, team: 'complaints' })).body;
    const failed = await eventually(async () => (await timeline(noPhone.number)).find((m) => m.event?.type === 'rule_failed'), 20_000);
    expect(failed!.event!.data).toMatchObject({ rule: 'Complaint: call back within 2 hours', action: 'callback', error: expect.stringContaining('phone') });
    expect((await agent2.get(`/api/callbacks?ticketNumber=${noPhone.number}`)).body.callbacks).toEqual([]);
    await manager.delete(`/api/automations/${rule.body.id}`).expect(204);
  });

  it('tests a custom field of the linked unit in a rule (unit.fields.<key>)', async () => {
    expect((await manager.post('/api/fields').send({ key: 'mounting', label: { en: 'Mounting', 'zh-CN': '安装方式' }, type: 'select', options: ['built_in', 'free_standing'], appliesTo: 'unit' })).status).toBe(201);
    // a unit field is not a ticket field, and a ticket field is not a unit's
    const wrong = await manager.post('/api/automations').send({ name: 'x', on: 'ticket.created', conditions: { all: [{ field: 'fields.mounting', op: 'equals', value: 'built_in' }] }, actions: [{ type: 'add_tags', tags: ['x'] }] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.map((d: { path: string }) => d.path)).toContain('conditions.all.0.field');
    const badOption = await manager.post('/api/automations').send({ name: 'x', on: 'ticket.created', conditions: { all: [{ field: 'unit.fields.mounting', op: 'equals', value: 'wall' }] }, actions: [{ type: 'add_tags', tags: ['x'] }] });
    expect(badOption.status).toBe(400);
    const rule = await manager.post('/api/automations').send({
      name: 'Built-in unit: tech team',
      on: 'ticket.created',
      conditions: { all: [{ field: 'unit.fields.mounting', op: 'equals', value: 'built_in' }] },
      actions: [{ type: 'add_tags', tags: ['built-in'] }],
    });
    expect(rule.status).toBe(201);
    const agent2 = await app.as('agent2@demo.local');
    const c = await customer('liu.fang@example.cn');
    const unit = (await agent2.post(`/api/customers/${c._id}/units`).send({ model: 'DW-600', serial: 'DW6-MOUNT-1', purchaseDate: '2026-10-01', fields: { mounting: 'built_in' } })).body;
    const other = (await agent2.post(`/api/customers/${c._id}/units`).send({ model: 'DW-600', serial: 'DW6-MOUNT-2', purchaseDate: '2026-10-01', fields: { mounting: 'free_standing' } })).body;
    const open = async (unitId: string) => (await agent2.post('/api/tickets').send({ channel: 'voice', subject: '洗碗机漏水', body: '漏水', customer: { name: '刘芳', email: 'liu.fang@example.cn' }, team: 'returns', unitId })).body.number as number;
    const [builtIn, standing] = [await open(unit.id), await open(other.id)];
    expect((await manager.get(`/api/tickets/${builtIn}`)).body.tags).toEqual(['built-in']);
    expect((await manager.get(`/api/tickets/${standing}`)).body.tags).toEqual([]);
    await manager.delete(`/api/automations/${rule.body.id}`).expect(204);
  });
});
