// DNS-rebinding and cross-site protection: the Host header must name this server, and a WebSocket's
// Origin must be this server's own page. A browser page on evil.example that resolves to 127.0.0.1
// sends Host: evil.example, and a page elsewhere sends its own Origin: both are refused.
import { isIP } from 'node:net';

export interface HostPolicy {
  /** Hostnames (lower case, IPv6 without brackets) accepted in Host/Origin. */
  names: Set<string>;
  /** Accept any IP literal (wildcard binds, where the machine's addresses are not known up front). */
  anyIp: boolean;
  port: number;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

export function hostPolicy(bindHost: string, port: number, extraNames: readonly string[] = [], machineNames: readonly string[] = []): HostPolicy {
  const names = new Set(LOOPBACK_NAMES);
  const bound = bindHost.replace(/^\[|\]$/g, '').toLowerCase();
  if (!isWildcardHost(bindHost)) names.add(bound);
  else for (const n of machineNames) names.add(n.toLowerCase());
  for (const n of extraNames) names.add(n.toLowerCase());
  return { names, anyIp: isWildcardHost(bindHost), port };
}

/** Splits "name:port" / "[v6]:port" into a lower-case name (no brackets) and the port. */
export function splitHostHeader(value: string): { name: string; port: number | null } | null {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m) return null;
  return { name: m[1].replace(/^\[|\]$/g, '').toLowerCase(), port: m[2] ? Number(m[2]) : null };
}

export function isAllowedHost(policy: HostPolicy, hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const h = splitHostHeader(hostHeader);
  if (!h) return false;
  if (h.port !== null && h.port !== policy.port) return false;
  if (h.port === null && policy.port !== 80) return false;
  return policy.names.has(h.name) || (policy.anyIp && isIP(h.name) !== 0);
}

/**
 * Origin of a WebSocket upgrade: absent (not a browser, e.g. a script) or exactly this server's own
 * page, http(s)://<the Host header>.
 */
export function isAllowedOrigin(policy: HostPolicy, origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!isAllowedHost(policy, hostHeader)) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return url.host.toLowerCase() === (hostHeader ?? '').toLowerCase();
}
