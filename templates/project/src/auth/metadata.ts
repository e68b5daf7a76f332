/**
 * RFC 9728 Protected Resource Metadata, at the path-aware URL
 * (`/.well-known/oauth-protected-resource/mcp`, served by the SDK's `mcpAuthMetadataRouter`,
 * which also mirrors the authorization server's metadata at `/.well-known/oauth-authorization-server`)
 * and at the root URL that ChatGPT and older clients try (`/.well-known/oauth-protected-resource`),
 * with identical content.
 */
import { mcpAuthMetadataRouter } from '@modelcontextprotocol/express';
import { buildOAuthProtectedResourceMetadata, type OAuthMetadata } from '@modelcontextprotocol/server';
import cors from 'cors';
import express, { type Router } from 'express';

export interface MetadataOptions {
  oauthMetadata: OAuthMetadata;
  resource: URL;
  scopes: string[];
  resourceName: string;
}

export function metadataRoutes({ oauthMetadata, resource, scopes, resourceName }: MetadataOptions): Router {
  const options = {
    oauthMetadata,
    resourceServerUrl: resource,
    scopesSupported: scopes.length > 0 ? scopes : undefined,
    resourceName,
    // The SDK refuses http issuers except on localhost; the same rule is enforced in config.ts.
  };
  const router = express.Router();
  router.use(mcpAuthMetadataRouter(options));
  if (resource.pathname !== '/') {
    const document = buildOAuthProtectedResourceMetadata(options);
    router.options('/.well-known/oauth-protected-resource', cors());
    router.get('/.well-known/oauth-protected-resource', cors(), (_req, res) => {
      res.json(document);
    });
    router.all('/.well-known/oauth-protected-resource', (req, res) => {
      res.set('Allow', 'GET, HEAD, OPTIONS').status(405).json({ error: 'method_not_allowed', error_description: `The method ${req.method} is not allowed for this endpoint` });
    });
  }
  return router;
}
