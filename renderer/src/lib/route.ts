// Hash routes: #/runs, #/new, #/new?from=12, #/runs/12, #/compare?ids=1,2
export type Route =
  | { name: 'runs' }
  | { name: 'new'; from: number | null }
  | { name: 'run'; id: number }
  | { name: 'compare'; ids: number[] };

function ids(text: string | null): number[] {
  if (!text) return [];
  return text
    .split(',')
    .map((s) => Number(s))
    .filter((n) => Number.isInteger(n) && n > 0);
}

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path, query = ''] = raw.split('?', 2);
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'new') {
    const from = Number(params.get('from'));
    return { name: 'new', from: Number.isInteger(from) && from > 0 ? from : null };
  }
  if (parts[0] === 'compare') return { name: 'compare', ids: ids(params.get('ids')) };
  if (parts[0] === 'runs' && parts[1]) {
    const id = Number(parts[1]);
    if (Number.isInteger(id) && id > 0) return { name: 'run', id };
  }
  return { name: 'runs' };
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'runs':
      return '#/runs';
    case 'new':
      return route.from ? `#/new?from=${route.from}` : '#/new';
    case 'run':
      return `#/runs/${route.id}`;
    case 'compare':
      return route.ids.length ? `#/compare?ids=${route.ids.join(',')}` : '#/compare';
  }
}
