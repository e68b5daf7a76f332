/**
 * Versions of what the generated project depends on, in one place so they are bumped together.
 * ext-apps 2 is built for the v2 SDK packages; it does not type-check against
 * @modelcontextprotocol/sdk 1.x, so the two are never mixed.
 */
export const dependencyVersions = {
  '@modelcontextprotocol/server': '^2.4.0',
  '@modelcontextprotocol/express': '^2.0.2',
  '@modelcontextprotocol/node': '^2.1.2',
  '@modelcontextprotocol/client': '^2.4.0',
  '@modelcontextprotocol/ext-apps': '^2.0.4',
  express: '^5.2.1',
  cors: '^2.8.5',
  jose: '^6.2.18',
  zod: '^4.2.0',
  'oidc-provider': '^9.13.3',
  redis: '^5.12.1',
} as const;

export const devDependencyVersions = {
  typescript: '^7.0.2',
  tsx: '^4.21.0',
  esbuild: '^0.28.2',
  '@types/node': '^20.19.0',
  '@types/express': '^5.0.3',
  '@types/cors': '^2.8.19',
  '@types/oidc-provider': '^9.12.1',
} as const;
