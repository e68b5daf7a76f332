/**
 * The token checks (AUTH-FACTS 35–41), in report order.
 */
import type { CheckOf } from '../../issuer/context.js';
import type { Finding } from '../../issuer/types.js';
import type { TokenCheckId } from '../ids.js';
import { tokenAudienceCheck, tokenIssuerCheck, tokenLifetimeCheck, tokenScopesCheck, tokenTypeCheck } from './checks-claims.js';
import { tokenHeaderCheck, tokenShapeCheck, tokenSignatureCheck } from './checks-shape.js';
import type { TokenContext } from './context.js';

/** Every token check, in the order of `TOKEN_IDS`. */
export const TOKEN_CHECKS: ReadonlyArray<CheckOf<TokenContext, TokenCheckId>> = [
  tokenShapeCheck,
  tokenHeaderCheck,
  tokenSignatureCheck,
  tokenIssuerCheck,
  tokenAudienceCheck,
  tokenLifetimeCheck,
  tokenScopesCheck,
  tokenTypeCheck,
];

/** Runs every token check over a context (pure). */
export function runTokenChecks(ctx: TokenContext): Finding[] {
  return TOKEN_CHECKS.map((check) => check.run(ctx));
}
