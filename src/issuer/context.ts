/**
 * What a check sees (everything fetched once, up front) and the small helpers checks build their
 * finding with. Checks are pure functions of this context, so they are cheap to unit-test.
 */
import type { CheckId } from './check-ids.js';
import type { DiscoveryResult } from './discovery.js';
import type { NetError } from './http.js';
import type { IssuerSyntax } from './issuer-url.js';
import type { JwksFetch, KeyClassification } from './jwks.js';
import type { ProbeOutcome } from './registration-probe.js';
import type { CheckIssuerInput, Finding, Flavor, Status } from './types.js';

/** The key set as fetched and classified, or why it couldn't be. */
export interface JwksOutcome {
  uri: string;
  fetched?: JwksFetch;
  classification?: KeyClassification;
  error?: NetError;
}

/** Everything the checks need, collected by `checkIssuer` with as much concurrency as possible. */
export interface CheckContext {
  input: CheckIssuerInput;
  flavor: Flavor;
  syntax: IssuerSyntax;
  /** Absent when the issuer could not be fetched (bad syntax). */
  discovery?: DiscoveryResult;
  /** Absent when there was no document or it had no string `jwks_uri`. */
  jwks?: JwksOutcome;
  /** Present only with `probeRegistration` and a `registration_endpoint`. */
  probe?: ProbeOutcome;
}

/**
 * A check over any context `C`: a stable id, a title, and a pure function from the context to one
 * finding. The issuer checks are `CheckOf<CheckContext, CheckId>`; doctor's server and token checks
 * use the same shape over their own contexts.
 */
export interface CheckOf<C, Id extends string = string> {
  id: Id;
  title: string;
  run(ctx: C): Finding;
}

/** One issuer check: a stable id, a title, and a pure function from the context to one finding. */
export type Check = CheckOf<CheckContext, CheckId>;

/** The finding constructors a check's `run` receives, bound to its id and title. */
export interface Verdicts {
  pass(summary: string, details?: string[]): Finding;
  info(summary: string, details?: string[], fix?: string): Finding;
  skip(summary: string): Finding;
  warn(summary: string, details: string[], fix: string): Finding;
  fail(summary: string, details: string[], fix: string): Finding;
}

function make(check: { id: string; title: string }, status: Status, summary: string, details: string[], fix?: string): Finding {
  return { id: check.id, title: check.title, status, summary, details, ...(fix ? { fix } : {}) };
}

/** Finding constructors bound to a check's id and title. */
export function verdict(check: { id: string; title: string }): Verdicts {
  return {
    pass: (summary, details = []) => make(check, 'pass', summary, details),
    info: (summary, details = [], fix) => make(check, 'info', summary, details, fix),
    skip: (summary) => make(check, 'skip', summary, []),
    warn: (summary, details, fix) => make(check, 'warn', summary, details, fix),
    fail: (summary, details, fix) => make(check, 'fail', summary, details, fix),
  };
}

/** Declares an issuer check; `run` gets the context and the verdict helpers. */
export function defineCheck(id: CheckId, title: string, run: (ctx: CheckContext, v: Verdicts) => Finding): Check {
  return defineCheckOf(id, title, run);
}

/**
 * Declares a check over any context (doctor's server and token checks); `run` gets the context and
 * the verdict helpers bound to this id and title.
 *
 * @example
 * const urlCheck = defineCheckOf<ServerContext, 'server.url'>('server.url', 'Server URL is canonical', (ctx, v) => v.pass(ctx.url));
 */
export function defineCheckOf<C, Id extends string = string>(id: Id, title: string, run: (ctx: C, v: Verdicts) => Finding): CheckOf<C, Id> {
  const verdicts = verdict({ id, title });
  return { id, title, run: (ctx) => run(ctx, verdicts) };
}

/** The chosen discovery document, if any. */
export function chosenDoc(ctx: CheckContext): Record<string, unknown> | undefined {
  return ctx.discovery?.chosen?.doc;
}

/** A string member of the document, or undefined. */
export function str(doc: Record<string, unknown>, key: string): string | undefined {
  const value = doc[key];
  return typeof value === 'string' ? value : undefined;
}

/** The string entries of an array member of the document, or undefined when it is absent/not an array. */
export function strings(doc: Record<string, unknown>, key: string): string[] | undefined {
  const value = doc[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

/** The skip finding checks return when there is no discovery document to judge. */
export const NO_DOCUMENT = 'Skipped: no discovery document was found';
