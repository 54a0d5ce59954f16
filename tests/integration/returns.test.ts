import type { MovableClock } from '../../src/infra/clock';
import type { ReturnsModule } from '../../src/modules/returns/returns.module';
import { startSink } from '../fixtures/mail/sink';
import { eventually, nextEvent } from '../helpers/harness';
import { appSuite } from '../helpers/app-suite';

describe('returns and exchanges (退换货)', () => {
  const suite = appSuite({ mail: startSink });

  const customer = async (email: string) => (await suite.app.c.customers.findByContact({ email }))!;
  const unitOf = async (email: string) => {
    const c = await customer(email);
    const a = await suite.app.as('admin@demo.local');
    return (await a.get(`/api/customers/${c._id}/units`)).body.units[0] as { id: string; serial: string; warranty: { entitlement: string[] } };
  };
  const ticketOf = async (email: string) => (await suite.app.c.models.Ticket.findOne({ customerId: (await customer(email))._id }).sort({ number: 1 }))!;
  const timeline = async (number: number) => {
    const admin = await suite.app.as('admin@demo.local');
    return (await admin.get(`/api/tickets/${number}/messages`)).body.messages.filter((m: { kind: string }) => m.kind === 'event') as { event: { type: string; data: Record<string, unknown> }; body: string }[];
  };

  it('walks a return from request to refund and close: steps, repeats, photos, timeline, mails and sockets', async () => {
    const unit = await unitOf('liu.fang@example.cn'); // a dishwasher bought yesterday
    expect(unit.warranty.entitlement).toEqual(['return', 'exchange', 'repair']);
    const ticket = await ticketOf('liu.fang@example.cn'); // team returns
    const agent2 = await suite.app.as('agent2@demo.local'); // complaints, returns
    const tech = await suite.app.as('warranty@demo.local'); // warranty, returns
    const techSocket = await suite.app.agentSocket('warranty@demo.local');

    const requested = nextEvent(techSocket, 'return:updated', (p) => p.status === 'requested');
    const created = await agent2.post(`/api/tickets/${ticket.number}/returns`).send({ kind: 'return', unitId: unit.id, reason: '外壳右侧有明显划痕', reasonCode: 'damaged_on_arrival', clientId: 'req-1' });
    expect(created.status).toBe(201);
    const r = created.body;
    expect(r).toMatchObject({ number: expect.stringMatching(/^RT-\d{6}$/), ticketNumber: ticket.number, team: 'returns', kind: 'return', status: 'requested', reasonCode: 'damaged_on_arrival', serial: unit.serial, warranty: { status: 'in', days: 1, reasonCode: 'return_window' }, override: null, nextSteps: ['approve', 'reject'] });
    expect(await requested).toMatchObject({ id: r.id, number: r.number, status: 'requested', ticketNumber: ticket.number, unitId: unit.id, customerId: String((await customer('liu.fang@example.cn'))._id) });
    // the same request again (a double click, a retry): the same return
    const again = await agent2.post(`/api/tickets/${ticket.number}/returns`).send({ kind: 'return', unitId: unit.id, reason: '外壳右侧有明显划痕', clientId: 'req-1' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(r.id);
    // a second return of the same unit while this one is open
    const second = await agent2.post(`/api/tickets/${ticket.number}/returns`).send({ kind: 'exchange', unitId: unit.id, reason: 'again' });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'return_in_progress', details: { returnId: r.id } });

    // out of order: nothing changes
    const early = await tech.post(`/api/returns/${r.id}/events`).send({ type: 'receive', clientId: 'x-1' });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'invalid_transition', details: { status: 'requested', type: 'receive', allowed: ['approve', 'reject'] } });
    expect((await tech.get(`/api/returns/${r.id}`)).body).toMatchObject({ status: 'requested', events: [{ type: 'request' }] });

    const approved = nextEvent(techSocket, 'return:updated', (p) => p.status === 'approved');
    const approve = await tech.post(`/api/returns/${r.id}/events`).send({ type: 'approve', note: '请寄回，运费由我们承担', clientId: 'step-approve' });
    expect(approve.status).toBe(201);
    expect(approve.body).toMatchObject({ status: 'approved', replayed: false, event: { type: 'approve', from: 'requested', to: 'approved', by: { name: 'Zhou Qiang (周强)' }, clientId: 'step-approve' }, nextSteps: ['receive'] });
    await approved;
    // the customer hears of the approval, in Chinese
    const approvalMail = await suite.sink.next((m) => m.rcpt.includes('liu.fang@example.cn') && /已批准/.test(m.parsed.subject ?? ''));
    expect(approvalMail.parsed.subject).toBe(`您的退货申请 ${r.number} 已批准 [#${ticket.number}]`);
    expect(approvalMail.parsed.text).toContain('请寄回，运费由我们承担');
    expect(approvalMail.parsed.text).toContain(unit.serial);

    // a repeated step (the phone replays it): the first answer, nothing changes, no second mail
    const replay = await tech.post(`/api/returns/${r.id}/events`).send({ type: 'approve', note: 'different text', clientId: 'step-approve' });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ status: 'approved', replayed: true, event: { id: approve.body.event.id, note: '请寄回，运费由我们承担' } });
    expect(replay.body.events).toHaveLength(2);
    // a second approval with another client id is out of order
    expect((await tech.post(`/api/returns/${r.id}/events`).send({ type: 'approve', clientId: 'step-approve-2' })).status).toBe(409);

    expect((await tech.post(`/api/returns/${r.id}/events`).send({ type: 'receive', note: '顺丰 SF1234567890', clientId: 'step-receive' })).status).toBe(201);
    // inspection: a photo (same storage and scoping as mail attachments) and the findings
    const photo = Buffer.from('\x89PNG\r\n\x1a\n fake png body of the scratched casing');
    const up = await tech.post(`/api/returns/${r.id}/attachments?filename=${encodeURIComponent('划痕.png')}`).set('Content-Type', 'image/png').send(photo);
    expect(up.status).toBe(201);
    const [att] = up.body.attachments;
    expect(att).toMatchObject({ filename: '划痕.png', contentType: 'image/png', size: photo.length, by: { name: 'Zhou Qiang (周强)' } });
    const html = await tech.post(`/api/returns/${r.id}/attachments?filename=x.html`).set('Content-Type', 'text/html').send('<script>alert(1)</script>');
    expect(html.status).toBe(415);
    const dl = await tech.get(att.url).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(dl.status).toBe(200);
    expect(dl.headers['content-disposition']).toMatch(/^attachment;/);
    expect(Buffer.compare(dl.body as Buffer, photo)).toBe(0);
    const noFindings = await tech.post(`/api/returns/${r.id}/events`).send({ type: 'inspect', clientId: 'step-inspect' });
    expect(noFindings.status).toBe(400);
    expect((await tech.post(`/api/returns/${r.id}/events`).send({ type: 'inspect', note: '外壳划痕属运输损伤，功能正常', clientId: 'step-inspect' })).body.nextSteps).toEqual(['refund', 'replace', 'repair']);

    // the refund: an integer count of fen
    const fractional = await tech.post(`/api/returns/${r.id}/events`).send({ type: 'refund', amount: 2599.5, clientId: 'step-refund' });
    expect(fractional.status).toBe(400);
    expect((await tech.post(`/api/returns/${r.id}/events`).send({ type: 'refund', clientId: 'step-refund' })).status).toBe(400);
    const refund = await tech.post(`/api/returns/${r.id}/events`).send({ type: 'refund', amount: 259900, clientId: 'step-refund' });
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({ status: 'refunded', outcome: { type: 'refund', amount: 259900, currency: 'CNY' }, event: { data: { amount: 259900, currency: 'CNY' } } });
    const outcomeMail = await suite.sink.next((m) => m.rcpt.includes('liu.fang@example.cn') && /退款/.test(m.parsed.subject ?? ''));
    expect(outcomeMail.parsed.text).toContain('¥2599.00');

    expect((await tech.post(`/api/returns/${r.id}/events`).send({ type: 'close', clientId: 'step-close' })).body).toMatchObject({ status: 'closed', nextSteps: [] });
    expect((await tech.post(`/api/returns/${r.id}/attachments?filename=late.png`).set('Content-Type', 'image/png').send(photo)).status).toBe(409);

    // the ticket's timeline has every step by type, the unit is free again, the work list is empty of it
    const events = await eventually(async () => {
      const e = (await timeline(ticket.number)).filter((m) => m.event.type.startsWith('return_'));
      return e.length === 6 ? e : null;
    });
    expect(events.map((e) => e.event.type)).toEqual(['return_requested', 'return_approved', 'return_received', 'return_inspected', 'return_refunded', 'return_closed']);
    expect(events.find((e) => e.event.type === 'return_refunded')!.event.data).toMatchObject({ number: r.number, amount: 259900, by: 'Zhou Qiang (周强)' });
    expect((await tech.get(`/api/units/${unit.id}`)).body.openReturnId).toBeNull();
    const open = (await tech.get('/api/returns?status=open')).body.returns.map((x: { id: string }) => x.id);
    expect(open).not.toContain(r.id);
    expect((await tech.get(`/api/returns?ticket=${ticket.number}`)).body.returns.map((x: { id: string }) => x.id)).toEqual([r.id]);
    // the customer got exactly two mails for this return
    expect(suite.sink.mails.filter((m) => m.rcpt.includes('liu.fang@example.cn') && m.parsed.subject?.includes(r.number))).toHaveLength(2);
  });

  it('exchanges a unit: the replacement is registered with a fresh warranty, a taken serial is refused', async () => {
    const unit = await unitOf('tom.becker@example.org'); // bought six days ago
    const ticket = await ticketOf('tom.becker@example.org'); // team support
    const agent1 = await suite.app.as('agent1@demo.local'); // support: may ask for it, and read it
    const agent2 = await suite.app.as('agent2@demo.local'); // returns: works it
    const created = await agent1.post(`/api/tickets/${ticket.number}/returns`).send({ kind: 'exchange', unitId: unit.id, reason: 'Drain pump rattles from day one' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({ team: 'returns', ticketTeam: 'support', nextSteps: [] }); // agent1 reads it but takes no steps
    expect((await agent1.post(`/api/returns/${id}/events`).send({ type: 'approve', clientId: 'a' })).status).toBe(403);
    for (const [type, clientId, note] of [['approve', 'e1'], ['receive', 'e2'], ['inspect', 'e3', 'Pump bearing worn']]) {
      expect((await agent2.post(`/api/returns/${id}/events`).send({ type, clientId, ...(note ? { note } : {}) })).status).toBe(201);
    }
    // an exchange request cannot end in a refund
    const refund = await agent2.post(`/api/returns/${id}/events`).send({ type: 'refund', amount: 100, clientId: 'e4' });
    expect(refund.status).toBe(409);
    expect(refund.body.error.code).toBe('invalid_transition');
    // the new serial is someone else's unit already
    const taken = await agent2.post(`/api/returns/${id}/events`).send({ type: 'replace', newSerial: 'DW6-2025-004417', clientId: 'e5' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('duplicate_serial');
    expect((await agent2.get(`/api/returns/${id}`)).body.status).toBe('inspected');

    const replaced = await agent2.post(`/api/returns/${id}/events`).send({ type: 'replace', newSerial: 'dw6-2025-009001', clientId: 'e6' });
    expect(replaced.status).toBe(201);
    expect(replaced.body).toMatchObject({ status: 'replaced', outcome: { type: 'replace', newSerial: 'DW6-2025-009001' } });
    const fresh = (await agent1.get(`/api/units/${replaced.body.outcome.newUnitId}`)).body;
    expect(fresh).toMatchObject({ customerId: String((await customer('tom.becker@example.org'))._id), model: 'DW-600', serial: 'DW6-2025-009001', replaces: unit.id, warranty: { daysSincePurchase: 0, entitlement: ['return', 'exchange', 'repair'] } });
    expect((await agent1.get(`/api/units/${unit.id}`)).body.replacedBy).toBe(fresh.id);
    const mail = await suite.sink.next((m) => m.rcpt.includes('tom.becker@example.org') && /replacement unit/.test(m.parsed.subject ?? ''));
    expect(mail.parsed.text).toContain('DW6-2025-009001');
    // replayed after the fact: the same outcome, no second unit
    const replay = await agent2.post(`/api/returns/${id}/events`).send({ type: 'replace', newSerial: 'DW6-2025-009002', clientId: 'e6' });
    expect(replay.status).toBe(200);
    expect(replay.body.outcome.newSerial).toBe('DW6-2025-009001');
    expect((await agent1.get('/api/units?serial=DW6-2025-009002')).status).toBe(404);
  });

  it('refuses what the entitlement does not cover unless the warranty team or a manager overrides', async () => {
    const unit = await unitOf('zhang.wei@example.cn'); // 200 days old: repair only
    const ticket = await ticketOf('zhang.wei@example.cn'); // team tech
    const agent1 = await suite.app.as('agent1@demo.local');
    const refused = await agent1.post(`/api/tickets/${ticket.number}/returns`).send({ kind: 'return', unitId: unit.id, reason: '不制冷' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'not_entitled', details: { entitlement: ['repair'], reason: { code: 'in_warranty', days: 200 } } });
    const notTheirs = await agent1.post(`/api/tickets/${ticket.number}/returns`).send({ kind: 'return', unitId: unit.id, reason: '不制冷', override: { reason: 'customer insists' } });
    expect(notTheirs.status).toBe(403);
    expect((await agent1.get(`/api/units/${unit.id}`)).body.openReturnId).toBeNull();

    const mgr = await suite.app.as('manager@demo.local');
    const granted = await mgr.post(`/api/tickets/${ticket.number}/returns`).send({ kind: 'exchange', unitId: unit.id, reason: '第三次维修仍不制冷', override: { reason: '三包：修理两次仍不能正常使用，可换货' } });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ kind: 'exchange', override: { reason: '三包：修理两次仍不能正常使用，可换货', by: { name: 'Wang Min (王敏)' } }, warranty: { entitlement: ['repair'] } });
    // a repair asked for within the entitlement needs no override; it can only end in a repair
    const emmaUnit = await unitOf('emma.clarke@example.com');
    expect(emmaUnit.warranty.entitlement).toEqual(['paid_repair']);
    const emmaTicket = await ticketOf('emma.clarke@example.com');
    const paid = await mgr.post(`/api/tickets/${emmaTicket.number}/returns`).send({ kind: 'repair', unitId: emmaUnit.id, reason: 'leaking' });
    expect(paid.status).toBe(422);
  });

  it('keeps returns to their teams: reads, lists, steps and socket events', async () => {
    const unit = await unitOf('zhang.wei@example.cn');
    const [zhangReturn] = (await (await suite.app.as('manager@demo.local')).get(`/api/returns?ticket=${(await ticketOf('zhang.wei@example.cn')).number}`)).body.returns;
    const liuReturn = (await (await suite.app.as('agent2@demo.local')).get(`/api/returns?ticket=${(await ticketOf('liu.fang@example.cn')).number}`)).body.returns[0];
    expect(zhangReturn.unitId).toBe(unit.id);

    const agent1 = await suite.app.as('agent1@demo.local'); // support, tech
    const sup = await suite.app.as('supervisor@demo.local'); // leads support, tech
    expect((await agent1.get(`/api/returns/${liuReturn.id}`)).status).toBe(404); // a returns-team ticket's: as if it did not exist
    expect((await agent1.get(`/api/returns/${zhangReturn.id}`)).status).toBe(200); // their ticket's return
    const list = (await agent1.get('/api/returns')).body.returns.map((x: { id: string }) => x.id);
    expect(list).toContain(zhangReturn.id);
    expect(list).not.toContain(liuReturn.id);
    expect((await agent1.get('/api/returns?team=returns')).status).toBe(403);
    expect((await sup.post(`/api/returns/${zhangReturn.id}/events`).send({ type: 'approve', clientId: 's1' })).status).toBe(403);
    expect((await agent1.get(`/api/returns/${liuReturn.id}/attachments/${liuReturn.attachments[0].id}`)).status).toBe(404);
    expect((await agent1.post(`/api/returns/${liuReturn.id}/events`).send({ type: 'close', clientId: 'a1' })).status).toBe(404);
    // nor can they ask for a return on another team's ticket
    expect((await agent1.post(`/api/tickets/${liuReturn.ticketNumber}/returns`).send({ kind: 'repair', unitId: liuReturn.unitId, reason: 'x' })).status).toBe(404);
    expect((await agent1.get('/api/returns/000000000000000000000000')).status).toBe(404);

    // sockets: agent1 hears of the tech ticket's return, never of the returns-team one
    const a1 = await suite.app.agentSocket('agent1@demo.local');
    const heard: { id: string }[] = [];
    a1.on('return:updated', (p) => heard.push(p));
    const agent2 = await suite.app.as('agent2@demo.local');
    // a new return on Liu's (now free) unit, then a step on Zhang's: agent1 gets only the second
    const liuUnit = await unitOf('liu.fang@example.cn');
    const other = await agent2.post(`/api/tickets/${liuReturn.ticketNumber}/returns`).send({ kind: 'repair', unitId: liuUnit.id, reason: 'door hinge loose' });
    expect(other.status).toBe(201);
    const approved = nextEvent(a1, 'return:updated', (p) => p.id === zhangReturn.id);
    expect((await agent2.post(`/api/returns/${zhangReturn.id}/events`).send({ type: 'approve', clientId: 'z1' })).status).toBe(201);
    await approved;
    expect(heard.map((p) => p.id)).toEqual([zhangReturn.id]);
  });

  it('re-drives the timeline line and the mail of a step whose job was lost', async () => {
    const returns = suite.app.c.modules.find((m) => m.name === 'returns') as ReturnsModule;
    const agent2 = await suite.app.as('agent2@demo.local');
    const [r] = (await agent2.get(`/api/returns?ticket=${(await ticketOf('liu.fang@example.cn')).number}&status=requested`)).body.returns;
    await suite.app.stopWorkers();
    const step = await agent2.post(`/api/returns/${r.id}/events`).send({ type: 'approve', note: 'lost job', clientId: 'lost-1' });
    expect(step.status).toBe(201);
    // Redis lost the job before a worker ran it
    await suite.app.c.queues.remove('returns', `return-effects-${step.body.event.id}`);
    (suite.app.clock as MovableClock).advance(60_000);
    try {
      expect(await returns.effects.sweep()).toEqual({ requeued: 1 });
      await suite.app.startWorkers();
      const mail = await suite.sink.next((m) => m.rcpt.includes('liu.fang@example.cn') && m.parsed.subject?.includes(r.number) === true && /已批准/.test(m.parsed.subject ?? ''));
      expect(mail.parsed.text).toContain('lost job');
      await eventually(async () => (await returns.returns.get(r.id)).events.every((e) => e.effectsDone));
      // running the job again changes nothing
      await returns.effects.apply(r.id, step.body.event.id);
      const lines = (await timeline(r.ticketNumber)).filter((m) => m.event.type === 'return_approved' && m.event.data.returnId === r.id);
      expect(lines).toHaveLength(1);
      expect(await returns.effects.sweep()).toEqual({ requeued: 0 });
    } finally {
      (suite.app.clock as MovableClock).set(new Date());
    }
  });

  it('counts returns and exchanges by model and reason in the monthly product-quality report', async () => {
    const mgr = await suite.app.as('manager@demo.local');
    const month = suite.app.clock.now().toISOString().slice(0, 7);
    const report = (await mgr.get(`/api/reports/product-quality?month=${month}`)).body;
    expect(report.returns.total).toBe(4);
    const [dw, ac] = report.returns.models;
    expect(dw).toMatchObject({
      model: 'DW-600',
      total: 3,
      kinds: { return: 1, exchange: 1, repair: 1 },
      outcomes: { refund: 1, replace: 1, repair: 0, rejected: 0, open: 1 },
      reasons: [{ code: 'performance_fault', count: 2 }, { code: 'damaged_on_arrival', count: 1 }],
    });
    expect(dw.examples.map((x: { reason: string }) => x.reason)).toEqual(['door hinge loose', 'Drain pump rattles from day one', '外壳右侧有明显划痕']);
    expect(ac).toMatchObject({ model: 'AC-3500', total: 1, kinds: { exchange: 1 }, outcomes: { open: 1 } });
    // a supervisor of support and tech sees the returns of their tickets only (Tom's and Zhang's)
    const own = (await (await suite.app.as('supervisor@demo.local')).get(`/api/reports/product-quality?month=${month}`)).body.returns;
    expect(own.models.map((m: { model: string; total: number }) => [m.model, m.total])).toEqual([['AC-3500', 1], ['DW-600', 1]]);
  });

  it('documents every returns route in OpenAPI', async () => {
    const doc = (await suite.app.http().get('/api/openapi.json')).body;
    for (const p of ['/api/tickets/{number}/returns', '/api/returns', '/api/returns/{id}', '/api/returns/{id}/events', '/api/returns/{id}/attachments', '/api/returns/{id}/attachments/{attachmentId}']) expect(doc.paths[p]).toBeDefined();
  });
});
