// The current hash route as reactive state.
import { parseRoute, routeHref, type Route } from '../lib/route.ts';

class RouterState {
  route = $state<Route>(parseRoute(window.location.hash));

  start(): void {
    window.addEventListener('hashchange', () => {
      this.route = parseRoute(window.location.hash);
    });
  }

  go(route: Route): void {
    const href = routeHref(route);
    if (window.location.hash === href) this.route = parseRoute(href);
    else window.location.hash = href;
  }
}

export const router = new RouterState();
