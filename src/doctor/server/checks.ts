/**
 * The server checks (AUTH-FACTS 22–34 and doctor's token-acceptance check), in report order, and
 * `checkServer`: probe a running MCP server and judge what it does.
 */
import type { CheckOf } from '../../issuer/context.js';
import type { Finding } from '../../issuer/types.js';
import type { ServerCheckId } from '../ids.js';
import { badTokenCheck, insufficientScopeCheck, tokenAcceptedCheck } from './checks-bearer.js';
import { challengeCheck, corsCheck, serverUrlCheck, unauthenticatedCheck } from './checks-endpoint.js';
import { asMirrorCheck, prmAuthorizationServersCheck, prmReachableCheck, prmResourceCheck, prmScopesCheck } from './checks-prm.js';
import { signInCheck } from './checks-signin.js';
import { securitySchemesCheck, toolChallengeCheck } from './checks-tools.js';
import type { ServerContext } from './context.js';

/** Every server check, in the order of `SERVER_IDS`. */
export const SERVER_CHECKS: ReadonlyArray<CheckOf<ServerContext, ServerCheckId>> = [
  serverUrlCheck,
  unauthenticatedCheck,
  challengeCheck,
  corsCheck,
  prmReachableCheck,
  prmResourceCheck,
  prmAuthorizationServersCheck,
  prmScopesCheck,
  asMirrorCheck,
  signInCheck,
  badTokenCheck,
  tokenAcceptedCheck,
  insufficientScopeCheck,
  securitySchemesCheck,
  toolChallengeCheck,
];

/** Runs every server check over a collected context (pure). */
export function runServerChecks(ctx: ServerContext): Finding[] {
  return SERVER_CHECKS.map((check) => check.run(ctx));
}
