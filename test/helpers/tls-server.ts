/**
 * An https server on 127.0.0.1 with a self-signed certificate (valid until 2126, for 127.0.0.1 and
 * localhost): every TLS client that checks certificates rejects it (DEPTH_ZERO_SELF_SIGNED_CERT).
 * The key below is a throwaway made for these tests only.
 */
import type http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

const CERT = `-----BEGIN CERTIFICATE-----
MIIDJzCCAg+gAwIBAgIUEMVqJ3VbYY/dKyWYgiBI17Irar8wDQYJKoZIhvcNAQEL
BQAwFDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyODAyNTYzNloYDzIxMjYx
MTA0MDI1NjM2WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwggEiMA0GCSqGSIb3DQEB
AQUAA4IBDwAwggEKAoIBAQClLPytVarlcQvrIQpZAzfcnyDipU1CFooqGB/2RhV1
6HQCvkrxYWdr9mgGKl3UgO+Nf03QrsOU5Eplyt4mMn+e47ZHcU5f8oD8vQNTv3O0
r/V03azqjLrpb2RIA4kKUNfLjl6HnNPnomu2jHsCvl07czExL58SQ1of4yx8h/bl
QsNPAzBfJVa5aWMqpl8zl2o55VIGZA6IrswO+MlxQCT76r68RV3xkE6/cWo7b470
TWfStv1tw9xr2V9zUg2cPz0KgaYXMn14dMTuzjxjHMxIVTbcsq9XQJa0+Pr2Y1Mu
L9vCDf0xi3KDUftCbK1HticnAta3dWRgOVfzshGWci9fAgMBAAGjbzBtMB0GA1Ud
DgQWBBRdGjTOH6JmuvdUtx46AbM7lHzCfzAfBgNVHSMEGDAWgBRdGjTOH6JmuvdU
tx46AbM7lHzCfzAPBgNVHRMBAf8EBTADAQH/MBoGA1UdEQQTMBGHBH8AAAGCCWxv
Y2FsaG9zdDANBgkqhkiG9w0BAQsFAAOCAQEAI+NuGI5S7X/tITMsPDbLG9YcXSMC
9lrXFMc4iTxWtbIRmsicDUryb/ZYH//MqxxI++B1jE2Uv+DMRCWBJYHNoEEWH/Cw
FVXMAj8PKSt7SdvxoJGImj3McanapdGjSL5ZNNRBrNhLmc0VyYjt0MQVmf7QkVzT
w/rLSm4Cy4JWCRGIHkp0yRozkk7xeBQMjap6WeUfhACX5fesf1MsgBxVXPAEhFjS
jPGW5CLBNjvmjx+QoNFMCRR1GrhBIThI0rlyaSejRfo1PWMbxTImLNWZVXY7hUVz
DAynWTTytUeIaLK49WRwy3NDqzRYw7tV+by19DMouR8+v21O7MmRU5U67w==
-----END CERTIFICATE-----
`;

const KEY = `-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQClLPytVarlcQvr
IQpZAzfcnyDipU1CFooqGB/2RhV16HQCvkrxYWdr9mgGKl3UgO+Nf03QrsOU5Epl
yt4mMn+e47ZHcU5f8oD8vQNTv3O0r/V03azqjLrpb2RIA4kKUNfLjl6HnNPnomu2
jHsCvl07czExL58SQ1of4yx8h/blQsNPAzBfJVa5aWMqpl8zl2o55VIGZA6IrswO
+MlxQCT76r68RV3xkE6/cWo7b470TWfStv1tw9xr2V9zUg2cPz0KgaYXMn14dMTu
zjxjHMxIVTbcsq9XQJa0+Pr2Y1MuL9vCDf0xi3KDUftCbK1HticnAta3dWRgOVfz
shGWci9fAgMBAAECggEAUf8xOIMsoVYrSoBOeL3GP3mng5v37HTwBdGQHFvST4Qk
AzCgV4+5HblnDph9l/6h7SZjZNM9OG7UGBBLk77B6Ai29mRjOfJS4iSawDpsoCgx
u+BH9PAD4dpwd+d5YmublOuKNdw+veC9hBPdBRGnitm2c+pmF1TkKqxF61Q71rcu
4xHv0pD8Vmw/VUAdOgbZQnG1ViUbN3NsVAI37Q/irxaJ3kd3JeBqKMS0prn81P70
HHMLWh/h8OXGL8WartVJHrSLgWDUl6WRU/Ij3tRkVHvJElvzMYt/AkwjDM768wXe
L4cIL87fs8Xl3C5kuav5DEe758bQXpRIkz3ZwdgjIQKBgQDhaZlQJXuCgcJrkNx/
/iJD9IS7GIyxObmn1/yvcqxIUaC5uYwpffU2b6MY4I3RIcWy6AYlrAYvhA2+CTMv
LWISP7aW4QK+pbYx0sLYRWOmgQdUvkJIkqazQIwG44gjPwmYihUE0IyQiJ/H5yHz
Xc1hfb9sLbN+aq0CmwjQ/nzrSQKBgQC7luCnlRtiAAgdsGxbTAZA95h1gQeOsB16
ZaxcWVIhAUaY11c6e/M5WdbuQtyNN7UZsBtvA+wx0TbrYkDnvwPBbjJzzj0LMWdN
nfn8qqpISKIU7wu3mWF/Qancukk1jWn0jV6m1j8cYCh8VInfipET58wsLLpj8RLY
8jES5QZdZwKBgQDJDr/JVSWNiuA3wcZsA+ncY0Xg/EzB55NJusWQWOCCwQxznKUA
fXEzVPBNSD42w8DrizmwcHgz+b2oO9yDwB8x19KtUZZ5JqYUWsGg1oPECGLZm7rT
sLswN+quWlUb2yZcAQ4udTZr1PFwBSGrSYff5aHQhBMON2iKYm7Cu7wAwQKBgGBx
m6LNGDz0QzfwYmU12uk/4pRW+Cm2BhHNgCYijgUGAOPHosMgwtWziLsKiRXZlDRW
xGP5IlAifhfadgAvxqCGJU5AtEWy6qePFt1+aPmszhfxJpcINoYUnl4rMERmJhlj
LUydTekqzuXNGO1i8l/HhsMXY+TKJqR/MBfEw9b1AoGAAutj4Jn6JjqpTOQQUv3V
JMV7E1OEiqkA3AnNFvhIDzwvePlRQl9n3MAoemuN/o33DfauxY9dXh0js1mhFeSy
qUm51R+kjMH/lSoQfY5wlYbI1CaedO1lR+x9gLk/yODGh3lAJ1WlgPqk0cm3c1mN
4PubH7EuUjg1urLzoqKM/sE=
-----END PRIVATE KEY-----
`;

/** A running self-signed https server that would answer `{}` to anything. */
export interface TlsServer {
  origin: string;
  close(): Promise<void>;
}

/** The certificate, for a process that is told to trust it (`NODE_EXTRA_CA_CERTS`). */
export const TLS_CERT = CERT;

/** Starts the self-signed https server on a random port. */
export function startSelfSignedServer(): Promise<TlsServer> {
  return startHttpsServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
}

/** An https server with this certificate, answering with `handler`. */
export async function startHttpsServer(handler: http.RequestListener): Promise<TlsServer> {
  const server = https.createServer({ cert: CERT, key: KEY }, handler);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
