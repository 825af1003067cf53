// Which methods the API answers on a path, from its own route table: what a 405's `Allow` header lists.
import type { RouterRoute } from 'hono/types';

/** A route's path (`/orders/:orderId`) as a whole-path pattern; parameters match one segment. */
function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}

/**
 * A path the API knows under another method is a 405 with `Allow`, not a 404, so a client (or an HTTP tester) can
 * tell "wrong verb" from "no such thing". Built from the registered routes, so it cannot drift from them; middleware
 * (method ALL) does not count. GET implies HEAD, which Hono answers for every GET route.
 */
export function allowedMethods(routes: readonly RouterRoute[]): (path: string) => string[] {
  const table = routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => ({ method: route.method.toUpperCase(), pattern: pathPattern(route.path) }));
  return (path) => {
    const methods = new Set(table.filter((r) => r.pattern.test(path)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
