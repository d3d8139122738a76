// mock-keycloak and Keycloak 26.5 as an OpenID provider, through openid-client (discovery,
// password, refresh and client-credentials grants, introspection, userinfo) and jose (verifying
// the tokens against the JWKS as a resource server would: RS256, iss, aud, exp).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import * as oidc from 'openid-client';
import * as jose from 'jose';

import { freshRealm, signedInAdmin } from './keycloak_support.mjs';

const allowHttp = { execute: [oidc.allowInsecureRequests] };
let admin;
let realm;
let config;
let jwks;

before(async () => {
  admin = await signedInAdmin();
  realm = await freshRealm(admin, 'oidc-client');
  await admin.clients.create({
    clientId: 'app', secret: 'app-secret', directAccessGrantsEnabled: true, serviceAccountsEnabled: true,
    protocolMappers: [{
      name: 'app-audience', protocol: 'openid-connect', protocolMapper: 'oidc-audience-mapper',
      config: { 'included.client.audience': 'app', 'access.token.claim': 'true', 'id.token.claim': 'false' },
    }],
  });
  await admin.users.create({
    username: 'alice', enabled: true, email: 'alice@example.com', emailVerified: true,
    firstName: 'Alice', lastName: 'Tester',
    credentials: [{ type: 'password', value: 'alice-pw', temporary: false }],
  });
  config = await oidc.discovery(new URL(realm.issuer), 'app', 'app-secret', undefined, allowHttp);
  jwks = jose.createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
});

after(async () => {
  await realm.remove();
});

const login = (scope = 'openid') => oidc.genericGrantRequest(config, 'password', { username: 'alice', password: 'alice-pw', scope });

describe('discovery and keys', () => {
  test('discovery names the realm issuer, its endpoints and what it supports', () => {
    const metadata = config.serverMetadata();
    const oidcBase = `${realm.issuer}/protocol/openid-connect`;
    assert.equal(metadata.issuer, realm.issuer);
    assert.equal(metadata.token_endpoint, `${oidcBase}/token`);
    assert.equal(metadata.jwks_uri, `${oidcBase}/certs`);
    assert.equal(metadata.userinfo_endpoint, `${oidcBase}/userinfo`);
    assert.equal(metadata.introspection_endpoint, `${oidcBase}/token/introspect`);
    assert.equal(metadata.end_session_endpoint, `${oidcBase}/logout`);
    for (const grant of ['password', 'client_credentials', 'refresh_token']) {
      assert.ok(metadata.grant_types_supported.includes(grant), grant);
    }
    assert.ok(metadata.id_token_signing_alg_values_supported.includes('RS256'));
    assert.ok(metadata.token_endpoint_auth_methods_supported.includes('client_secret_basic'));
  });

  test('the JWKS has an RS256 signing key', async () => {
    const response = await fetch(config.serverMetadata().jwks_uri);
    const { keys } = await response.json();
    const signing = keys.filter((key) => key.use === 'sig' && key.alg === 'RS256');
    assert.equal(signing.length, 1);
    assert.equal(signing[0].kty, 'RSA');
    assert.ok(signing[0].kid && signing[0].n && signing[0].e);
  });
});

describe('grants and verification', () => {
  test('a password grant gives an access token a resource server accepts (RS256, iss, aud, exp)', async () => {
    const tokens = await login();
    const { payload, protectedHeader } = await jose.jwtVerify(tokens.access_token, jwks,
      { issuer: realm.issuer, audience: 'app', algorithms: ['RS256'] });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(protectedHeader.typ, 'JWT');
    assert.equal(payload.preferred_username, 'alice');
    assert.equal(payload.azp, 'app');
    assert.equal(payload.typ, 'Bearer');
    assert.equal(payload.exp - payload.iat, 300, 'the realm default access token lifespan');
    // exp minus the time Keycloak builds the response, in whole seconds: 299 when a second
    // boundary passes in between
    assert.ok([299, 300].includes(tokens.expires_in), `expires_in ${tokens.expires_in}`);
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.ok(tokens.scope.split(' ').includes('openid'));
    const id = await jose.jwtVerify(tokens.id_token, jwks, { issuer: realm.issuer, audience: 'app' });
    assert.equal(id.payload.typ, 'ID');
    assert.equal(id.payload.sub, payload.sub);
    assert.equal(id.payload.email, 'alice@example.com');
  });

  test('jose refuses the token for another audience, another issuer, or after it expires', async () => {
    const { access_token: token } = await login();
    await assert.rejects(jose.jwtVerify(token, jwks, { issuer: realm.issuer, audience: 'someone-else' }),
      { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
    await assert.rejects(jose.jwtVerify(token, jwks, { issuer: `${realm.issuer}-other`, audience: 'app' }),
      { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'iss' });
    const { exp } = jose.decodeJwt(token);
    await assert.rejects(jose.jwtVerify(token, jwks, { issuer: realm.issuer, audience: 'app', currentDate: new Date((exp + 1) * 1000) }),
      { code: 'ERR_JWT_EXPIRED' });
    const [header, payload] = token.split('.');
    await assert.rejects(jose.jwtVerify(`${header}.${payload}.${'A'.repeat(342)}`, jwks), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  test('a refresh gives a new access token for the same user', async () => {
    const tokens = await login();
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
    assert.notEqual(refreshed.access_token, tokens.access_token);
    assert.equal(jose.decodeJwt(refreshed.access_token).sub, jose.decodeJwt(tokens.access_token).sub);
    assert.ok(refreshed.refresh_token);
  });

  test('errors the client reports: wrong password, wrong secret, unknown grant', async () => {
    await assert.rejects(oidc.genericGrantRequest(config, 'password', { username: 'alice', password: 'wrong' }),
      (error) => error.error === 'invalid_grant' && error.error_description === 'Invalid user credentials');
    const wrongSecret = await oidc.discovery(new URL(realm.issuer), 'app', 'not-the-secret', undefined, allowHttp);
    await assert.rejects(oidc.clientCredentialsGrant(wrongSecret),
      (error) => error.error === 'unauthorized_client' && error.status === 401);
    await assert.rejects(oidc.genericGrantRequest(config, 'urn:example:unknown', {}),
      (error) => error.error === 'unsupported_grant_type');
  });

  test('client credentials, introspection and userinfo', async () => {
    const service = await oidc.clientCredentialsGrant(config);
    const { payload } = await jose.jwtVerify(service.access_token, jwks, { issuer: realm.issuer });
    assert.equal(payload.preferred_username, 'service-account-app');
    assert.equal(service.refresh_token, undefined, 'no refresh token for client credentials');
    const introspected = await oidc.tokenIntrospection(config, service.access_token);
    assert.equal(introspected.active, true);
    assert.equal(introspected.client_id, 'app');
    assert.equal(introspected.username, 'service-account-app');
    assert.equal((await oidc.tokenIntrospection(config, 'not-a-token')).active, false);
    const tokens = await login();
    const sub = jose.decodeJwt(tokens.access_token).sub;
    const info = await oidc.fetchUserInfo(config, tokens.access_token, sub);
    assert.equal(info.email, 'alice@example.com');
    assert.equal(info.given_name, 'Alice');
    assert.equal(info.preferred_username, 'alice');
  });

  test('a logout ends the session: its refresh token and introspection say so', async () => {
    const tokens = await login();
    const response = await fetch(config.serverMetadata().end_session_endpoint, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from('app:app-secret').toString('base64')}` },
      body: new URLSearchParams({ refresh_token: tokens.refresh_token }),
    });
    assert.equal(response.status, 204);
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token), (error) => error.error === 'invalid_grant');
    assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, false);
  });
});
