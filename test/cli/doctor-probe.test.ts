/**
 * `doctor --probe` (AUTH-FACTS 14): one deliberately invalid registration sent to the
 * authorization server, and its answer read the way the real server means it, against the strict
 * Keycloak and WorkOS fakes (Keycloak runs its anonymous access policies before it looks at the
 * metadata). The probe never creates a client, and nothing is sent without the flag.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { humanVerdicts, jsonFinding, type JsonFinding, type JsonReport } from '../helpers/doctor.js';
import { KEYCLOAK_DEFAULT_SETTINGS, startFakeKeycloak, startFakeWorkOS, type FakeKeycloak, type FakeKeycloakSettings, type FakeWorkOS } from '../helpers/fake-providers.js';
import type { IssuerServer } from '../helpers/issuer-server.js';

const PROBE = 'metadata.registration-probe';
const cwd = tempDir();
let keycloak: FakeKeycloak;
let workos: FakeWorkOS;

beforeAll(async () => {
  [keycloak, workos] = await Promise.all([startFakeKeycloak(), startFakeWorkOS()]);
});
afterAll(async () => {
  await Promise.all([keycloak.close(), workos.close()]);
});

/** The registrations an issuer received. */
const registrations = (srv: IssuerServer) => srv.requests.filter((r) => r.method === 'POST' && /regist/.test(r.path));

/** `doctor <issuer> --json …`: its exit code and the probe's finding. */
async function doctor(srv: IssuerServer, extra: string[]): Promise<{ exitCode: number; finding: JsonFinding }> {
  const run = await runCli(['doctor', srv.issuer, '--json', ...extra], { cwd });
  expect(run.stderr).not.toMatch(/Unexpected error/);
  return { exitCode: run.exitCode, finding: jsonFinding(JSON.parse(run.stdout) as JsonReport, PROBE) };
}

/** Keycloak's anonymous access policies, as a test sets them. */
function keycloakPolicies(settings: Partial<FakeKeycloakSettings>): void {
  Object.assign(keycloak.settings, KEYCLOAK_DEFAULT_SETTINGS, { trustedHosts: [], clientScopes: ['mcp:tools'] }, settings);
}

test('without --probe nothing is sent, and the skipped check says how to ask for it', async () => {
  keycloakPolicies({});
  const before = registrations(keycloak).length;
  const { finding } = await doctor(keycloak, []);
  expect(finding).toMatchObject({ status: 'skip', summary: 'Skipped: not requested (doctor --probe sends one deliberately invalid registration, which creates no client)' });
  expect(registrations(keycloak).length).toBe(before);
  // --skip wins over --probe: a skipped check sends nothing either.
  const skipped = await doctor(keycloak, ['--probe', '--skip', PROBE]);
  expect(skipped.finding.status).toBe('skip');
  expect(registrations(keycloak).length).toBe(before);
});

test("Keycloak's default Trusted Hosts refuses the sender: a warning naming the policy, Keycloak's words and the setting to turn off", async () => {
  keycloakPolicies({});
  const before = registrations(keycloak).length;
  const { exitCode, finding } = await doctor(keycloak, ['--probe']);
  expect(finding.status).toBe('warn');
  expect(finding.summary).toBe("Keycloak's Trusted Hosts policy refused the registration for the host it came from (Host Sending Client Registration Request Must Match is on); hosts register from their own servers, so it refuses them too");
  expect(finding.details).toEqual([`${keycloak.origin}/realms/master/clients-registrations/openid-connect said: Policy 'Trusted Hosts' rejected request to client-registration service. Details: Host not trusted.`]);
  expect(finding.fix).toContain('turn off Host Sending Client Registration Request Must Match');
  // A warning: exit 0, unless --strict.
  expect(exitCode).toBe(0);
  expect((await doctor(keycloak, ['--probe', '--strict'])).exitCode).toBe(1);
  // One request per run, with metadata no server accepts, and no client made.
  const sent = registrations(keycloak).slice(before);
  expect(sent).toHaveLength(2);
  expect(JSON.parse(sent[0]!.body)).toMatchObject({ redirect_uris: ['not a uri'] });
  expect(keycloak.clients).toEqual([]);

  // The same finding in the human report, with its fix.
  const human = await runCli(['doctor', keycloak.issuer, '--probe'], { cwd });
  expect(humanVerdicts(human.stdout)[PROBE]).toBe('warn');
  expect(human.stdout).toContain('Fix: Allow anonymous registration (Keycloak Admin › Clients › Client registration › Anonymous access policies › Trusted Hosts');
});

