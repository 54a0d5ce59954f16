import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import type { Logger } from '../../logger';
import type { MailOutbox } from '../../mail/outbox';
import type { AgentModel } from '../agents/agent.model';
import type { Principal } from '../auth/principal';
import type { Actor } from '../../core/types';
import { PHOTO_BYTES_MAX, type ReportPdf, type ReportPdfData } from './report-pdf';
import { canDispatch } from './workorders.access';
import type { ServiceReportDoc, ServiceReportModel, WorkOrderDoc, WorkOrderModel } from './workorders.model';
import type { PartsLedger, UsedPart } from './workorders.seams';
import type { WorkOrderService } from './workorders.service';

export interface ReportInput {
  diagnosis: string;
  work: string;
  labourMinutes: number;
  parts: UsedPart[];
  signature?: { name: string; png: string };
  refused?: { reason: string };
  photos?: string[];
  clientId?: string;
}

/** Where photos and PDFs are kept: the content-addressed attachment store under DATA_DIR. */
export interface BlobStore {
  writeAttachment(source: Readable): Promise<{ hash: string; size: number; file: string }>;
  attachmentFile(hash: string): string;
}

export interface ServiceReportDeps {
  WorkOrder: WorkOrderModel;
  Report: ServiceReportModel;
  Agent: AgentModel;
  workOrders: Pick<WorkOrderService, 'visible' | 'byId' | 'reportFiled'>;
  parts: PartsLedger;
  pdf: ReportPdf;
  store: BlobStore;
  outbox: Pick<MailOutbox, 'send'>;
  company: string;
  timeZoneOf: (team: string) => Promise<string>;
  log: Logger;
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MAX_PHOTOS = 20;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

const actorOf = (p: Principal): Actor => ({ type: 'agent', id: p.id, name: p.name });

/** The signature's `data:image/png;base64,` URL as PNG bytes; anything else is refused. */
export function signaturePng(dataUrl: string): Buffer {
  const m = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/.exec(dataUrl);
  const bytes = m ? Buffer.from(m[1], 'base64') : null;
  if (!bytes || bytes.length < 60 || !bytes.subarray(0, 8).equals(PNG_MAGIC)) throw new ValidationError('signature.png must be a data:image/png;base64, URL of a PNG image', [{ path: 'signature.png', message: 'a PNG data URL' }]);
  return bytes;
}

/**
 * The service report (技术服务报告单): filed once by the engineer on site (or a dispatcher for
 * them), which completes the work order; locked afterwards (409 `report_locked`); a correction is a
 * new version by a supervisor of the team or a manager. Rendered as a PDF with an embedded CJK font
 * and mailed to the customer in their language by a worker.
 */
export class ServiceReportService {
  constructor(private readonly d: ServiceReportDeps) {}

  async file(id: string, input: ReportInput, p: Principal): Promise<{ report: ServiceReportDoc; workOrder: WorkOrderDoc; replayed: boolean }> {
    const wo = await this.d.workOrders.visible(id, p);
    if (!(wo.engineerId && String(wo.engineerId) === p.id) && !canDispatch(p, wo.team)) throw new ForbiddenError('Only the engineer of this work order or its dispatchers file its report');
    if (wo.report?.version) {
      if (input.clientId && wo.report.clientId === input.clientId) {
        // the phone's retry: finishes what a crash after filing may have left (consumption is idempotent by its ref)
        const first = (await this.version(wo, wo.report.version))!;
        const v1 = wo.report.version === 1 ? first : await this.version(wo, 1);
        const listed = (v1?.parts ?? []).map((x) => ({ sku: x.sku ?? '', qty: x.qty ?? 1, defectiveSerial: x.defectiveSerial ?? null, newSerial: x.newSerial ?? null }));
        await this.d.parts.consume({ id, number: wo.number, engineerId: wo.engineerId ? String(wo.engineerId) : null }, listed, `report:${id}:v1`);
        return { report: first, workOrder: wo, replayed: true };
      }
      throw new ConflictError(`The report of ${wo.number} is filed and locked; a supervisor files a correction as a new version`, 'report_locked');
    }
    if (wo.status !== 'on_site' && wo.status !== 'completed') throw new ConflictError(`A report is filed on site; work order ${wo.number} is ${wo.status}`, 'invalid_transition');
    const report = await this.store(wo, 1, input, actorOf(p), null);
    const workOrder = await this.d.workOrders.reportFiled(id, { version: 1, clientId: input.clientId ?? null }, actorOf(p));
    await this.d.parts.consume({ id, number: wo.number, engineerId: wo.engineerId ? String(wo.engineerId) : null }, input.parts, `report:${id}:v1`);
    return { report, workOrder, replayed: false };
  }

