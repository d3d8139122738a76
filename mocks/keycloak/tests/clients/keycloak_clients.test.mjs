// mock-keycloak and Keycloak 26.4.7 through the clients people use with them: Keycloak's own
// admin client, openid-client (discovery, grants, refresh, introspection, userinfo) and jose
// (verifying the tokens against the JWKS). The same tests run against both; the server is named
// by KEYCLOAK_URL, KEYCLOAK_ADMIN_USER and KEYCLOAK_ADMIN_PASSWORD (mocks/common/clients/run).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';

import KcAdminClient from '@keycloak/keycloak-admin-client';
import * as oidc from 'openid-client';
import * as jose from 'jose';

const url = process.env.KEYCLOAK_URL;
const realm = `clients-${randomBytes(4).toString('hex')}`;
const admin = new KcAdminClient({ baseUrl: url, realmName: 'master' });
const issuerUrl = new URL(`${url}/realms/${realm}`);
const allowHttp = { execute: [oidc.allowInsecureRequests] };

before(async () => {
  await admin.auth({
    grantType: 'password', clientId: 'admin-cli',
    username: process.env.KEYCLOAK_ADMIN_USER, password: process.env.KEYCLOAK_ADMIN_PASSWORD,
  });
  await admin.realms.create({ realm, enabled: true });
  admin.setConfig({ realmName: realm });
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
});

after(async () => {
  admin.setConfig({ realmName: 'master' });
  await admin.realms.del({ realm });
});

describe('the admin client', () => {
  test('finds users by username (it lists /users/ with a trailing slash)', async () => {
    const users = await admin.users.find({ username: 'alice', exact: true });
    assert.equal(users.length, 1);
    assert.equal(users[0].username, 'alice');
    assert.equal(users[0].email, 'alice@example.com');
    assert.equal(users[0].enabled, true);
  });

  test('creates, updates, counts and deletes a user', async () => {
    const { id } = await admin.users.create({ username: 'Bob.Mixed', enabled: true, email: 'Bob@Example.com' });
    const bob = await admin.users.findOne({ id });
    assert.equal(bob.username, 'bob.mixed', 'usernames are stored lower-case');
    assert.equal(bob.email, 'bob@example.com');
    await admin.users.update({ id }, { firstName: 'Bob' });
    assert.equal((await admin.users.findOne({ id })).firstName, 'Bob');
    assert.equal(await admin.users.count(), 2);
    await admin.users.del({ id });
    assert.equal(await admin.users.findOne({ id }), null, "the admin client answers a 404 with null");
  });

  test('refuses a second user with the same username with 409', async () => {
    await assert.rejects(admin.users.create({ username: 'alice', enabled: true, email: 'other@example.com' }),
      (error) => error.response?.status === 409);
  });

  test('finds clients by clientId and reads their secret', async () => {
    const clients = await admin.clients.find({ clientId: 'app' });
    assert.equal(clients.length, 1);
    assert.equal(clients[0].directAccessGrantsEnabled, true);
    const secret = await admin.clients.getClientSecret({ id: clients[0].id });
    assert.equal(secret.type, 'secret');
    assert.equal(secret.value, 'app-secret');
  });

  test('creates realm roles and maps them to a user', async () => {
    await admin.roles.create({ name: 'analyst' });
    const role = await admin.roles.findOneByName({ name: 'analyst' });
    const [alice] = await admin.users.find({ username: 'alice', exact: true });
    await admin.users.addRealmRoleMappings({ id: alice.id, roles: [{ id: role.id, name: role.name }] });
    const mapped = await admin.users.listRealmRoleMappings({ id: alice.id });
    assert.ok(mapped.some((r) => r.name === 'analyst'));
  });
});

describe('openid-client and jose', () => {
  let config;
  before(async () => {
    config = await oidc.discovery(issuerUrl, 'app', 'app-secret', undefined, allowHttp);
  });

  test('discovery names the realm issuer and its endpoints', () => {
    const metadata = config.serverMetadata();
    assert.equal(metadata.issuer, issuerUrl.href);
    assert.equal(metadata.token_endpoint, `${issuerUrl.href}/protocol/openid-connect/token`);
    assert.equal(metadata.jwks_uri, `${issuerUrl.href}/protocol/openid-connect/certs`);
  });

  test('a password grant gives an RS256 access token that jose verifies against the JWKS', async () => {
    const tokens = await oidc.genericGrantRequest(config, 'password',
      { username: 'alice', password: 'alice-pw', scope: 'openid' });
    const jwks = jose.createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
    const { payload, protectedHeader } = await jose.jwtVerify(tokens.access_token, jwks,
      { issuer: issuerUrl.href, audience: 'app', algorithms: ['RS256'] });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.ok(protectedHeader.kid);
    assert.equal(payload.preferred_username, 'alice');
    assert.equal(payload.azp, 'app');
    assert.ok(tokens.refresh_token);
    assert.ok(tokens.id_token);
  });

  test('a refresh gives a new access token for the same user', async () => {
    const tokens = await oidc.genericGrantRequest(config, 'password', { username: 'alice', password: 'alice-pw' });
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
    assert.notEqual(refreshed.access_token, tokens.access_token);
    assert.equal(jose.decodeJwt(refreshed.access_token).sub, jose.decodeJwt(tokens.access_token).sub);
  });

  test('a wrong password is an invalid_grant the client reports', async () => {
    await assert.rejects(oidc.genericGrantRequest(config, 'password', { username: 'alice', password: 'wrong' }),
      (error) => error.error === 'invalid_grant');
  });

  test('client credentials, introspection and userinfo', async () => {
    const service = await oidc.clientCredentialsGrant(config);
    const introspected = await oidc.tokenIntrospection(config, service.access_token);
    assert.equal(introspected.active, true);
    assert.equal(introspected.client_id, 'app');
    const tokens = await oidc.genericGrantRequest(config, 'password',
      { username: 'alice', password: 'alice-pw', scope: 'openid' });
    const sub = jose.decodeJwt(tokens.access_token).sub;
    const info = await oidc.fetchUserInfo(config, tokens.access_token, sub);
    assert.equal(info.email, 'alice@example.com');
    assert.equal(info.given_name, 'Alice');
  });
});
