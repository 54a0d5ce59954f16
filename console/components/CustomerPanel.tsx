import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { useT } from '../i18n';
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
  tickets: { number: number; subject: string; status: string; channel: string; createdAt: string }[];
}

/** Contacts, units with their warranty, and the customer's earlier tickets (客户档案). */
export function CustomerPanel({ number, me }: { number: number; me: Me }) {
  const { t } = useT();
  const [data, setData] = useState<Panel | null>(null);
  useEffect(() => {
    setData(null);
    api<Panel>(`/api/tickets/${number}/customer`).then(setData).catch(() => undefined);
  }, [number]);
  if (!data) return <aside class="customer muted">{t('ticket.loading')}</aside>;
  const c = data.customer;
  return (
    <aside class="customer">
      <h3>{t('customer.title')}</h3>
      <p class="cname">{c.name}{c.company ? <span class="muted"> · {c.company}</span> : null}</p>
      <h4>{t('customer.contacts')}</h4>
      <ul class="plain">
        {c.emails.map((e) => <li><Icon name="email" /> {e}</li>)}
        {c.phones.map((ph) => <li><Icon name="voice" /> {ph}</li>)}
        {!c.emails.length && !c.phones.length && <li class="muted">{t('customer.none')}</li>}
      </ul>
      <CustomerUnits customerId={c.id} me={me} />
      <h4>{t('customer.history')}</h4>
      <ul class="plain">
        {data.tickets.map((tk) => (
          <li>
            <a href={`#/ticket/${tk.number}`}><ChannelIcon channel={tk.channel} /> #{tk.number} {tk.subject}</a> <span class={`badge st-${tk.status}`}>{t(`status.${tk.status}`)}</span>
          </li>
        ))}
        {!data.tickets.length && <li class="muted">{t('customer.none')}</li>}
      </ul>
    </aside>
  );
}
