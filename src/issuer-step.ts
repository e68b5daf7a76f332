/**
 * The issuer step `create` and `auth` share before they write: the shared check (with a spinner
 * on a terminal), a refusal that writes nothing on a blocking failure, an issuer the provider
 * allows to be adopted from its document (Entra tenant ids), and warnings one line each.
 */
import { CancelledError, FailureError } from './errors.js';
import { blockingFailures, renderIssuerFailure } from './issuer/checks.js';
import { checkProviderIssuer } from './issuer/provider-issuer.js';
import type { IssuerReport } from './issuer/types.js';
import type { Answers } from './options/answers.js';
import { getProvider } from './providers/index.js';
import type { Output } from './ui/output.js';
import type { GeneratorInfo } from './generate/plan.js';
import { brokerCallbackUrl, hostsRefusingWithoutS256 } from './generate/hosts.js';

/** What to do when the issuer is only out of reach from here, not wrong. */
const UNREACHABLE_NEXT =
  'If the issuer is right but out of reach from this machine (no network, a proxy, a VPN), run the same command with --skip-issuer-check to write the project now, then run npx create-fastapps doctor inside it once the issuer can be reached.';

/**
 * The provider's note on a setting these answers depend on, and `direct` sign-in on a provider
 * whose metadata strict hosts refuse (Entra ID, Cognito: no
 * code_challenge_methods_supported): said once, with the way out.
 */
export function printSetupNotes(answers: Answers, out: Output): void {
  const provider = getProvider(answers.provider);
  const note = provider.setupNote?.(answers);
  if (note) out.line(`  ${out.c.cyan('ℹ')} ${note}`);
  if (answers.signIn !== 'direct' || provider.signIn[0] !== 'facade') return;
  out.line(
    `  ${out.c.yellow('⚠')} Direct sign-in: ${hostsRefusingWithoutS256()} will refuse ${provider.name}'s metadata (it lists no code_challenge_methods_supported). --sign-in facade (the default) makes them accept it.`,
  );
}

/** Broker sign-in: the one redirect URI to allow on the server's own client at the provider (its secret is never printed). */
export function brokerCallbackLine(answers: Answers, out: Output): string {
  return `Allow this redirect URI on the server's own client at ${getProvider(answers.provider).name} (${answers.brokerClientId ?? 'OAUTH_BROKER_CLIENT_ID'}): ${out.c.cyan(brokerCallbackUrl(answers.resource))}`;
}

/** What `issuerStep` records for these answers when the check, if it runs, passes. */
export function expectedIssuerCheck(answers: Answers, passedFor?: string): GeneratorInfo['issuerCheck'] {
  if (getProvider(answers.provider).issuerNote?.(answers.issuer)) return 'not-applicable';
  if (answers.skipIssuerCheck) return passedFor === answers.issuer ? 'passed' : 'skipped';
  return 'passed';
}

/**
 * The issuer step as `create` and `auth` run it, and what `fastapps.json` records of it: a provider
 * with nothing to check says why (`issuerNote`: local, GitHub); `--skip-issuer-check` leaves the
 * check owed, unless it passed before for this very issuer (`passedFor`, from `auth`); otherwise
 * the check runs, and a blocking failure throws before anything is written.
 */
export async function issuerStep(answers: Answers, ctx: { out: Output; signal: AbortSignal; passedFor?: string; where?: string }): Promise<{ answers: Answers; issuerCheck: GeneratorInfo['issuerCheck'] }> {
  const { out } = ctx;
  const c = out.c;
  const note = getProvider(answers.provider).issuerNote?.(answers.issuer);
  if (note) {
    out.line(`${c.green('✔')} ${note}`);
    return { answers, issuerCheck: 'not-applicable' };
  }
  if (answers.skipIssuerCheck) {
    const issuerCheck = expectedIssuerCheck(answers, ctx.passedFor);
    out.line(`${c.yellow('⚠')} Issuer check skipped (--skip-issuer-check)${issuerCheck === 'skipped' ? `; it is recorded as still owed. Run ${c.bold('npx create-fastapps doctor')}${ctx.where ?? ''} once ${answers.issuer} is reachable.` : '; it passed for this issuer before.'}`);
    return { answers, issuerCheck };
  }
  return { answers: await runIssuerCheck(answers, ctx), issuerCheck: 'passed' };
}

export async function runIssuerCheck(answers: Answers, ctx: { out: Output; signal: AbortSignal }): Promise<Answers> {
  const { out } = ctx;
  const provider = getProvider(answers.provider);
  const checked = await out.task(
    `Checking ${provider.name} issuer ${answers.issuer}`,
    async () => {
      const result = await checkProviderIssuer(provider, { issuer: answers.issuer, provider: answers.provider, preRegisteredClient: provider.preRegisteredClient, signIn: answers.signIn, resource: answers.resource, ...(answers.brokerClientId ? { brokerClientId: answers.brokerClientId } : {}), timeoutMs: answers.timeoutMs, signal: ctx.signal });
      if (ctx.signal.aborted) throw new CancelledError();
      if (blockingFailures(result.report).length > 0) {
        const { message, hint } = renderIssuerFailure(result.report);
        throw new FailureError(`${message} Nothing was written.`, result.report.unreachable ? [hint, UNREACHABLE_NEXT].filter(Boolean).join('\n') : hint);
      }
      return result;
    },
    (result) => `Issuer ${result.issuer} checked: ${summary(result.report)}`,
  );
  let resolved = answers;
  if (checked.adopted) {
    out.line(`  ${out.c.cyan('ℹ')} ${checked.adopted.note}`);
    resolved = { ...answers, issuer: checked.issuer, providerInput: { ...answers.providerInput, ...checked.adopted.input } };
  }
  // Warnings do not stop the write; the fixes are in AUTH_SETUP.md and `doctor`.
  const warnings = checked.report.findings.filter((f) => f.status === 'warn' || f.status === 'fail');
  for (const finding of warnings) out.line(`  ${out.c.yellow('⚠')} ${finding.summary ?? finding.title}`);
  if (warnings.length > 0) out.line(`  ${out.c.dim('AUTH_SETUP.md covers these; npx create-fastapps doctor explains each with its fix.')}`);
  return resolved;
}

function summary(report: IssuerReport): string {
  const warnings = report.findings.filter((finding) => finding.status === 'warn').length;
  const keys = report.jwks?.usable ?? 0;
  return `discovery ok, issuer matches, ${keys} signing key${keys === 1 ? '' : 's'}${warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`;
}