test('Keycloak with the sender check off: registration is open, the policy refused only the invalid redirect URI', async () => {
  keycloakPolicies({ senderMustMatch: false, trustedHosts: ['chatgpt.com', 'claude.ai'] });
  const { exitCode, finding } = await doctor(keycloak, ['--probe']);
  expect(exitCode).toBe(0);
  expect(finding.status).toBe('pass');
  expect(finding.summary).toBe(`Anonymous registration is allowed from this machine: Keycloak's Trusted Hosts policy let it through and refused only the probe's invalid redirect URI ("URI is malformed")`);
  // Passing the sender check from here says nothing of the hosts' servers: the finding says so.
  expect(finding.details[1]).toMatch(/^This machine passed Trusted Hosts' sender check \(it is off, or this machine's address is trusted\); hosts register from their own servers, which it refuses unless it is off: turn off Host Sending Client Registration Request Must Match/);
  expect(finding.details[2]).toContain("List the hosts' redirect URI hosts (chatgpt.com, claude.ai, …) in Trusted Hosts");
  expect(keycloak.clients).toEqual([]);
});

test("Keycloak at its Max Clients Limit: a warning that every host's registration is refused, and how to make room", async () => {
  keycloakPolicies({ senderMustMatch: false, clientUrisMustMatch: false, maxClients: 0 });
  const { finding } = await doctor(keycloak, ['--probe']);
  expect(finding.status).toBe('warn');
  expect(finding.summary).toBe(`Keycloak's Max Clients Limit policy refuses new clients: "It's allowed to have max 0 clients per realm"; every host that connects registers one`);
  expect(finding.fix).toBe('Raise the limit (Keycloak Admin › Clients › Client registration › Anonymous access policies › Max Clients Limit), or delete clients that hosts registered and no longer use');

  // Every policy passed: Keycloak validates the metadata and refuses the redirect URI itself.
  keycloakPolicies({ senderMustMatch: false, clientUrisMustMatch: false });
  const open = await doctor(keycloak, ['--probe']);
  expect(open.finding).toMatchObject({ status: 'pass', summary: 'Anonymous registration is allowed from this machine: every anonymous access policy let the probe through, and Keycloak refused only its invalid metadata (invalid_redirect_uri)' });
  expect(open.finding.details.at(-1)).toMatch(/^This machine passed Trusted Hosts' sender check/);
  expect(keycloak.clients).toEqual([]);
});

test('WorkOS with dynamic registration on: open; with it off there is no endpoint to probe', async () => {
  workos.settings.dcr = true;
  const open = await doctor(workos, ['--probe']);
  expect(open.finding).toMatchObject({ status: 'pass', summary: `${workos.origin}/oauth2/register rejected the deliberately invalid request with HTTP 400 invalid_redirect_uri: anonymous registration is open` });
  workos.settings.dcr = false;
  try {
    const before = registrations(workos).length;
    const off = await doctor(workos, ['--probe']);
    expect(off.finding).toMatchObject({ status: 'skip', summary: 'Skipped: the document has no registration_endpoint' });
    expect(registrations(workos).length).toBe(before);
  } finally {
    workos.settings.dcr = true;
  }
  expect(workos.clients).toEqual([]);
});
