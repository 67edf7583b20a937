import { resolveConnectConfig } from '../../src/client/connection';

describe('connection settings', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('defaults to localhost:7233 and namespace default', () => {
    delete process.env.TEMPORAL_ADDRESS;
    delete process.env.TEMPORAL_NAMESPACE;
    process.env.TEMPORAL_CONFIG_FILE = '/nonexistent/temporal.toml';
    const config = resolveConnectConfig();
    expect(config.connectionOptions.address).toBe('localhost:7233');
    expect(config.namespace).toBe('default');
  });

  it('reads TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE through envconfig, and explicit options win', () => {
    process.env.TEMPORAL_ADDRESS = 'temporal.example:7233';
    process.env.TEMPORAL_NAMESPACE = 'orders';
    process.env.TEMPORAL_CONFIG_FILE = '/nonexistent/temporal.toml';
    expect(resolveConnectConfig()).toMatchObject({
      connectionOptions: { address: 'temporal.example:7233' },
      namespace: 'orders',
    });
    expect(resolveConnectConfig({ address: 'other:1234', namespace: 'ns' })).toMatchObject({
      connectionOptions: { address: 'other:1234' },
      namespace: 'ns',
    });
  });
});
