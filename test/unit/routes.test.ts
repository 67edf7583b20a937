import { UsageError } from '../../src/cli/errors';
import { routesNote } from '../../src/cli/serve';
import { parseRoutes, routeFor, RoutesError } from '../../src/routes';

describe('routing table', () => {
  it('parses pattern=queue pairs and JSON objects', () => {
    expect(parseRoutes('billing.*=billing-py, shop.charge=payments\n x=y')).toEqual({
      'billing.*': 'billing-py',
      'shop.charge': 'payments',
      x: 'y',
    });
    expect(parseRoutes('{"billing.*": " billing-py "}')).toEqual({ 'billing.*': 'billing-py' });
    expect(parseRoutes('  ')).toEqual({});
  });

  it('rejects malformed tables, naming where they came from', () => {
    expect(() => parseRoutes('billing.*')).toThrow(
      new RoutesError('BUREAUCRAT_ROUTES: "billing.*" is not pattern=queue (e.g. billing.*=billing-py)'),
    );
    expect(() => parseRoutes('a=', '--routes')).toThrow('--routes: "a=" is not pattern=queue');
    expect(() => parseRoutes('{"a": 1}')).toThrow('route "a" must map to a non-empty task queue name');
    expect(() => parseRoutes('{')).toThrow(/BUREAUCRAT_ROUTES is not valid JSON/);
  });

  it('routes by exact name first, else the most specific glob', () => {
    const routes = {
      'billing.*': 'py',
      'billing.charge.*': 'charge-q',
      'shop.charge': 'pay',
      '*.audit': 'audit',
    };
    expect(routeFor(routes, 'shop.charge')).toBe('pay');
    expect(routeFor(routes, 'billing.refund')).toBe('py');
    expect(routeFor(routes, 'billing.charge.card')).toBe('charge-q');
    expect(routeFor(routes, 'shop.audit')).toBe('audit');
    expect(routeFor(routes, 'shop.ship')).toBeUndefined();
    expect(routeFor(undefined, 'shop.ship')).toBeUndefined();
  });
});

describe('bureaucrat worker/dev: the routing note of their banner', () => {
  const participants = { 'billing.charge': () => ({}), 'shop.ship': () => ({}) };

  it('shows $BUREAUCRAT_ROUTES and the participants it sends elsewhere; nothing when unset', () => {
    expect(routesNote(participants, { BUREAUCRAT_ROUTES: 'billing.*=billing-py' })).toBe(
      'routes ($BUREAUCRAT_ROUTES): billing.* → billing-py; launches route billing.charge to those queues, not to this worker',
    );
    expect(routesNote(participants, {})).toBe('');
  });

  it('a malformed table is a usage error', () => {
    expect(() => routesNote(participants, { BUREAUCRAT_ROUTES: 'oops' })).toThrow(UsageError);
  });
});
