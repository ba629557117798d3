import { describe, expect, it } from 'vitest';
import { hostPolicy, isAllowedHost, isAllowedOrigin, isLoopbackHost, splitHostHeader } from './hostCheck.ts';

describe('hostCheck', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.3.2.1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '192.168.1.5', 'gpu-box', '::']) expect(isLoopbackHost(h)).toBe(false);
  });

  it('splits Host headers', () => {
    expect(splitHostHeader('LocalHost:8737')).toEqual({ name: 'localhost', port: 8737 });
    expect(splitHostHeader('[::1]:9')).toEqual({ name: '::1', port: 9 });
    expect(splitHostHeader('example.com')).toEqual({ name: 'example.com', port: null });
    expect(splitHostHeader('a:b:c')).toBeNull();
  });

  it('a loopback server answers only to loopback names on its port (DNS rebinding)', () => {
    const p = hostPolicy('127.0.0.1', 8737);
    expect(isAllowedHost(p, '127.0.0.1:8737')).toBe(true);
    expect(isAllowedHost(p, 'localhost:8737')).toBe(true);
    expect(isAllowedHost(p, '[::1]:8737')).toBe(true);
    expect(isAllowedHost(p, 'evil.example:8737')).toBe(false);
    expect(isAllowedHost(p, '127.0.0.1:9999')).toBe(false);
    expect(isAllowedHost(p, '127.0.0.1')).toBe(false);
    expect(isAllowedHost(p, undefined)).toBe(false);
  });

  it('a wildcard bind accepts IP literals, the machine name and --allow-host names', () => {
    const p = hostPolicy('0.0.0.0', 80, ['gpu.lan'], ['Box']);
    expect(isAllowedHost(p, '10.1.2.3')).toBe(true);
    expect(isAllowedHost(p, 'box')).toBe(true);
    expect(isAllowedHost(p, 'gpu.lan:80')).toBe(true);
    expect(isAllowedHost(p, 'evil.example')).toBe(false);
  });

  it('accepts only same-origin pages (or no Origin at all)', () => {
    const p = hostPolicy('127.0.0.1', 5000);
    expect(isAllowedOrigin(p, undefined, '127.0.0.1:5000')).toBe(true);
    expect(isAllowedOrigin(p, 'http://127.0.0.1:5000', '127.0.0.1:5000')).toBe(true);
    expect(isAllowedOrigin(p, 'http://localhost:5000', '127.0.0.1:5000')).toBe(false);
    expect(isAllowedOrigin(p, 'http://evil.example', '127.0.0.1:5000')).toBe(false);
    expect(isAllowedOrigin(p, 'null', '127.0.0.1:5000')).toBe(false);
    expect(isAllowedOrigin(p, 'http://evil.example:5000', 'evil.example:5000')).toBe(false);
  });
});
