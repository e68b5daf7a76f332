/**
 * `create-fastapps doctor`, end to end:
 *
 *   1. resolve the input (argument, `--provider`, `fastapps.json`, `--server`, `--token`); no requests
 *   2. classify an argument (issuer or MCP endpoint) while its issuer checks already run
 *   3. run the issuer, server and token work concurrently; inside each, independent requests at once
 *   4. judge: issuer checks, server checks, token checks (pure functions of what was fetched)
 *   5. print the report (people or `--json`) and end with exit 0, or 1 when a check failed
 *
 * Loaded only when `doctor` runs; the MCP SDK is loaded only with `--server`.
 */
import { parseScopeImplications, projectScopeImplies } from './token/scope-implies.js';
import { ReportedFailure, UsageError } from '../errors.js';
import { getProvider } from '../providers/index.js';
import { collectContext, REGISTRATION_PROBE, runChecks } from '../issuer/checks.js';
import type { CheckContext } from '../issuer/context.js';
import type { DoctorPrefetch } from './prefetch.js';
import type { CheckIssuerInput, Finding, NetOptions } from '../issuer/types.js';
import type { CommandContext } from '../command-context.js';
import { classifyTarget } from './detect.js';
import { expectedAudiences, expectedResource, expectedScopes, flavorOf } from './expect.js';
import { resolveInput, type DoctorFlags, type DoctorInput, type IssuerSource } from './input.js';
import { projectFinding } from './project-finding.js';
import { passthroughFinding } from './project-passthrough.js';
import { buildReport, applySkips, type DoctorReport, type DoctorTarget } from './report.js';
import { renderHuman, renderJson } from './render.js';
import { runServerChecks } from './server/checks.js';
import { startServerProbes } from './server/collect.js';
import { challengeScopes, type ServerContext } from './server/context.js';
import { assembleToken } from './token/assemble.js';
import { runTokenChecks } from './token/checks.js';
import { decodeToken } from './token/decode.js';
import { fingerprint } from './token-source.js';
import type { ServerCheckId } from './ids.js';

/** Options of `diagnose`. */
export interface DiagnoseOptions {
  version: string;
  signal?: AbortSignal;
  /** The argument's first requests, started while doctor loaded (src/doctor/prefetch.ts). */
  prefetched?: DoctorPrefetch;
  /** Clock, for tests. */
  now?: () => number;
}

function issuerInput(input: DoctorInput, issuer: string, net: NetOptions): CheckIssuerInput {
  return {
    issuer,
    ...(input.provider ? { provider: input.provider } : {}),
    ...(input.preRegisteredClient !== undefined ? { preRegisteredClient: input.preRegisteredClient } : {}),
    ...(input.project ? { signIn: input.project.settings.signIn } : {}),
    ...((input.expect.resource ?? input.server) ? { resource: (input.expect.resource ?? input.server)! } : {}),
    ...(input.project?.settings.brokerClientId ? { brokerClientId: input.project.settings.brokerClientId } : {}),
    // A skipped check sends nothing.
    ...(input.probe && !input.skip.has(REGISTRATION_PROBE) ? { probeRegistration: true } : {}),
    timeoutMs: net.timeoutMs,
    ...(net.signal ? { signal: net.signal } : {}),
  };
}

/** The token's `iss`, when it is an http(s) URL doctor may fetch keys from. */
function tokenIssuer(raw: string): string | undefined {
  const iss = decodeToken(raw).claims?.iss;
  return typeof iss === 'string' && URL.canParse(iss) && /^https?:$/.test(new URL(iss).protocol) ? iss : undefined;
}

/**
 * Runs every check the input asks for and returns the report (nothing printed). Network failures
 * are findings; a usage problem discovered on the way (an argument that is an MCP endpoint next to
 * another `--server`) throws `UsageError`.
 */
