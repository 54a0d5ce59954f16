/** The console's HTTP client: the bearer token from sessionStorage, JSON in and out, errors as ApiError. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: any,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'aftercare.token';
export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(v: string | null) {
    if (v) sessionStorage.setItem(TOKEN_KEY, v);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

export async function api<T = any>(path: string, opts: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  const res = await fetch(path, { method: opts.method ?? 'GET', headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  if (res.status === 204) return undefined as T;
  return answer<T>(res);
}

/** The JSON of an answer, or its `{error}` as an ApiError (a 401 signs the console out). */
async function answer<T>(res: Response): Promise<T> {
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = data?.error ?? {};
    if (res.status === 401) window.dispatchEvent(new Event('aftercare:unauthorized'));
    throw new ApiError(res.status, e.code ?? 'http_error', e.message ?? res.statusText, e.details);
  }
  return data as T;
}

/** Uploads a file as the raw request body with its own type (the server checks type and size). */
export async function upload<T = any>(path: string, file: Blob): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream' };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  return answer<T>(await fetch(path, { method: 'POST', headers, body: file }));
}

/** A protected file as an object URL (an image shown inline in the timeline), fetched with the token. */
export async function objectUrl(path: string): Promise<string> {
  const res = await fetch(path, { headers: session.token ? { Authorization: `Bearer ${session.token}` } : {} });
  if (!res.ok) throw new ApiError(res.status, 'http_error', res.statusText);
  return URL.createObjectURL(await res.blob());
}

/**
 * Downloads a protected file (attachment, CSV) with the bearer token and saves it under the name the
 * server gives: a plain link could not carry the token.
 */
export async function download(path: string, fallbackName: string, accept = '*/*'): Promise<void> {
  const res = await fetch(path, { headers: { Accept: accept, ...(session.token ? { Authorization: `Bearer ${session.token}` } : {}) } });
  if (!res.ok) {
    const e = (await res.json().catch(() => null))?.error ?? {};
    throw new ApiError(res.status, e.code ?? 'http_error', e.message ?? res.statusText, e.details);
  }
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const name = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="([^"]+)"/.exec(disposition)?.[1];
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = name ? decodeURIComponent(name) : fallbackName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 30_000);
}
