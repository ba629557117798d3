import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveInside } from './staticFiles.ts';

describe('resolveInside', () => {
  const root = join('/srv', 'ui');
  it('maps URL paths into the root', () => {
    expect(resolveInside(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveInside(root, '/assets/a.js?x=1')).toBe(join(root, 'assets', 'a.js'));
  });
  it('never leaves the root', () => {
    // Dot segments resolve against "/" like a URL does, so they stay inside.
    expect(resolveInside(root, '/../secret')).toBe(join(root, 'secret'));
    expect(resolveInside(root, '/%2e%2e/%2e%2e/secret')).toBe(join(root, 'secret'));
    expect(resolveInside(root, '/assets/../../x')).toBe(join(root, 'x'));
    expect(resolveInside(root, '/%00')).toBeNull();
    expect(resolveInside(root, '/%E0%A4%A')).toBeNull();
  });
});