export async function diagnose(input: DoctorInput, options: DiagnoseOptions): Promise<DoctorReport> {
  const net: NetOptions = { timeoutMs: input.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) };
  const notes: string[] = [];
  let issuer = input.issuer;
  let issuerSource: IssuerSource | undefined = input.issuerSource;
  let server = input.server;
  let issuerContext: Promise<CheckContext | undefined> | undefined;

  // 2. An argument: an issuer, or an MCP endpoint to treat as --server.
  if (input.target !== undefined) {
    // With --server there is other work to start, so don't wait for the fallback probe.
    const classification = await classifyTarget(issuerInput(input, input.target, net), net, { fallback: server === undefined, ...(options.prefetched ? { prefetched: options.prefetched } : {}) });
    if (classification.kind === 'server') {
      if (server !== undefined && server !== input.target.trim()) {
        throw new UsageError(`${input.target} is an MCP server endpoint, and --server names another one (${server}); give one server.`);
      }
      server = input.target.trim();
      notes.push(classification.note);
    } else {
      issuer = input.target;
      issuerSource = 'argument';
      issuerContext = classification.context;
    }
  }
  for (const note of input.token?.notes ?? []) notes.push(`Token: ${note}`);
  if (input.project) notes.push(`Read ${input.project.file}`);
  if (input.provider === 'local' && issuer) notes.push(`The local provider's issuer ${issuer} is served by the project itself: start it (npm run dev) before running doctor`);
  // GitHub publishes no discovery document: there is nothing at the issuer to check.
  const fixedEndpoints = input.provider !== undefined && getProvider(input.provider).noDiscovery === true && issuerSource !== 'argument';
  if (fixedEndpoints && issuer) {
    notes.push(`${getProvider(input.provider!).name} publishes no discovery document (its endpoints are fixed), so there is nothing at ${issuer} to check; run doctor --server <MCP URL> against the running server`);
  }

  // 3. Issuer, server and token work, concurrently.
  const resource = expectedResource(input, server);
  const configuredScopes = expectedScopes(input, resource, undefined);
  const wants = (id: ServerCheckId) => !input.skip.has(id);
  const probes = server
    ? startServerProbes({
        url: server,
        expect: {
          ...(issuer ? { issuer } : {}),
          // The façade and the broker name the server's own origin as the authorization server.
          ...(input.project && input.project.settings.signIn !== 'direct' ? { hostIssuer: new URL(input.project.settings.resource).origin, signIn: input.project.settings.signIn } : {}),
          ...((input.expect.resource ?? input.server) ? { resource: (input.expect.resource ?? input.server)! } : {}),
    ...(input.project?.settings.brokerClientId ? { brokerClientId: input.project.settings.brokerClientId } : {}),
          ...(configuredScopes ? { scopes: configuredScopes } : {}),
          ...(input.expect.authMode ? { authMode: input.expect.authMode } : {}),
          flavor: flavorOf(input, issuer),
          generated: input.project !== undefined,
        },
        ...(input.token ? { token: input.token.raw } : {}),
        net,
        wants,
      })
    : undefined;
  if (!issuerContext && !fixedEndpoints) {
    if (issuer) {
      issuerContext = collectContext(issuerInput(input, issuer, net));
    } else if (probes) {
      issuerContext = probes.authorizationServer.then((as) => {
        if (!as) return undefined;
        issuer = as;
        issuerSource = 'server';
        return collectContext(issuerInput(input, as, net));
      });
    } else if (input.token) {
      const iss = tokenIssuer(input.token.raw);
      if (iss) {
        issuer = iss;
        issuerSource = 'token';
        issuerContext = collectContext(issuerInput(input, iss, net));
      }
    }
  }
  const [ictx, sctx] = await Promise.all([issuerContext, probes?.context]);

  // 4. Judge.
  const findings: Finding[] = [...input.findings];
  const issuerFindings = ictx ? runChecks(ictx) : undefined;
  const owed = projectFinding(input, issuerFindings);
  if (owed) findings.push(owed);
  const passthrough = passthroughFinding(input);
  if (passthrough) findings.push(passthrough);
  findings.push(...(issuerFindings ?? []));
  let tokenFindings: Finding[] = [];
  let tokenScopes: ServerContext['tokenScopes'];
  if (input.token) {
    const scopes = expectedScopes(input, resource, sctx ? challengeScopes(sctx.anonymous) : undefined);
    const audiences = expectedAudiences(input, resource);
    const assembled = await assembleToken({
      raw: input.token.raw,
      ...(ictx ? { issuer: ictx } : {}),
      ...(sctx ? { server: sctx } : {}),
      flavor: (tokenIss) => flavorOf(input, issuer ?? tokenIss),
      expect: {
        ...(issuer && issuerSource !== 'token' ? { issuer } : {}),
        ...(audiences ? { audiences } : {}),
        ...(resource ? { resource } : {}),
        ...(input.expect.implies ? { implies: input.expect.implies } : {}),
        ...(input.expect.clientIds ? { clientIds: input.expect.clientIds } : {}),
        ...(scopes ? { scopes } : {}),
        ...(input.provider ? { provider: input.provider } : {}),
      },
      nowMs: options.now?.() ?? Date.now(),
    });
    tokenFindings = runTokenChecks(assembled.context);
    tokenScopes = assembled.scopes;
  }
  if (sctx) findings.push(...runServerChecks(tokenScopes ? { ...sctx, tokenScopes } : sctx));
  findings.push(...tokenFindings);

  const target: DoctorTarget = {
    issuer: issuer ?? null,
    issuerSource: issuer ? (issuerSource ?? null) : null,
    provider: input.provider ?? null,
    server: server ?? null,
    token: input.token ? fingerprint(input.token.raw) : null,
    project: input.project?.root ?? null,
    notes,
  };
  if (!issuer && (server || input.token)) {
    notes.push(server ? `No issuer was given and ${server} names no authorization server, so no issuer checks ran` : 'No issuer was given and the token names none, so no issuer checks ran');
  }
  return buildReport(options.version, target, applySkips(findings, input.skip), input.strict);
}

