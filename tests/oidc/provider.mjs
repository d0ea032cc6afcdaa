// A real OpenID Connect provider on the loopback, standing in for ProConnect in the browser
// tests (tests/e2e/test_proconnect.py). It is panva's `oidc-provider` (an OpenID Certified
// implementation; version 8 runs on Debian 12's Node.js 18 as on later ones), configured like
// ProConnect: authorization code flow, PKCE required, claims as scopes (email, given_name,
// usual_name, uid, siret, idp_id), `acr` "eidas1" and `amr` in the ID token, the UserInfo
// answered as a signed JWT, RP-initiated logout with id_token_hint, state and
// post_logout_redirect_uri.
//
// Only the interaction (how a person proves who he is) is this script's own: a French form
// that takes a professional e-mail address, as a federated identity provider would after its
// own checks. Nothing of the protocol is mocked.
//
//   node tests/oidc/provider.mjs      (environment below; prints {"issuer": ...} when ready)
//
// OIDC_CLIENT_ID, OIDC_CLIENT_SECRET   the portal's client
// OIDC_REDIRECT_URI                    the portal's callback (redirect_uri)
// OIDC_POST_LOGOUT_REDIRECT_URI        where the provider sends the browser after logout
// OIDC_PORT                            0 (default): a free port chosen by the system
//
// A second client, "<OIDC_CLIENT_ID>-expired" (same secret and URIs), receives ID tokens that
// expired an hour ago (issued two hours ago): the portal must refuse them.

import * as crypto from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return value;
};

const CLIENT_ID = env('OIDC_CLIENT_ID');
const CLIENT_SECRET = env('OIDC_CLIENT_SECRET');
const REDIRECT_URI = env('OIDC_REDIRECT_URI');
const POST_LOGOUT_REDIRECT_URI = env('OIDC_POST_LOGOUT_REDIRECT_URI');
const EXPIRED_CLIENT_ID = `${CLIENT_ID}-expired`;
const ACR = 'eidas1';
const AMR = ['pwd'];
const IDP_ID = 'fi-de-test-cpts-portal';
const SIRET = '13000000000000';

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:sans-serif;background:#f6f6f6;margin:0;padding:40px}
main{max-width:420px;margin:auto;background:#fff;padding:24px 32px;border-top:4px solid #000091}
h1{font-size:1.3rem;color:#000091}label{display:block;margin:12px 0 4px}
input{width:100%;padding:8px;box-sizing:border-box}
button{margin-top:16px;padding:8px 16px;background:#000091;color:#fff;border:0;cursor:pointer}
button.secondaire{background:#fff;color:#000091;border:1px solid #000091}
</style></head>
<body><main>${body}</main></body></html>`;
}

// The people this identity provider knows: anyone whose professional e-mail is typed in the
// form. The names come from the address (prenom.nom@...), the way a directory would give them.
function profile(email) {
  const [first = '', last = ''] = email.trim().split('@')[0].split('.');
  const title = (word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
  return {
    given_name: title(first),
    usual_name: title(last || first),
  };
}

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'cle-de-test', use: 'sig', alg: 'RS256' };

const client = (clientId) => ({
  client_id: clientId,
  client_secret: CLIENT_SECRET,
  redirect_uris: [REDIRECT_URI],
  post_logout_redirect_uris: [POST_LOGOUT_REDIRECT_URI],
  response_types: ['code'],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: 'client_secret_post',
  id_token_signed_response_alg: 'RS256',
  userinfo_signed_response_alg: 'RS256',
});

const configuration = {
  clients: [client(CLIENT_ID), client(EXPIRED_CLIENT_ID)],
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  // ProConnect's scopes each carry the claim of the same name.
  claims: {
    openid: ['sub'],
    email: ['email'],
    given_name: ['given_name'],
    usual_name: ['usual_name'],
    uid: ['uid'],
    siret: ['siret'],
    idp_id: ['idp_id'],
    amr: null,
  },
  acrValues: [ACR],
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    claimsParameter: { enabled: true },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page(
          'Déconnexion',
          `<h1>Fournisseur d'identité de test</h1>
<p>Voulez-vous vous déconnecter de ProConnect ?</p>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Oui, me déconnecter</button>
<button class="secondaire" type="submit" form="op.logoutForm">Non, rester connecté</button>`,
        );
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Déconnecté', '<h1>Vous êtes déconnecté de ProConnect.</h1>');
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, accountId) {
    return {
      accountId,
      async claims() {
        return {
          sub: crypto.createHash('sha256').update(accountId.trim().toLowerCase()).digest('hex'),
          email: accountId,
          ...profile(accountId),
          uid: accountId.trim().toLowerCase(),
          siret: SIRET,
          idp_id: IDP_ID,
        };
      },
    };
  },
  // No consent screen: every client of this provider is first-party, as with ProConnect.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const existing = await ctx.oidc.provider.Grant.find(grantId);
      if (existing) return existing;
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope);
    if (ctx.oidc.claims?.id_token) grant.addOIDCClaims(Object.keys(ctx.oidc.claims.id_token));
    if (ctx.oidc.claims?.userinfo) grant.addOIDCClaims(Object.keys(ctx.oidc.claims.userinfo));
    await grant.save();
    return grant;
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page(
      'Erreur',
      `<h1>Erreur du fournisseur d'identité</h1><pre>${escapeHtml(JSON.stringify(out, null, 2))}</pre>`,
    );
  },
  ttl: {
    AccessToken: 60,
    AuthorizationCode: 30,
    IdToken: 3600,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
};

const server = http.createServer();
server.listen(Number(process.env.OIDC_PORT || 0), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);

  // The "-expired" client's ID tokens were issued two hours ago and expired an hour ago.
  const issue = provider.IdToken.prototype.issue;
  provider.IdToken.prototype.issue = async function issueMaybeExpired(options = {}) {
    if (options.use === 'idtoken' && this.client?.clientId === EXPIRED_CLIENT_ID) {
      const now = Math.floor(Date.now() / 1000);
      this.set('iat', now - 7200);
      return issue.call(this, { ...options, expiresAt: now - 3600 });
    }
    return issue.call(this, options);
  };

  const handleProtocol = provider.callback();
  server.on('request', async (req, res) => {
    const url = new URL(req.url, issuer);
    const match = url.pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
    if (!match) {
      handleProtocol(req, res);
      return;
    }
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'POST' && match[2]) {
        const body = await new Promise((resolve) => {
          let data = '';
          req.on('data', (chunk) => { data += chunk; });
          req.on('end', () => resolve(new URLSearchParams(data)));
        });
        const email = body.get('email') || '';
        if (!email.includes('@')) {
          res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' });
          res.end(page('Erreur', '<h1>Adresse e-mail invalide</h1>'));
          return;
        }
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: email, acr: ACR, amr: AMR } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      if (details.prompt.name !== 'login') {
        // Consent is granted by loadExistingGrant; any other prompt simply goes on.
        await provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(page(
        "Fournisseur d'identité de test",
        `<h1>Fournisseur d'identité de test</h1>
<p>Connexion à <strong>${escapeHtml(details.params.client_id)}</strong> par ProConnect.</p>
<form method="post" action="/interaction/${escapeHtml(details.uid)}/login">
<label for="email">Adresse e-mail professionnelle</label>
<input id="email" name="email" type="email" autocomplete="email" autofocus required>
<button type="submit">Continuer</button>
</form>`,
      ));
    } catch (error) {
      res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(page('Erreur', `<h1>Interaction impossible</h1><pre>${escapeHtml(error.message)}</pre>`));
    }
  });

  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
