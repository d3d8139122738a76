// mock-keycloak and Keycloak 26.5 through Keycloak's own admin client: realms, users (search,
// passwords, sessions, groups, role mappings), clients (secrets, service accounts, protocol
// mappers, client scopes, client roles), client scopes and realm roles — what the harness's
// provisioner and scenario suites use, and the CRUD the client does around them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { freshRealm, passwordGrant, signedInAdmin, status, unique } from './keycloak_support.mjs';

let admin;
let realm;

before(async () => {
  admin = await signedInAdmin();
  realm = await freshRealm(admin, 'admin-client');
});

after(async () => {
  await realm.remove();
});

describe('realms', () => {
  test('create, list, read, update, refuse a duplicate, delete', async () => {
    const name = unique('realm');
    await admin.realms.create({ realm: name, enabled: true, accessTokenLifespan: 600 });
    try {
      assert.ok((await admin.realms.find()).some((r) => r.realm === name));
      const read = await admin.realms.findOne({ realm: name });
      assert.equal(read.realm, name);
      assert.equal(read.enabled, true);
      assert.equal(read.accessTokenLifespan, 600);
      assert.ok(read.id);
      await admin.realms.update({ realm: name }, { displayName: 'Clients test', accessTokenLifespan: 900 });
      const updated = await admin.realms.findOne({ realm: name });
      assert.equal(updated.displayName, 'Clients test');
      assert.equal(updated.accessTokenLifespan, 900);
      await assert.rejects(admin.realms.create({ realm: name }), status(409));
    } finally {
      await admin.realms.del({ realm: name });
    }
    assert.equal(await admin.realms.findOne({ realm: name }), null, 'the admin client answers a 404 with null');
  });
});

let clientSecret;