  /** A supervisor's (or manager's) correction: the next version; the earlier ones stay. */
  async correct(id: string, input: ReportInput & { correction: string }, p: Principal): Promise<{ report: ServiceReportDoc; workOrder: WorkOrderDoc }> {
    const wo = await this.d.workOrders.visible(id, p);
    if (!(p.seesAllTeams || (p.role === 'supervisor' && p.teams.includes(wo.team)))) throw new ForbiddenError('A correction is filed by a supervisor of the team or a manager');
    if (!wo.report?.version) throw new ConflictError(`Work order ${wo.number} has no report to correct`, 'invalid_transition');
    const version = wo.report.version + 1;
    const report = await this.store(wo, version, input, actorOf(p), input.correction);
    const workOrder = await this.d.workOrders.reportFiled(id, { version, clientId: input.clientId ?? null }, actorOf(p));
    return { report, workOrder };
  }

  async latest(id: string, p: Principal): Promise<{ report: ServiceReportDoc; workOrder: WorkOrderDoc }> {
    const wo = await this.d.workOrders.visible(id, p);
    const report = wo.report?.version ? await this.version(wo, wo.report.version) : null;
    if (!report) throw new NotFoundError(`The report of ${wo.number}`);
    return { report, workOrder: wo };
  }

  async pdf(id: string, p: Principal): Promise<{ pdf: Buffer; filename: string }> {
    const { report, workOrder } = await this.latest(id, p);
    return { pdf: await this.render(workOrder, report), filename: `${workOrder.number}-v${report.version}.pdf` };
  }

  /**
   * The latest report as PDF for its customer (the status page and the portal, which have proven
   * whose work order it is); null while none is filed.
   */
  async customerPdf(id: string): Promise<{ pdf: Buffer; filename: string } | null> {
    const wo = await this.d.workOrders.byId(id);
    const report = wo?.report?.version ? await this.version(wo, wo.report.version) : null;
    if (!wo || !report) return null;
    return { pdf: await this.render(wo, report), filename: `${wo.number}-v${report.version}.pdf` };
  }

  /** A photo taken on site, kept in the attachment store and listed on the work order. */
  async addPhoto(id: string, body: Buffer, contentType: string, filename: string, p: Principal) {
    const wo = await this.d.workOrders.visible(id, p);
    if (!(wo.engineerId && String(wo.engineerId) === p.id) && !canDispatch(p, wo.team)) throw new ForbiddenError('Only the engineer of this work order or its dispatchers add photos');
    if (wo.status === 'cancelled') throw new ConflictError(`Work order ${wo.number} is cancelled`, 'invalid_transition');
    if ((wo.photos?.length ?? 0) >= MAX_PHOTOS) throw new AppError(422, 'too_many_photos', `A work order keeps at most ${MAX_PHOTOS} photos`);
    if (!looksLikeImage(body)) throw new AppError(415, 'unsupported_media_type', 'A photo must be a JPEG, PNG or WebP image');
    const blob = await this.d.store.writeAttachment(Readable.from([body]));
    const photo = { id: randomBytes(12).toString('hex'), filename: filename.replace(/[^\w.\-\u4e00-\u9fff]/g, '_').slice(0, 100) || 'photo', contentType, size: blob.size, hash: blob.hash, at: new Date(), by: p.id };
    const updated = await this.d.WorkOrder.findOneAndUpdate({ _id: wo._id, [`photos.${MAX_PHOTOS - 1}`]: { $exists: false } }, { $push: { photos: photo } }, { new: true });
    if (!updated) throw new AppError(422, 'too_many_photos', `A work order keeps at most ${MAX_PHOTOS} photos`);
    return { id: photo.id, filename: photo.filename, contentType, size: blob.size };
  }

  async photoFile(id: string, photoId: string, p: Principal) {
    const wo = await this.d.workOrders.visible(id, p);
    const photo = wo.photos.find((x) => x.id === photoId);
    if (!photo?.hash) throw new NotFoundError('Photo');
    return { file: this.d.store.attachmentFile(photo.hash), contentType: photo.contentType ?? 'application/octet-stream', filename: photo.filename ?? 'photo', size: photo.size ?? 0 };
  }

  /** The worker's job: renders the PDF of a version, keeps it, and mails it to the customer in their language. */
  async mailToCustomer(workOrderId: string, version: number): Promise<{ sent: boolean }> {
    const wo = await this.d.workOrders.byId(workOrderId);
    const report = wo ? await this.version(wo, version) : null;
    if (!wo || !report) return { sent: false };
    const to = wo.contact?.email;
    if (!to) return { sent: false };
    const pdf = await this.render(wo, report);
    const blob = await this.d.store.writeAttachment(Readable.from([pdf]));
    await this.d.Report.updateOne({ _id: report._id }, { $set: { pdfHash: blob.hash } });
    const engineer = wo.engineerId ? await this.d.Agent.findById(wo.engineerId, { name: 1 }).lean() : null;
    await this.d.outbox.send(
      {
        to,
        template: 'workorder-report',
        locale: wo.contact?.locale === 'zh-CN' ? 'zh-CN' : 'en',
        data: { number: wo.number, ticketNumber: wo.ticketNumber, customerName: wo.contact?.name ?? '', engineerName: engineer?.name ?? '', version, corrected: version > 1 },
        headers: { 'X-Aftercare-Ticket': String(wo.ticketNumber) },
        ticketId: String(wo.ticketId),
        attachments: [{ filename: `${wo.number}-v${version}.pdf`, contentType: 'application/pdf', path: blob.file }],
      },
      `wo-mail-report-${wo._id}-v${version}`,
    );
    return { sent: true };
  }

