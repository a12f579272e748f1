import type { SecretRedactor } from '../core/log';
import type { RegistryClient } from '../core/registry/client';
import type { RegistryConnection } from './explorer/api';

/**
 * A registry client for one configured registry, speaking to its registry endpoint (the
 * registry-host override when set, as pull and build-and-push do). The password comes from the
 * connection's token cache when the client first needs it and again after a 401; it is kept in
 * memory for the client's life only, registered with the redactor, and never written anywhere.
 */
export async function registryClientFor(connection: RegistryConnection, redactor: SecretRedactor): Promise<RegistryClient> {
  const first = await connection.auth();
  redactor.add(first.password);
  const { RegistryClient } = await import('../core/registry/client');
  return new RegistryClient({
    host: first.registryHost,
    userAgent: 'ecr-workbench',
    credentials: async ({ refresh }) => {
      const auth = refresh ? await connection.auth({ forceRefresh: true }) : first;
      redactor.add(auth.password);
      return { username: auth.username, password: auth.password };
    },
  });
}