describe('users', () => {
  before(async () => {
    clientSecret = unique('secret');
    await admin.clients.create({ clientId: 'login-app', secret: clientSecret, directAccessGrantsEnabled: true });
    await admin.users.create({
      username: 'alice', enabled: true, email: 'alice@example.com', emailVerified: true, firstName: 'Alice',
      lastName: 'Tester', credentials: [{ type: 'password', value: 'alice-pw', temporary: false }],
    });
  });

  test('finds users by username (listing /users/ with a trailing slash), search and email', async () => {
    const exact = await admin.users.find({ username: 'alice', exact: true });
    assert.deepEqual(exact.map((u) => [u.username, u.email, u.enabled, u.firstName]),
      [['alice', 'alice@example.com', true, 'Alice']]);
    assert.equal((await admin.users.find({ search: 'alic' })).length, 1);
    assert.equal((await admin.users.find({ email: 'alice@example.com' }))[0].username, 'alice');
    assert.deepEqual(await admin.users.find({ username: 'nobody', exact: true }), []);
  });

  test('creates, reads, updates, counts and deletes a user', async () => {
    const before = await admin.users.count();
    const { id } = await admin.users.create({ username: 'Bob.Mixed', enabled: true, email: 'Bob@Example.com' });
    const bob = await admin.users.findOne({ id });
    assert.equal(bob.username, 'bob.mixed', 'usernames are stored lower-case');
    assert.equal(bob.email, 'bob@example.com');
    assert.ok(bob.createdTimestamp > 0);
    await admin.users.update({ id }, { firstName: 'Bob' });
    const updated = await admin.users.findOne({ id });
    assert.equal(updated.firstName, 'Bob');
    assert.equal(updated.email, 'bob@example.com', 'fields the update leaves out stay');
    // Keycloak 26's user profile has no unmanaged attributes: they are dropped, and an update
    // that carries "attributes" is the whole profile (the email it leaves out goes).
    await admin.users.update({ id }, { firstName: 'Bob', attributes: { team: ['platform'] } });
    const whole = await admin.users.findOne({ id });
    assert.equal(whole.attributes, undefined);
    assert.equal(whole.email, undefined);
    assert.equal(whole.firstName, 'Bob');
    assert.equal(await admin.users.count(), before + 1);
    await admin.users.del({ id });
    assert.equal(await admin.users.findOne({ id }), null, 'the admin client answers a 404 with null');
    assert.equal(await admin.users.count(), before);
  });

  test('refuses a second user with the same username or email with 409', async () => {
    await assert.rejects(admin.users.create({ username: 'alice', enabled: true }),
      (error) => error.response?.status === 409 && error.responseData?.errorMessage === 'User exists with same username');
    await assert.rejects(admin.users.create({ username: 'alice2', email: 'alice@example.com', enabled: true }),
      (error) => error.response?.status === 409 && error.responseData?.errorMessage === 'User exists with same email');
  });

  test('the user profile validates usernames, emails and names; usernames are read-only', async () => {
    const refused = (field, errorMessage) => (error) => error.response?.status === 400 &&
      error.responseData?.field === field && error.responseData?.errorMessage === errorMessage;
    await assert.rejects(admin.users.create({ username: 'ab' }), refused('username', 'error-invalid-length'));
    await assert.rejects(admin.users.create({ username: 'with space' }), refused('username', 'error-username-invalid-character'));
    await assert.rejects(admin.users.create({ username: 'erin', email: 'not-an-email' }), refused('email', 'error-invalid-email'));
    await assert.rejects(admin.users.create({ username: 'erin', firstName: '<script>' }),
      refused('firstName', 'error-person-name-invalid-character'));
    await assert.rejects(admin.users.create({ username: 'a b', email: 'bad' }),
      (error) => error.response?.status === 400 && error.responseData?.errors?.length === 2);
    const [alice] = await admin.users.find({ username: 'alice', exact: true });
    await assert.rejects(admin.users.update({ id: alice.id }, { username: 'alice-renamed' }),
      refused('username', 'error-user-attribute-read-only'));
    assert.deepEqual(await admin.users.find({ username: 'erin', exact: true }), [], 'nothing was created');
  });

  test('a user without email and names cannot log in yet: the profile is not complete', async () => {
    const username = unique('frank');
    await admin.users.create({ username, enabled: true, credentials: [{ type: 'password', value: 'frank-pw' }] });
    const login = await passwordGrant(realm.realm, 'login-app', clientSecret, username, 'frank-pw');
    assert.equal(login.status, 400);
    assert.deepEqual(login.body, { error: 'invalid_grant', error_description: 'Account is not fully set up' });
  });

  test('a password reset takes effect at the next login; credentials list the password', async () => {
    const { id } = await admin.users.create({
      username: unique('carol'), enabled: true, email: `${unique('carol')}@example.com`, firstName: 'Carol', lastName: 'Tester',
    });
    const { username } = await admin.users.findOne({ id });
    await admin.users.resetPassword({ id, credential: { type: 'password', value: 'first-pw', temporary: false } });
    assert.equal((await passwordGrant(realm.realm, 'login-app', clientSecret, username, 'first-pw')).status, 200);
    const credentials = await admin.users.getCredentials({ id });
    assert.deepEqual(credentials.map((c) => c.type), ['password']);
    assert.equal(credentials[0].secretData, undefined, 'no hash in the listing');
    await admin.users.resetPassword({ id, credential: { type: 'password', value: 'second-pw', temporary: false } });
    const old = await passwordGrant(realm.realm, 'login-app', clientSecret, username, 'first-pw');
    assert.equal(old.status, 401);
    assert.equal(old.body.error, 'invalid_grant');
    assert.equal((await passwordGrant(realm.realm, 'login-app', clientSecret, username, 'second-pw')).status, 200);
  });

  test('sessions of a login are listed and ended by a logout', async () => {
    const [alice] = await admin.users.find({ username: 'alice', exact: true });
    await admin.users.logout({ id: alice.id });
    const login = await passwordGrant(realm.realm, 'login-app', clientSecret, 'alice', 'alice-pw');
    assert.equal(login.status, 200);
    const sessions = await admin.users.listSessions({ id: alice.id });
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].username, 'alice');
    assert.equal(sessions[0].userId, alice.id);
    assert.deepEqual(Object.values(sessions[0].clients), ['login-app']);
    await admin.users.logout({ id: alice.id });
    assert.deepEqual(await admin.users.listSessions({ id: alice.id }), []);
  });

  test('groups: create, nest, join, list members, leave, rename, delete', async () => {
    const { id: teamId } = await admin.groups.create({ name: 'team' });
    const { id: subId } = await admin.groups.createChildGroup({ id: teamId }, { name: 'backend' });
    const [alice] = await admin.users.find({ username: 'alice', exact: true });
    await admin.users.addToGroup({ id: alice.id, groupId: subId });
    assert.deepEqual((await admin.users.listGroups({ id: alice.id })).map((g) => g.path), ['/team/backend']);
    assert.deepEqual((await admin.groups.listMembers({ id: subId })).map((u) => u.username), ['alice']);
    const team = await admin.groups.findOne({ id: teamId });
    assert.equal(team.path, '/team');
    assert.ok((await admin.groups.find()).some((g) => g.id === teamId));
    await admin.groups.update({ id: teamId }, { name: 'squad' });
    assert.equal((await admin.groups.findOne({ id: teamId })).name, 'squad');
    await admin.users.delFromGroup({ id: alice.id, groupId: subId });
    assert.deepEqual(await admin.users.listGroups({ id: alice.id }), []);
    await admin.groups.del({ id: teamId });
    assert.equal(await admin.groups.findOne({ id: subId }), null, 'subgroups go with their parent');
  });

  test('realm roles: create, read, update, map to a user, unmap, delete', async () => {
    await admin.roles.create({ name: 'analyst', description: 'reads reports' });
    const role = await admin.roles.findOneByName({ name: 'analyst' });
    assert.equal(role.description, 'reads reports');
    assert.equal((await admin.roles.findOneById({ id: role.id })).name, 'analyst');
    await admin.roles.updateByName({ name: 'analyst' }, { name: 'analyst', description: 'reads everything' });
    assert.equal((await admin.roles.findOneByName({ name: 'analyst' })).description, 'reads everything');
    assert.ok((await admin.roles.find()).some((r) => r.name === `default-roles-${realm.realm}`));
    await assert.rejects(admin.roles.create({ name: 'analyst' }), status(409));
    const [alice] = await admin.users.find({ username: 'alice', exact: true });
    await admin.users.addRealmRoleMappings({ id: alice.id, roles: [{ id: role.id, name: role.name }] });
    const mapped = await admin.users.listRealmRoleMappings({ id: alice.id });
    assert.deepEqual(mapped.map((r) => r.name).sort(), ['analyst', `default-roles-${realm.realm}`]);
    assert.deepEqual((await admin.roles.findUsersWithRole({ name: 'analyst' })).map((u) => u.username), ['alice']);
    await admin.users.delRealmRoleMappings({ id: alice.id, roles: [{ id: role.id, name: role.name }] });
    assert.ok(!(await admin.users.listRealmRoleMappings({ id: alice.id })).some((r) => r.name === 'analyst'));
    await admin.roles.delByName({ name: 'analyst' });
    assert.equal(await admin.roles.findOneByName({ name: 'analyst' }), null);
  });
});