  private version(wo: WorkOrderDoc, version: number): Promise<ServiceReportDoc | null> {
    return this.d.Report.findById(`${wo._id}:v${version}`);
  }

  private async store(wo: WorkOrderDoc, version: number, input: ReportInput, by: Actor, correction: string | null): Promise<ServiceReportDoc> {
    if (!!input.signature === !!input.refused) throw new ValidationError('A report carries either the customer\'s signature or their refusal to sign', [{ path: 'signature', message: 'signature or refused, one of them' }]);
    if (input.signature) signaturePng(input.signature.png);
    const known = new Set((wo.photos ?? []).map((x) => x.id));
    const unknown = (input.photos ?? []).filter((x) => !known.has(x));
    if (unknown.length) throw new ValidationError('Unknown photos', [{ path: 'photos', message: `not photos of this work order: ${unknown.join(', ')}` }]);
    try {
      return await this.d.Report.create({
        _id: `${wo._id}:v${version}`,
        workOrderId: wo._id,
        version,
        diagnosis: input.diagnosis,
        work: input.work,
        labourMinutes: input.labourMinutes,
        parts: input.parts,
        photos: input.photos ?? [],
        signature: input.signature ?? null,
        refused: input.refused ?? null,
        correction,
        filedBy: by,
        clientId: input.clientId ?? null,
      });
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new ConflictError(`The report of ${wo.number} is filed and locked`, 'report_locked');
      throw err;
    }
  }

  private photosOf(wo: WorkOrderDoc, ids: string[]): Promise<ReportPdfData['photos']> {
    return readPhotos(wo, ids, (hash) => this.d.store.attachmentFile(hash));
  }

  private async render(wo: WorkOrderDoc, report: ServiceReportDoc): Promise<Buffer> {
    const engineer = wo.engineerId ? await this.d.Agent.findById(wo.engineerId, { name: 1 }).lean() : null;
    const byEvent = (type: string) => wo.events.find((e) => e.type === type)?.by?.name;
    const warranty = wo.warranty as { status?: string; until?: string | null; model?: string; serial?: string } | null;
    const data: ReportPdfData = {
      company: this.d.company,
      number: wo.number,
      ticketNumber: wo.ticketNumber,
      kind: wo.kind,
      version: report.version,
      correction: report.correction ?? null,
      customer: { name: wo.contact?.name ?? '', phone: wo.contact?.phone ?? null, address: wo.address },
      unit: wo.unitId ? { model: warranty?.model ?? null, serial: warranty?.serial ?? null } : null,
      warranty: warranty?.status ? { status: warranty.status, until: warranty.until ?? null } : null,
      engineer: engineer?.name ?? byEvent('arrive') ?? '',
      window: wo.window?.start ? { start: wo.window.start.toISOString(), end: wo.window.end!.toISOString() } : null,
      arrivedAt: wo.arrivedAt ? wo.arrivedAt.toISOString() : null,
      completedAt: wo.completedAt ? wo.completedAt.toISOString() : null,
      diagnosis: report.diagnosis,
      work: report.work,
      labourMinutes: report.labourMinutes,
      parts: report.parts.map((x) => ({ sku: x.sku ?? '', qty: x.qty ?? 1, defectiveSerial: x.defectiveSerial ?? null, newSerial: x.newSerial ?? null })),
      signature: report.signature?.png ? { name: report.signature.name ?? '', png: signaturePng(report.signature.png) } : null,
      refused: report.refused?.reason ? { reason: report.refused.reason } : null,
      photos: await this.photosOf(wo, report.photos ?? []),
      timeZone: await this.d.timeZoneOf(wo.team),
    };
    return this.d.pdf.render(data);
  }
}

/** The report's photos as files read from the attachment store, up to what one PDF shows; a missing file is named only. */
async function readPhotos(wo: WorkOrderDoc, ids: string[], fileOf: (hash: string) => string): Promise<ReportPdfData['photos']> {
  let bytes = 0;
  const out: ReportPdfData['photos'] = [];
  for (const id of ids) {
    const photo = (wo.photos ?? []).find((x) => x.id === id);
    if (!photo) continue;
    const filename = photo.filename ?? 'photo';
    const fits = photo.hash && (photo.size ?? 0) + bytes <= PHOTO_BYTES_MAX;
    const image = fits ? await fs.promises.readFile(fileOf(photo.hash!)).catch(() => null) : null;
    if (image) bytes += image.length;
    out.push({ filename, image });
  }
  return out;
}

/** JPEG, PNG or WebP by their first bytes: what a browser shows as an image, whatever the Content-Type said. */
export function looksLikeImage(b: Buffer): boolean {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return true;
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return true;
  return b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP';
}
