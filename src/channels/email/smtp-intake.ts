import type { AddressInfo } from 'node:net';
import { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { Logger } from '../../logger';
import { MailTooLargeError } from './mail-store';
import type { SmtpLimits } from './smtp-limits';
import type { TeamAddresses } from './team-addresses';

export type Accept = (source: SMTPServerDataStream, envelope: { rcpt: string[]; mailFrom: string }) => Promise<string>;

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * Door 1: SMTP for the support addresses. A recipient that is not one of them is refused at
 * RCPT TO (550), a message over the limit with 552; a message is answered 250 only after `accept`
 * stored it durably and queued its job. A store that is down answers 451, so the sender retries.
 */
export class SmtpIntake {
  private server: SMTPServer | null = null;
  private boundPort = 0;

  constructor(
    private readonly opts: { host: string; port: number; maxBytes: number; name?: string },
    private readonly addresses: TeamAddresses,
    private readonly accept: Accept,
    private readonly log: Logger,
    private readonly limits?: SmtpLimits,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      name: this.opts.name,
      banner: 'Aftercare mail intake',
      size: this.opts.maxBytes,
      rejectOversized: true,
      authOptional: true,
      // An MX takes mail from anyone for our addresses; no AUTH. STARTTLS needs a certificate the
      // operator provides at the edge (a TLS-terminating relay); the intake itself speaks plain SMTP.
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      maxClients: 500,
      socketTimeout: 60_000,
      closeTimeout: 5000,
      onConnect: (session, cb) => cb(this.limits?.connect(session.id, session.remoteAddress) ?? undefined),
      onClose: (session) => this.limits?.disconnect(session.id, session.remoteAddress),
      onMailFrom: (_address, session, cb) => {
        if (!this.limits) return cb();
        this.limits.mailFrom(session.remoteAddress).then(
          (refusal) => cb(refusal ?? undefined),
          (err) => {
            this.log.warn({ err }, 'sender limits could not be checked');
            cb(smtpError(451, '4.3.0 temporary failure, try again later'));
          },
        );
      },
      onRcptTo: (address, _session, cb) => {
        this.addresses.accepts(address.address).then(
          (ok) => cb(ok ? undefined : smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`)),
          (err) => {
            this.log.warn({ err }, 'recipient check failed');
            cb(smtpError(451, '4.3.0 temporary failure, try again later'));
          },
        );
      },
      onData: (stream, session: SMTPServerSession, cb) => {
        const envelope = {
          rcpt: session.envelope.rcptTo.map((a) => a.address.toLowerCase()),
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address.toLowerCase() : '',
        };
        this.accept(stream, envelope).then(
          (id) => {
            this.limits?.stored(stream.byteLength);
            cb(null, `OK: queued as ${id}`);
          },
          (err) => {
            if (err instanceof MailTooLargeError) return cb(smtpError(552, `5.3.4 ${err.message}`));
            this.log.error({ err }, 'mail could not be stored');
            cb(smtpError(451, '4.3.0 temporary failure, try again later'));
          },
        );
      },
    });
    server.on('error', (err) => this.log.warn({ err }, 'smtp server error'));
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
