import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { useT } from '../i18n';
import { hashOf } from '../router';
import type { Me } from '../session';
import { ChannelIcon, Icon } from './common';
import { CustomerUnits } from './units/CustomerUnits';

interface Panel {
  customer: {
    id: string;
    name: string;
    emails: string[];
    phones: string[];
    company: string | null;
    locale: string;
    notes: string;
  };
  tickets: { number: number; subject: string; status: string; channel: string; type: string; createdAt: string }[];
}

/** Contacts (a phone is a call link), units with their warranty, and the customer's earlier tickets, each a link (客户档案). */
export function CustomerPanel({ number, me }: { number: number; me: Me }) {
  const { t } = useT();
  const [data, setData] = useState<Panel | null>(null);
  useEffect(() => {
    setData(null);
    api<Panel>(`/api/tickets/${number}/customer`).then(setData).catch(() => undefined);
  }, [number]);
  if (!data) return <aside class="customer muted" aria-label={t('customer.title')}>{t('ticket.loading')}</aside>;
  const c = data.customer;
  return (
    <aside class="customer" aria-labelledby="customer-title">
      <h3 id="customer-title">{t('customer.title')}</h3>
      <p class="cname" translate={false}>{c.name}{c.company ? <span class="muted"> · {c.company}</span> : null}</p>
      <h4>{t('customer.contacts')}</h4>
      <ul class="plain">
        {c.emails.map((e) => <li><Icon name="email" /> <span translate={false}>{e}</span></li>)}
        {c.phones.map((ph) => <li><Icon name="voice" /> <a href={`tel:${ph.replace(/[^\d+]/g, '')}`}>{ph}</a></li>)}
        {!c.emails.length && !c.phones.length && <li class="muted">{t('customer.none')}</li>}
      </ul>
      <CustomerUnits customerId={c.id} me={me} />
      <h4>{t('customer.history')}</h4>
      <ul class="plain history">
        {data.tickets.map((tk) => (
          <li data-history={tk.number}>
            <a href={`#/ticket/${tk.number}`}><ChannelIcon channel={tk.channel} /> #{tk.number} <span translate={false}>{tk.subject}</span></a> <span class={`badge st-${tk.status}`}>{t(`status.${tk.status}`)}</span>
          </li>
        ))}
        {!data.tickets.length && <li class="muted">{t('customer.none')}</li>}
      </ul>
      {data.tickets.length > 0 && (
        <a class="small" href={hashOf(['tickets'], { customer: c.id, status: 'new,open,pending,on_hold,solved,closed' })}>{t('customer.allTickets')}</a>
      )}
    </aside>
  );
}
