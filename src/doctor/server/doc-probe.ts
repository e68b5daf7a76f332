/**
 * One GET of a metadata document as doctor's server checks make it (from MCP Inspector's origin,
 * redirects followed and recorded). A module of its own: doctor's early requests
 * (src/doctor/prefetch.ts) send it before the server checks are loaded.
 */
import { fetchDocument, parseJsonObject } from '../../issuer/http.js';
import { NetError } from '../../issuer/net-error.js';
import type { NetOptions } from '../../issuer/types.js';
import { INSPECTOR_ORIGIN, type DocProbe } from './context.js';

/** GET a metadata document (redirects followed and recorded); never throws a `NetError`. */
export async function docProbe(url: string, net: NetOptions): Promise<DocProbe> {
  try {
    const res = await fetchDocument(url, { ...net, headers: { origin: INSPECTOR_ORIGIN } });
    if (res.status !== 200) return { url, res };
    try {
      return { url, res, doc: parseJsonObject(res) };
    } catch (error) {
      if (error instanceof NetError) return { url, res, error };
      throw error;
    }
  } catch (error) {
    if (error instanceof NetError) return { url, error };
    throw error;
  }
}
