/** What the webhooks API answers: a subscription (never its secrets) and its deliveries. A leaf, shared with the console. */
export interface WebhookPayload {
  id: string;
  url: string;
  events: string[];
  description: string;
  active: boolean;
  consecutiveFailures: number;
  disabledAt: string | null;
  disabledReason: string | null;
  /** the valid secrets, by their first characters; two while a rotation runs */
  secrets: { id: string; hint: string; createdAt: string | null; expiresAt: string | null }[];
  createdAt: string | null;
}

export interface DeliveryPayload {
  id: string;
  msgId: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: { at: string; status: number | null; error: string | null; latencyMs: number; response: string | null }[];
  nextAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  body: string;
}
