/**
 * The issuer check as `create` and `auth` run it: the shared engine, plus the one provider quirk
 * where the configured issuer is rightly replaced by the document's (Entra names a tenant given
 * by domain with its id). Anything else that differs stays a failure.
 */
import type { Provider, ProviderInput } from '../providers/types.js';
import { checkIssuer } from './checks.js';
import type { CheckIssuerInput, IssuerReport } from './types.js';

export interface ProviderIssuerCheck {
  report: IssuerReport;
  /** The issuer to use: the configured one, or the one adopted from the document. */
  issuer: string;
  /** Set when the issuer was adopted: why, for the user, and the fields it implies. */
  adopted?: { note: string; input: ProviderInput };
}

export async function checkProviderIssuer(provider: Provider, input: CheckIssuerInput): Promise<ProviderIssuerCheck> {
  const report = await checkIssuer(input);
  const documentIssuer = report.discovery?.doc['issuer'];
  if (typeof documentIssuer !== 'string' || documentIssuer === input.issuer) return { report, issuer: input.issuer };
  const adoption = provider.adoptIssuer?.(input.issuer, documentIssuer);
  if (!adoption) return { report, issuer: input.issuer };
  const adopted = await checkIssuer({ ...input, issuer: adoption.issuer });
  return {
    report: adopted,
    issuer: adoption.issuer,
    adopted: { note: `${provider.name} names this tenant by its id, so the issuer is ${adoption.issuer}`, input: adoption.input },
  };
}
