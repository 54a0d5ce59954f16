import type { AutomationModule } from '../../src/modules/automation/automation.module';
import { eventually, startTestApp, TestApp } from '../helpers/harness';

type Msg = { body: string; kind: string; internal: boolean; author: { type: string; name: string }; event: { type: string; data: Record<string, unknown> } | null };

/** Automation rules on ticket events, the loop guard, custom fields and macros, through the API on the real stores. */
describe('automation rules, custom fields and macros', () => {
  let app: TestApp;
  let manager: Awaited<ReturnType<TestApp['as']>>;
  let agent1: Awaited<ReturnType<TestApp['as']>>;
  const timeline = async (n: number): Promise<Msg[]> => (await manager.get(`/api/tickets/${n}/messages`)).body.messages;
  const events = async (n: number, type: string) => (await timeline(n)).filter((m) => m.event?.type === type);
  const newTicket = async (subject: string, extra: Record<string, unknown> = {}) => {
    const res = await agent1.post('/api/tickets').send({ channel: 'web', subject, body: `${subject}。`, customer: { name: '李雷', email: `li.lei.${Math.random().toString(36).slice(2)}@example.cn`, locale: 'zh-CN' }, team: 'support', ...extra });
    expect(res.status).toBe(201);
    return res.body as { number: number; team: string; tags: string[]; priority: string; id: string };
  };

  beforeAll(async () => {
    app = await startTestApp();
    manager = await app.as('manager@demo.local');
    agent1 = await app.as('agent1@demo.local');
  });
  afterAll(() => app.close());

  it('routes a ticket whose Chinese subject says 退款 to the returns team, and audits it on the ticket', async () => {
    const rule = await manager.post('/api/automations').send({
      name: '退款 → 退换货',
      on: 'ticket.created',
      conditions: { all: [{ field: 'ticket.subject', op: 'contains', value: '退款' }] },
      actions: [{ type: 'set_team', value: 'returns' }, { type: 'add_tags', tags: ['refund'] }],
    });
    expect(rule.status).toBe(201);
    const routed = await newTicket('我要退款，洗衣机不能用了');
    const other = await newTicket('空调遥控器丢了');
    const seen = (await manager.get(`/api/tickets/${routed.number}`)).body;
    expect(seen).toMatchObject({ team: 'returns', tags: ['refund'] });
    expect((await manager.get(`/api/tickets/${other.number}`)).body).toMatchObject({ team: 'support', tags: [] });
    const applied = await events(routed.number, 'rule_applied');
    expect(applied).toHaveLength(1);
    expect(applied[0].event!.data).toMatchObject({ rule: '退款 → 退换货', event: 'ticket.created', actions: [{ type: 'set_team', value: 'returns' }, { type: 'add_tags', tags: ['refund'] }] });
    const audit = (await manager.get(`/api/tickets/${routed.number}/audit`)).body.entries;
    expect(audit.find((e: { action: string }) => e.action === 'updated')).toMatchObject({ actor: { type: 'system', name: '退款 → 退换货' }, changes: { team: ['support', 'returns'] } });
    await manager.delete(`/api/automations/${rule.body.id}`).expect(204);
  });

  it('refuses a rule whose fields, operators or targets do not exist, naming each', async () => {
    const res = await manager.post('/api/automations').send({
      name: 'broken',
      on: 'ticket.created',
      conditions: { all: [{ field: 'ticket.priority', op: 'contains', value: 'x' }, { field: 'fields.nope', op: 'equals', value: 1 }, { field: 'ticket.status', op: 'changed_to', value: 'open' }] },
      actions: [{ type: 'set_team', value: 'nowhere' }],
    });
    expect(res.status).toBe(400);
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['conditions.all.0.op', 'conditions.all.1.field', 'conditions.all.2.op', 'actions.0.value']));
    expect((await agent1.post('/api/automations').send({ name: 'x', on: 'ticket.created', actions: [{ type: 'add_tags', tags: ['x'] }] })).status).toBe(403);
  });

  it('stops a chain of rules that would loop, and reports it on the ticket', async () => {
    const up = await manager.post('/api/automations').send({ name: 'high → urgent', on: 'ticket.updated', order: 1, conditions: { all: [{ field: 'ticket.priority', op: 'changed_to', value: 'high' }] }, actions: [{ type: 'set_priority', value: 'urgent' }] });
    const down = await manager.post('/api/automations').send({ name: 'urgent → high', on: 'ticket.updated', order: 2, conditions: { all: [{ field: 'ticket.priority', op: 'changed_to', value: 'urgent' }] }, actions: [{ type: 'set_priority', value: 'high' }] });
    expect([up.status, down.status]).toEqual([201, 201]);
    const t = await newTicket('Dishwasher beeps');
    const res = await agent1.patch(`/api/tickets/${t.number}`).send({ priority: 'high' });
    expect(res.status).toBe(200);
    // high → urgent (first rule) → high (second rule) → the first would fire again: stopped
    expect((await manager.get(`/api/tickets/${t.number}`)).body.priority).toBe('high');
    const applied = (await events(t.number, 'rule_applied')).map((m) => m.event!.data.rule);
    expect(applied).toEqual(['high → urgent', 'urgent → high']);
    const stopped = await events(t.number, 'rule_loop_stopped');
    expect(stopped).toHaveLength(1);
    expect(stopped[0].event!.data).toMatchObject({ rules: ['high → urgent'], limit: 5 });
    for (const r of [up, down]) await manager.delete(`/api/automations/${r.body.id}`).expect(204);
  });

  it('validates custom fields on every write (422 naming the field) and requires them before a solve', async () => {
    const created = await manager.post('/api/fields').send({ key: 'fault_code', label: { en: 'Fault code', 'zh-CN': '故障码' }, type: 'select', options: ['E1', { value: 'E4', label: { en: 'E4 (no cooling)', 'zh-CN': 'E4（不制冷）' } }], required: true, scope: { types: ['fault'] } });
    expect(created.status).toBe(201);
    expect((await manager.post('/api/fields').send({ key: 'fault_code', label: { en: 'x', 'zh-CN': 'x' }, type: 'text' })).status).toBe(409);
    expect((await agent1.get('/api/fields')).body.fields.map((f: { key: string }) => f.key)).toContain('fault_code');

    const fault = await newTicket('AC-3500 显示 E4', { type: 'fault' });
    const bad = await agent1.patch(`/api/tickets/${fault.number}`).send({ fields: { fault_code: 'E9' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: 'invalid_fields', details: [{ field: 'fault_code', code: 'option' }] });
    const unknown = await agent1.patch(`/api/tickets/${fault.number}`).send({ fields: { colour: 'red' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toEqual([expect.objectContaining({ field: 'colour', code: 'unknown' })]);

    await agent1.post(`/api/tickets/${fault.number}/messages`).send({ body: '请提供照片。' }).expect(201);
    const solve = await agent1.patch(`/api/tickets/${fault.number}`).send({ status: 'solved' });
    expect(solve.status).toBe(422);
    expect(solve.body.error).toMatchObject({ code: 'fields_required', details: [{ field: 'fault_code', code: 'required' }] });
    const replySolve = await agent1.post(`/api/tickets/${fault.number}/messages`).send({ body: '已处理。', status: 'solved' });
    expect(replySolve.status).toBe(422);
    expect((await timeline(fault.number)).some((m) => m.body === '已处理。')).toBe(false); // a refused write stores nothing
    expect((await manager.get(`/api/tickets/${fault.number}`)).body.status).toBe('open');

    const set = await agent1.patch(`/api/tickets/${fault.number}`).send({ fields: { fault_code: 'E4' } });
    expect(set.status).toBe(200);
    expect(set.body.fields).toEqual({ fault_code: 'E4' });
    expect((await agent1.patch(`/api/tickets/${fault.number}`).send({ status: 'solved' })).body.status).toBe('solved');

    // a field out of its scope (an inquiry) is refused; an inquiry solves without it
    const inquiry = await newTicket('How do I clean the filter?');
    const scoped = await agent1.patch(`/api/tickets/${inquiry.number}`).send({ fields: { fault_code: 'E1' } });
    expect(scoped.body.error).toMatchObject({ code: 'invalid_fields', details: [{ field: 'fault_code', code: 'scope' }] });

    const list = (await agent1.get('/api/tickets?fields.fault_code=E4&limit=100')).body.tickets.map((x: { number: number }) => x.number);
    expect(list).toEqual([fault.number]);
    const from = new Date(Date.now() - 86400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 86400_000).toISOString().slice(0, 10);
    const report = await manager.get(`/api/reports/summary?from=${from}&to=${to}&groupBy=field:fault_code`);
    expect(report.status).toBe(200);
    expect(report.body.groups.find((g: { key: string }) => g.key === 'E4')).toMatchObject({ label: 'E4 (no cooling)', tickets: 1, resolved: 1 });
    expect((await manager.get(`/api/reports/summary?from=${from}&to=${to}&groupBy=field:nope`)).status).toBe(400);
    expect((await agent1.post('/api/fields').send({ key: 'x1', label: { en: 'x', 'zh-CN': 'x' }, type: 'text' })).status).toBe(403);
  });

  it('applies a macro in one step as the agent: reply in the customer\'s language, status and tags', async () => {
    const macro = await agent1.post('/api/macros').send({
      name: 'Ask for a photo',
      actions: [
        { type: 'reply', template: { en: 'Hello {{customer.name}}, please send a photo for #{{ticket.number}}.', 'zh-CN': '{{customer.name}}您好，请为工单 #{{ticket.number}} 发一张照片。' } },
        { type: 'set_status', value: 'pending' },
        { type: 'add_tags', tags: ['photo-requested'] },
      ],
    });
    expect(macro.status).toBe(201);
    const t = await newTicket('洗碗机外壳有划痕');
    const applied = await agent1.post(`/api/tickets/${t.number}/macros/${macro.body.id}`);
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ ticket: { status: 'pending', tags: ['photo-requested'] }, failures: [] });
    const msgs = await timeline(t.number);
    const reply = msgs.find((m) => m.kind === 'message' && m.author.type === 'agent');
    expect(reply).toMatchObject({ body: `李雷您好，请为工单 #${t.number} 发一张照片。`, internal: false, author: { name: 'Chen Jie (陈杰)' } });
    expect(msgs.filter((m) => m.event?.type === 'macro_applied').map((m) => m.event!.data)).toEqual([expect.objectContaining({ macro: 'Ask for a photo', by: 'Chen Jie (陈杰)' })]);
    // a personal macro is its owner's alone
    const agent2 = await app.as('agent2@demo.local');
    expect((await agent2.get('/api/macros')).body.macros.some((m: { id: string }) => m.id === macro.body.id)).toBe(false);
    // a macro whose change is refused changes nothing (a solve without the required field is the agent's error)
    const solveMacro = await agent1.post('/api/macros').send({ name: 'Solve', actions: [{ type: 'note', text: 'closing' }, { type: 'set_status', value: 'solved' }] });
    const fault = await newTicket('E1 again', { type: 'fault' });
    await agent1.post(`/api/tickets/${fault.number}/messages`).send({ body: 'Looking.' }).expect(201);
    const refused = await agent1.post(`/api/tickets/${fault.number}/macros/${solveMacro.body.id}`);
    expect(refused.status).toBe(422);
    expect((await timeline(fault.number)).some((m) => m.body === 'closing')).toBe(false);
  });

  it('runs rules of a linked record\'s step once, however often the step is announced (the event source, with a stand-in reader)', async () => {
    const automation = app.c.modules.find((m) => m.name === 'automation') as AutomationModule;
    const t = await newTicket('退货申请：洗碗机');
    // a stand-in for the returns module's reader (the real one: tests/integration/automation-linked.test.ts)
    const returns = new Map([['ret-1', { id: 'ret-1', number: 'RT-000001', status: 'approved', kind: 'return', ticketNumber: t.number }]]);
    automation.linked.register('return', async (id) => returns.get(id) ?? null);
    const rule = await manager.post('/api/automations').send({
      name: 'Approved return: tell the customer',
      on: 'return.updated',
      conditions: { all: [{ field: 'return.status', op: 'changed_to', value: 'approved' }, { field: 'return.kind', op: 'equals', value: 'return' }] },
      actions: [{ type: 'add_tags', tags: ['return-approved'] }, { type: 'reply', template: { en: 'Your return for #{{ticket.number}} is approved.', 'zh-CN': '工单 #{{ticket.number}} 的退货已批准。' } }],
    });
    expect(rule.status).toBe(201);
    await automation.linked.publish({ kind: 'return', id: 'ret-1', ticketId: t.id, key: 'step-approve', changes: { status: ['requested', 'approved'] } });
    await automation.linked.publish({ kind: 'return', id: 'ret-1', ticketId: t.id, key: 'step-approve', changes: { status: ['requested', 'approved'] } }); // announced twice: once
    // the reply is the rule's last action: once it is there, the rule is done
    const reply = await eventually(async () => (await timeline(t.number)).find((m) => m.kind === 'message' && m.author.type === 'system'), 20_000);
    expect(reply).toMatchObject({ body: `工单 #${t.number} 的退货已批准。`, internal: false });
    expect((await manager.get(`/api/tickets/${t.number}`)).body.tags).toEqual(['return-approved']);
    expect((await timeline(t.number)).filter((m) => m.event?.type === 'rule_applied')).toHaveLength(1);
    await manager.delete(`/api/automations/${rule.body.id}`).expect(204);
  });
});