describe('clients', () => {
  test('creates, finds, reads, updates and deletes a client; a duplicate clientId is a 409', async () => {
    const { id } = await admin.clients.create({
      clientId: 'crud-app', secret: 'crud-secret', directAccessGrantsEnabled: true, redirectUris: ['http://localhost/cb'],
    });
    const [found] = await admin.clients.find({ clientId: 'crud-app' });
    assert.equal(found.id, id);
    assert.equal(found.publicClient, false);
    assert.equal(found.protocol, 'openid-connect');
    assert.deepEqual(found.redirectUris, ['http://localhost/cb']);
    await admin.clients.update({ id }, { clientId: 'crud-app', description: 'changed', directAccessGrantsEnabled: false });
    const updated = await admin.clients.findOne({ id });
    assert.equal(updated.description, 'changed');
    assert.equal(updated.directAccessGrantsEnabled, false);
    await assert.rejects(admin.clients.create({ clientId: 'crud-app' }),
      (error) => error.response?.status === 409 && error.responseData?.errorMessage === 'Client crud-app already exists');
    await admin.clients.del({ id });
    assert.equal(await admin.clients.findOne({ id }), null);
    assert.deepEqual(await admin.clients.find({ clientId: 'crud-app' }), []);
  });

  test('secrets: read, regenerate, and the old one stops working', async () => {
    const { id } = await admin.clients.create({ clientId: 'secret-app', secret: 'first-secret', serviceAccountsEnabled: true });
    const secret = await admin.clients.getClientSecret({ id });
    assert.deepEqual(secret, { type: 'secret', value: 'first-secret' });
    const token = async (value) => (await fetch(`${realm.issuer}/protocol/openid-connect/token`, {
      method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'secret-app', client_secret: value }),
    })).status;
    assert.equal(await token('first-secret'), 200);
    const regenerated = await admin.clients.generateNewClientSecret({ id });
    assert.equal(regenerated.type, 'secret');
    assert.notEqual(regenerated.value, 'first-secret');
    assert.equal(await token('first-secret'), 401);
    assert.equal(await token(regenerated.value), 200);
    const serviceAccount = await admin.clients.getServiceAccountUser({ id });
    assert.equal(serviceAccount.username, 'service-account-secret-app');
  });

  test('protocol mappers: add, list, read, update, delete', async () => {
    const { id } = await admin.clients.create({ clientId: 'mapper-app' });
    await admin.clients.addProtocolMapper({ id }, {
      name: 'team', protocol: 'openid-connect', protocolMapper: 'oidc-usermodel-attribute-mapper',
      config: { 'user.attribute': 'team', 'claim.name': 'team', 'jsonType.label': 'String', 'access.token.claim': 'true' },
    });
    const mappers = await admin.clients.listProtocolMappers({ id });
    assert.deepEqual(mappers.map((m) => m.name), ['team']);
    const mapperId = mappers[0].id;
    const read = await admin.clients.findProtocolMapperById({ id, mapperId });
    assert.equal(read.config['claim.name'], 'team');
    await admin.clients.updateProtocolMapper({ id, mapperId }, { ...read, config: { ...read.config, 'claim.name': 'squad' } });
    assert.equal((await admin.clients.findProtocolMapperById({ id, mapperId })).config['claim.name'], 'squad');
    await assert.rejects(admin.clients.addProtocolMapper({ id }, { ...read, id: undefined }), status(409));
    await admin.clients.delProtocolMapper({ id, mapperId });
    assert.deepEqual(await admin.clients.listProtocolMappers({ id }), []);
  });

  test('client scopes of a client: default and optional, attach and detach', async () => {
    const { id } = await admin.clients.create({ clientId: 'scoped-app' });
    const defaults = (await admin.clients.listDefaultClientScopes({ id })).map((s) => s.name).sort();
    assert.deepEqual(defaults, ['acr', 'basic', 'email', 'profile', 'roles', 'web-origins']);
    const optional = (await admin.clients.listOptionalClientScopes({ id })).map((s) => s.name).sort();
    assert.deepEqual(optional, ['address', 'microprofile-jwt', 'offline_access', 'organization', 'phone']);
    const email = (await admin.clientScopes.findOneByName({ name: 'email' }));
    await admin.clients.delDefaultClientScope({ id, clientScopeId: email.id });
    assert.ok(!(await admin.clients.listDefaultClientScopes({ id })).some((s) => s.name === 'email'));
    await admin.clients.addOptionalClientScope({ id, clientScopeId: email.id });
    assert.ok((await admin.clients.listOptionalClientScopes({ id })).some((s) => s.name === 'email'));
  });

  test('client roles: create, list, read, map to a user', async () => {
    const { id } = await admin.clients.create({ clientId: 'roles-app' });
    await admin.clients.createRole({ id, name: 'editor', description: 'edits' });
    assert.deepEqual((await admin.clients.listRoles({ id })).map((r) => r.name), ['editor']);
    const role = await admin.clients.findRole({ id, roleName: 'editor' });
    assert.equal(role.clientRole, true);
    assert.equal(role.containerId, id);
    const username = unique('dave');
    const { id: userId } = await admin.users.create({
      username, enabled: true, email: `${username}@example.com`, firstName: 'Dave', lastName: 'Tester',
      credentials: [{ type: 'password', value: 'dave-pw' }],
    });
    await admin.users.addClientRoleMappings({ id: userId, clientUniqueId: id, roles: [{ id: role.id, name: role.name }] });
    assert.deepEqual((await admin.users.listClientRoleMappings({ id: userId, clientUniqueId: id })).map((r) => r.name),
      ['editor']);
    const mappings = await admin.users.listRoleMappings({ id: userId });
    assert.deepEqual(mappings.clientMappings['roles-app'].mappings.map((r) => r.name), ['editor']);
    // Another client's token carries the role in resource_access, and that client in its audience.
    const login = await passwordGrant(realm.realm, 'login-app', clientSecret, username, 'dave-pw');
    const claims = JSON.parse(Buffer.from(login.body.access_token.split('.')[1], 'base64url'));
    assert.deepEqual(claims.resource_access['roles-app'], { roles: ['editor'] });
    assert.ok([claims.aud].flat().includes('roles-app'));
    await admin.clients.delRole({ id, roleName: 'editor' });
    assert.deepEqual(await admin.clients.listRoles({ id }), []);
  });
});

