/**
 * oidc-provider's storage (`adapter`), over the broker's `Store`. Every model is one key
 * (`<Model>:<id>`, JSON, expiring with the model); models that belong to a grant are also listed
 * under `grant:<grantId>`, so revoking a grant (a reused refresh token, a replayed code) removes
 * them on every instance.
 *
 * Single use is atomic: `consume` claims `<Model>:<id>:consumed` with set-if-absent, so of two
 * requests redeeming the same code or refresh token at the same moment (even on two instances)
 * exactly one wins; the other gets `invalid_grant`.
 */
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Store } from './store.js';

const GRANT_MEMBERS = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);
/** Lifetime of an entry oidc-provider stores without one (registered clients): kept until deleted. */
const FOREVER = 0;

export function storeAdapter(store: Store): (model: string) => Adapter {
  /** Everything a grant holds, and the provider's tokens kept for it, on every instance. */
  const revoke = async (grantId: string) => {
    const members = await store.members(`grant:${grantId}`);
    await store.delete(...members, `grant:${grantId}`, `upstream:${grantId}`);
  };
  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        const ttl = expiresIn && expiresIn > 0 ? expiresIn : FOREVER;
        await store.set(key(id), JSON.stringify(payload), ttl);
        if (payload.grantId && GRANT_MEMBERS.has(model)) {
          await store.addToSet(`grant:${payload.grantId}`, key(id), ttl || undefined);
          await store.addToSet(`grant:${payload.grantId}`, `${key(id)}:consumed`, ttl || undefined);
        }
        if (payload.uid) await store.set(`${model}:uid:${payload.uid}`, id, ttl);
        if (payload.userCode) await store.set(`${model}:userCode:${payload.userCode}`, id, ttl);
      },
      async find(id) {
        const text = await store.get(key(id));
        if (text === undefined) return undefined;
        const payload = JSON.parse(text) as AdapterPayload;
        const consumed = await store.get(`${key(id)}:consumed`);
        return consumed === undefined ? payload : { ...payload, consumed: Number(consumed) };
      },
      async findByUid(uid) {
        const id = await store.get(`${model}:uid:${uid}`);
        return id === undefined ? undefined : this.find(id);
      },
      async findByUserCode(userCode) {
        const id = await store.get(`${model}:userCode:${userCode}`);
        return id === undefined ? undefined : this.find(id);
      },
      async consume(id) {
        const remaining = await store.ttl(key(id));
        const ttl = remaining === undefined || remaining === Infinity ? 3600 : remaining;
        const first = await store.setIfAbsent(`${key(id)}:consumed`, String(Math.floor(Date.now() / 1000)), ttl);
        if (!first) {
          // Two redemptions at once (on two instances): the loser's is a reuse, so the grant goes (RFC 9700 §4.14.2).
          const text = await store.get(key(id));
          const grantId = text ? (JSON.parse(text) as AdapterPayload).grantId : undefined;
          if (grantId) await revoke(grantId);
          throw new errors.InvalidGrant(`${model === 'RefreshToken' ? 'refresh token' : 'authorization code'} already used`);
        }
      },
      async destroy(id) {
        await store.delete(key(id));
      },
      revokeByGrantId: revoke,
    };
  };
}
