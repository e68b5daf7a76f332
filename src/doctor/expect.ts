/**
 * What the server and a token are expected to do, from the resolved input: configured values
 * first (flags, `fastapps.json`), then the provider's defaults (as `create` would choose them),
 * then what the running server itself announces. Unknown stays unknown (reported as info).
 */
import { inferFlavor } from '../issuer/flavor.js';
import type { Flavor } from '../issuer/types.js';
import { getProvider } from '../providers/index.js';
import type { DoctorInput } from './input.js';

/** The resource tokens are for: `--resource`, `fastapps.json`, else the server URL. */
export function expectedResource(input: DoctorInput, server: string | undefined): string | undefined {
  return input.expect.resource ?? server;
}

/** Stands in for a resource not known yet (an http URL, as for local development). */
const UNKNOWN_RESOURCE = 'http://localhost:3000/mcp';

/**
 * Accepted `aud` values: `fastapps.json`, else the provider's defaults for `--audience` and the
 * resource (Okta: `api://default`; Entra: the client id and the Application ID URI; Cognito: none),
 * else `--audience` or the resource.
 */
export function expectedAudiences(input: DoctorInput, resource: string | undefined): string[] | undefined {
  if (input.expect.audiences) return input.expect.audiences;
  const flag = input.expect.audienceFlag;
  // What create would choose: the provider module's own defaults (none for Cognito, which binds by
  // client id). A default that would be the resource stays unknown while the resource is.
  if (input.provider) {
    const clientIds = input.expect.clientIds;
    const list = getProvider(input.provider).defaultAudiences(clientIds ? { clientId: clientIds } : {}, resource ?? UNKNOWN_RESOURCE, flag).filter((audience) => audience && (resource !== undefined || audience !== UNKNOWN_RESOURCE));
    return list.length ? list : undefined;
  }
  return flag ? [flag] : resource ? [resource] : undefined;
}

/** Required scopes: configured, else the provider's defaults (provider mode), else the server's 401 `scope`. */
export function expectedScopes(input: DoctorInput, resource: string | undefined, fromServer: string[] | undefined): string[] | undefined {
  if (input.expect.scopes) return input.expect.scopes;
  if (input.provider && !input.project) {
    const provider = getProvider(input.provider);
    const audiences = expectedAudiences(input, resource) ?? [];
    const scopes = provider.defaultScopes(input.expect.clientIds ? { clientId: input.expect.clientIds } : {}, resource ?? UNKNOWN_RESOURCE, audiences);
    if (scopes.length && scopes.every((s) => s !== '' && !s.startsWith('/'))) return scopes;
  }
  return fromServer?.length ? fromServer : undefined;
}

/** The provider family for wording fixes: the provider, else inferred from the issuer. */
export function flavorOf(input: DoctorInput, issuer: string | undefined): Flavor {
  return inferFlavor(input.provider, issuer ?? '');
}
