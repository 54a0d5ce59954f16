import type { StoreHandle } from '../../scripts/lib/embedded-stores';

export default async function globalTeardown(): Promise<void> {
  const handles = (globalThis as { __STORES__?: StoreHandle[] }).__STORES__ ?? [];
  await Promise.all(handles.map((h) => h.stop()));
}