describe('client scopes', () => {
  test('the realm has Keycloak\'s built-in scopes', async () => {
    const names = (await admin.clientScopes.find()).map((s) => s.name);
    for (const name of ['acr', 'basic', 'email', 'profile', 'roles', 'web-origins', 'offline_access', 'address', 'phone']) {
      assert.ok(names.includes(name), name);
    }
  });

  test('create, read, update, add a protocol mapper, delete', async () => {
    await admin.clientScopes.create({ name: 'tenant', protocol: 'openid-connect', attributes: { 'include.in.token.scope': 'true' } });
    const scope = await admin.clientScopes.findOneByName({ name: 'tenant' });
    assert.equal(scope.protocol, 'openid-connect');
    assert.equal((await admin.clientScopes.findOne({ id: scope.id })).name, 'tenant');
    await admin.clientScopes.update({ id: scope.id }, { ...scope, description: 'the tenant claim' });
    assert.equal((await admin.clientScopes.findOne({ id: scope.id })).description, 'the tenant claim');
    await assert.rejects(admin.clientScopes.create({ name: 'tenant', protocol: 'openid-connect' }), status(409));
    await admin.clientScopes.addProtocolMapper({ id: scope.id }, {
      name: 'tenant', protocol: 'openid-connect', protocolMapper: 'oidc-hardcoded-claim-mapper',
      config: { 'claim.name': 'tenant', 'claim.value': 'acme', 'jsonType.label': 'String', 'access.token.claim': 'true' },
    });
    assert.deepEqual((await admin.clientScopes.listProtocolMappers({ id: scope.id })).map((m) => m.name), ['tenant']);
    await admin.clientScopes.del({ id: scope.id });
    assert.equal(await admin.clientScopes.findOneByName({ name: 'tenant' }), undefined);
  });
});
