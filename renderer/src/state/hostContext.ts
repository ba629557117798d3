// Hands the Host (client + native capabilities) to every component through Svelte context.
import { getContext, setContext } from 'svelte';
import type { Host } from '../api/host.ts';

const KEY = Symbol('octet.host');

export function provideHost(host: Host): void {
  setContext(KEY, host);
}

export function useHost(): Host {
  const host = getContext<Host | undefined>(KEY);
  if (!host) throw new Error('useHost() called outside <App>');
  return host;
}
