import fs from 'node:fs';
import path from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import type { Config } from '../config';

export interface SendOptions {
  to: string;
  subject: string;
  text: string;
  html?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  /** `content` in memory, or `path` of a file read when the mail is sent */
  attachments?: ({ filename: string; contentType?: string } & ({ content: Buffer } | { path: string }))[];
}

/**
 * Outbound SMTP through nodemailer (SMTP_URL). Without SMTP_URL mails are written as .eml files
 * under DATA_DIR/outbox, so a demo shows what would have been sent. Only workers send mail.
 */
export class Mailer {
  private readonly transport: Transporter;
  private readonly outboxDir?: string;

  constructor(private readonly config: Config) {
    if (config.smtpUrl) {
      this.transport = nodemailer.createTransport(config.smtpUrl);
    } else {
      this.outboxDir = path.join(config.dataDir, 'outbox');
      this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    }
  }

  async send(mail: SendOptions): Promise<{ messageId: string }> {
    const info = await this.transport.sendMail({
      from: this.config.mailFrom,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
      inReplyTo: mail.inReplyTo,
      references: mail.references,
      headers: { 'Auto-Submitted': 'auto-generated', ...mail.headers },
      attachments: mail.attachments,
    });
    if (this.outboxDir) {
      fs.mkdirSync(this.outboxDir, { recursive: true });
      const name = `${Date.now()}-${String(info.messageId).replace(/[^\w.-]/g, '_')}.eml`;
      fs.writeFileSync(path.join(this.outboxDir, name), (info as unknown as { message: Buffer }).message);
    }
    return { messageId: info.messageId };
  }

  close(): void {
    this.transport.close();
  }
}
