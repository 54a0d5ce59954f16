import fs from 'node:fs';
import PDFDocument from 'pdfkit';

export interface ReportPdfData {
  company: string;
  number: string;
  ticketNumber: number;
  kind: string;
  version: number;
  correction: string | null;
  customer: { name: string; phone: string | null; address: string };
  unit: { model: string | null; serial: string | null } | null;
  warranty: { status: string; until?: string | null } | null;
  engineer: string;
  window: { start: string; end: string } | null;
  arrivedAt: string | null;
  completedAt: string | null;
  diagnosis: string;
  work: string;
  labourMinutes: number;
  parts: { sku: string; qty: number; defectiveSerial?: string | null; newSerial?: string | null }[];
  signature: { name: string; png: Buffer } | null;
  /** the photos the report names, in its order: JPEG and PNG are shown, others listed by name */
  photos: { filename: string; image: Buffer | null }[];
  refused: { reason: string } | null;
  timeZone: string;
}

/** Labels in both languages, as on the department's paper form: the PDF is the same for every reader. */
const L = {
  title: '技术服务报告单  Service report',
  workOrder: '工单 Work order',
  ticket: '服务单 Ticket',
  kind: '类型 Kind',
  version: '版本 Version',
  correction: '更正原因 Correction',
  customer: '客户 Customer',
  phone: '电话 Phone',
  address: '地址 Address',
  unit: '产品 Unit',
  warranty: '保修 Warranty',
  engineer: '工程师 Engineer',
  window: '预约时间 Appointment',
  arrived: '到达时间 Arrived',
  completed: '完成时间 Completed',
  diagnosis: '故障诊断 Diagnosis',
  work: '处理措施 Work done',
  labour: '工时 Labour',
  parts: '更换配件 Parts used',
  sku: '编号 SKU',
  qty: '数量 Qty',
  defective: '旧件序列号 Defective serial',
  newSerial: '新件序列号 New serial',
  signature: '客户签字 Customer signature',
  refused: '客户拒签 Customer refused to sign',
  photos: '现场照片 Photos',
  notShown: '未显示 not shown',
};

/** Photos shown in one PDF: beyond these bytes the rest are listed by name (the PDF goes out by mail). */
export const PHOTO_BYTES_MAX = 8 * 1024 * 1024;
const PHOTO_BOX: [number, number] = [240, 180];

/** JPEG or PNG, the formats pdfkit embeds, by their first bytes. */
function embeddable(b: Buffer): boolean {
  return (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) || (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])));
}
const KINDS: Record<string, string> = { repair: '维修 Repair', installation: '安装 Installation', maintenance: '保养 Maintenance', inspection: '检测 Inspection' };

/**
 * The service report (技术服务报告单) as a PDF: Chinese and English text in one embedded CJK font
 * (pdfkit subsets it, so only the glyphs used are embedded and the file stays small).
 */
export class ReportPdf {
  private font: Buffer | null = null;

  constructor(private readonly fontPath: string) {}

  private fontData(): Buffer {
    if (!this.font) {
      if (!fs.existsSync(this.fontPath)) throw new Error(`PDF_FONT ${this.fontPath} is missing (Debian: apt-get install fonts-noto-cjk; scripts/setup.sh does)`);
      this.font = fs.readFileSync(this.fontPath);
    }
    return this.font;
  }

  render(r: ReportPdfData): Promise<Buffer> {
    const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: `${r.number} ${L.title}`, Author: r.company } });
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      doc.on('data', (c: Buffer) => chunks.push(c));
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.on('error', reject);
    });
    // a .ttc collection needs the face's PostScript name; a single-font file ignores it
    doc.registerFont('cjk', this.fontData() as unknown as string, this.fontPath.endsWith('.ttc') ? 'NotoSansCJKsc-Regular' : undefined);
    doc.font('cjk');
    const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: r.timeZone, hour12: false }) + ` (${r.timeZone})` : '—');
    const field = (label: string, value: string) => {
      doc.fontSize(9).fillColor('#555555').text(label);
      doc.fontSize(11).fillColor('#000000').text(value || '—');
      doc.moveDown(0.3);
    };

    doc.fontSize(16).text(r.company, { align: 'center' });
    doc.fontSize(13).text(L.title, { align: 'center' });
    doc.moveDown(0.8);
    doc.fontSize(10).text(`${L.workOrder}: ${r.number}    ${L.ticket}: #${r.ticketNumber}    ${L.kind}: ${KINDS[r.kind] ?? r.kind}    ${L.version}: ${r.version}`);
    if (r.correction) doc.text(`${L.correction}: ${r.correction}`);
    doc.moveDown(0.6);
    field(L.customer, r.customer.name);
    field(L.phone, r.customer.phone ?? '');
    field(L.address, r.customer.address);
    field(L.unit, r.unit ? [r.unit.model, r.unit.serial].filter(Boolean).join(' · ') : '');
    field(L.warranty, r.warranty ? `${r.warranty.status === 'in' ? '保修期内 In warranty' : '保修期外 Out of warranty'}${r.warranty.until ? ` (→ ${String(r.warranty.until).slice(0, 10)})` : ''}` : '');
    field(L.engineer, r.engineer);
    field(L.window, r.window ? `${when(r.window.start)} – ${when(r.window.end)}` : '');
    field(L.arrived, when(r.arrivedAt));
    field(L.completed, when(r.completedAt));
    field(L.diagnosis, r.diagnosis);
    field(L.work, r.work);
    field(L.labour, `${r.labourMinutes} min`);

    doc.fontSize(9).fillColor('#555555').text(L.parts);
    doc.fillColor('#000000').fontSize(10);
    if (!r.parts.length) doc.text('—');
    for (const p of r.parts) doc.text(`${L.sku} ${p.sku} · ${L.qty} ${p.qty}${p.defectiveSerial ? ` · ${L.defective} ${p.defectiveSerial}` : ''}${p.newSerial ? ` · ${L.newSerial} ${p.newSerial}` : ''}`);
    doc.moveDown(0.8);

    if (r.photos.length) {
      doc.fontSize(9).fillColor('#555555').text(L.photos);
      doc.fillColor('#000000').fontSize(9);
      let bytes = 0;
      for (const p of r.photos) {
        const shown = p.image && embeddable(p.image) && bytes + p.image.length <= PHOTO_BYTES_MAX ? p.image : null;
        if (!shown) {
          doc.text(`${p.filename} (${L.notShown})`);
          continue;
        }
        bytes += shown.length;
        if (doc.y + PHOTO_BOX[1] + 24 > doc.page.height - doc.page.margins.bottom) doc.addPage();
        try {
          doc.image(shown, { fit: PHOTO_BOX });
          doc.text(p.filename);
        } catch {
          doc.text(`${p.filename} (${L.notShown})`); // a damaged image: named, the report still renders
        }
        doc.moveDown(0.4);
      }
      doc.moveDown(0.6);
    }

    if (r.signature) {
      doc.fontSize(9).fillColor('#555555').text(L.signature);
      doc.image(r.signature.png, { fit: [220, 90] });
      doc.fontSize(10).fillColor('#000000').text(r.signature.name);
    } else if (r.refused) {
      doc.fontSize(9).fillColor('#555555').text(L.refused);
      doc.fontSize(11).fillColor('#000000').text(r.refused.reason);
    }
    doc.end();
    return done;
  }
}
