import { SampleRegistry } from '@nix/registries';
import { SampleRegistryServer } from '@nix/registries/testing';

const REGISTRIES = ['identity', 'legal-entity', 'address', 'vehicle', 'goods'];

/** The sample registries behind their own REST API, and the settings that point every adapter at it. */
export async function startFakeRegistries(): Promise<{ server: SampleRegistryServer; env: Record<string, string>; close(): Promise<void> }> {
  const server = new SampleRegistryServer(SampleRegistry.default());
  const baseUrl = await server.listen();
  const env: Record<string, string> = {};
  for (const registry of REGISTRIES) {
    const name = registry.toUpperCase().replace(/-/g, '_');
    env[`NIX_REGISTRY_${name}_BACKEND`] = 'http';
    env[`NIX_REGISTRY_${name}_URL`] = baseUrl;
  }
  return { server, env, close: () => server.close() };
}