/**
 * The `doctor` action: resolve, diagnose (with a spinner on a terminal), print, and end with
 * exit 1 when a check failed (or warned, with `--strict`), without repeating the report.
 */
export async function runDoctor(arg: string | undefined, flags: DoctorFlags, ctx: CommandContext, prefetched?: DoctorPrefetch): Promise<void> {
  const input = await resolveInput(arg, flags, { cwd: ctx.cwd, stdin: ctx.stdin });
  const impliesText = input.project ? projectScopeImplies(input.project.root, ctx.env) : ctx.env.OAUTH_SCOPE_IMPLIES;
  const { implies, errors } = parseScopeImplications(impliesText);
  if (errors.length > 0) throw new UsageError(`OAUTH_SCOPE_IMPLIES: ${errors.map((pair) => JSON.stringify(pair)).join(', ')} ${errors.length === 1 ? 'is not a broader>narrower pair' : 'are not broader>narrower pairs'} of two different scopes, e.g. write:orders>read:orders.`);
  if (implies.size > 0) input.expect.implies = implies;
  const work = () => diagnose(input, { version: ctx.version, signal: ctx.signal, ...(prefetched ? { prefetched } : {}) });
  const what = [input.issuer ?? input.target, input.server].filter(Boolean).join(' and ') || 'the token';
  const report = ctx.out.tty && !input.json ? await ctx.out.task(`Checking ${what}`, work, () => `Checked ${what}`) : await work();
  if (input.json) ctx.out.line(renderJson(report));
  else renderHuman(report, ctx.out);
  // The report already ends with the count of failures (and --json carries exitCode): exit quietly.
  if (report.exitCode !== 0) throw new ReportedFailure(report.exitCode);
}

