import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref, type Route } from './route.ts';

describe('routes', () => {
  it('parses and formats every screen', () => {
    expect(parseRoute('')).toEqual({ name: 'runs' });
    expect(parseRoute('#/runs')).toEqual({ name: 'runs' });
    expect(parseRoute('#/runs/12')).toEqual({ name: 'run', id: 12 });
    expect(parseRoute('#/runs/x')).toEqual({ name: 'runs' });
    expect(parseRoute('#/new?from=3')).toEqual({ name: 'new', from: 3 });
    expect(parseRoute('#/compare?ids=1,2,x,3')).toEqual({ name: 'compare', ids: [1, 2, 3] });
    const all: Route[] = [{ name: 'runs' }, { name: 'run', id: 5 }, { name: 'new', from: null }, { name: 'new', from: 7 }, { name: 'compare', ids: [4, 9] }];
    for (const r of all) {
      expect(parseRoute(routeHref(r))).toEqual(r);
    }
  });
});
