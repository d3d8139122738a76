// mock-vault and Vault 1.21 through node-vault, the Vault client most Node.js services use:
// health and status, tokens, KV v2 (listing with Vault's LIST verb), mounts, ACL policies, file
// audit devices, JWT auth against a JWKS server of the test's own (as the C++ contract suite
// does), the database engine's credentials and leases, and its errors. The same tests run
// against both; the server is named by VAULT_ADDR and VAULT_TOKEN, a PostgreSQL by POSTGRES_URL
// (mocks/common/clients/run).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import nodeVault from 'node-vault';
import * as jose from 'jose';

const endpoint = process.env.VAULT_ADDR;
// A client of its own for each use: node-vault's login and token-create calls switch the client
// they are called on to the new token.
const rootClient = () => nodeVault({ endpoint, token: process.env.VAULT_TOKEN });
const clientWith = (token) => nodeVault({ endpoint, token });
const unique = (prefix) => `${prefix}-${randomBytes(4).toString('hex')}`;
const status = (code) => (error) => error.response?.statusCode === code;
const vault = rootClient();

describe('node-vault: system and tokens', () => {
  test('health, init and seal status', async () => {
    const health = await vault.health();
    assert.equal(health.initialized, true);
    assert.equal(health.sealed, false);
    assert.match(health.version, /^1\.21\./);
    assert.deepEqual(await vault.initialized(), { initialized: true });
    const seal = await vault.status();
    assert.equal(seal.sealed, false);
    assert.equal(seal.type, 'shamir');
  });

  test('lookup-self of the root token', async () => {
    const self = await vault.tokenLookupSelf();
    assert.deepEqual(self.data.policies, ['root']);
    assert.equal(self.data.ttl, 0);
  });

  test('a child token: create, lookup, renew, revoke', async () => {
    const created = await rootClient().tokenCreate({ policies: ['default'], ttl: '120s', display_name: 'svc' });
    const token = created.auth.client_token;
    assert.deepEqual(created.auth.policies, ['default']);
    assert.equal(created.auth.lease_duration, 120);
    const looked = await vault.tokenLookup({ token });
    assert.equal(looked.data.display_name, 'token-svc');
    const byAccessor = await vault.tokenLookupAccessor({ accessor: created.auth.accessor });
    assert.equal(byAccessor.data.id, '', 'a lookup by accessor does not reveal the token');
    const renewed = await clientWith(token).tokenRenewSelf({ increment: '60s' });
    assert.equal(renewed.auth.lease_duration, 60);
    await vault.tokenRevoke({ token });
    await assert.rejects(clientWith(token).tokenLookupSelf(), status(403));
  });

  test('mounts: list, enable, refuse twice, disable', async () => {
    const mounts = await vault.mounts();
    assert.equal(mounts.data['secret/'].type, 'kv');
    assert.deepEqual(mounts.data['secret/'].options, { version: '2' });
    const path = unique('kv');
    await vault.mount({ mount_point: path, type: 'kv', options: { version: '2' }, description: 'node-vault' });
    assert.equal((await vault.mounts()).data[`${path}/`].description, 'node-vault');
    await assert.rejects(vault.mount({ mount_point: path, type: 'kv' }),
      (error) => error.response.statusCode === 400 && error.message === `path is already in use at ${path}/`);
    await vault.unmount({ mount_point: path });
    assert.equal((await vault.mounts()).data[`${path}/`], undefined);
    assert.equal((await vault.auths()).data['token/'].type, 'token');
  });

  test('audit devices: a file device is listed, writes HMACed entries, and is disabled', async () => {
    const name = unique('audit');
    const dir = mkdtempSync(join(tmpdir(), 'node-vault-audit-'));
    try {
      const file = join(dir, 'audit.log');
      await vault.enableAudit({ name, type: 'file', options: { file_path: file } });
      const audits = await vault.audits();
      assert.equal(audits.data[`${name}/`].type, 'file');
      assert.equal(audits.data[`${name}/`].options.file_path, file);
      const marker = unique('audited');
      await vault.write(`secret/data/${marker}`, { data: { password: 'hunter2' } });
      await new Promise((resolve) => setTimeout(resolve, 200));  // the response entry follows the response
      const text = readFileSync(file, 'utf8');
      const entries = text.trim().split('\n').map((line) => JSON.parse(line))
        .filter((entry) => entry.request?.path === `secret/data/${marker}`);
      assert.deepEqual(entries.map((entry) => entry.type), ['request', 'response']);
      assert.match(entries[0].request.client_token, /^hmac-sha256:/);
      assert.ok(!text.includes('hunter2'), 'request data is HMACed');
      await vault.disableAudit({ name });
      assert.equal((await vault.audits()).data[`${name}/`], undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('node-vault: KV v2 and policies', () => {
  const base = unique('clients');

  test('write, read, versions, list with the LIST verb, delete', async () => {
    const path = `secret/data/${base}/jira`;
    await vault.write(path, { data: { username: 'alice', api_token: 'first' } });
    const second = await vault.write(path, { data: { username: 'alice', api_token: 'second' } });
    assert.equal(second.data.version, 2);
    const read = await vault.read(path);
    assert.deepEqual(read.data.data, { username: 'alice', api_token: 'second' });
    assert.equal(read.data.metadata.version, 2);
    assert.equal((await vault.read(`${path}?version=1`)).data.data.api_token, 'first');
    await vault.write(`secret/data/${base}/github`, { data: { token: 'ghp' } });
    await vault.write(`secret/data/${base}/deeper/x`, { data: { k: 'v' } });
    const listed = await vault.list(`secret/metadata/${base}`);
    assert.deepEqual(listed.data.keys.sort(), ['deeper/', 'github', 'jira']);
    const getList = await nodeVault({ endpoint, token: process.env.VAULT_TOKEN, noCustomHTTPVerbs: true })
      .list(`secret/metadata/${base}`);
    assert.deepEqual(getList.data.keys, listed.data.keys, 'GET ?list=1 lists the same');
    await assert.rejects(vault.list(`secret/metadata/${base}/none`), status(404));
    await assert.rejects(vault.read(`secret/data/${base}/none`), status(404));
    await vault.delete(`secret/metadata/${base}/github`);
    await assert.rejects(vault.read(`secret/data/${base}/github`), status(404));
  });

  test('a policy limits a token to its own paths', async () => {
    const name = unique('policy');
    await vault.write(`secret/data/${name}/jira`, { data: { api_token: 't' } });
    await vault.addPolicy({ name, rules: `path "secret/data/${name}/*" { capabilities = ["read"] }\n` +
      `path "secret/metadata/${name}/*" { capabilities = ["list"] }` });
    assert.match((await vault.getPolicy({ name })).rules, /capabilities = \["read"\]/);
    assert.ok((await vault.policies()).policies.includes(name));
    const created = await rootClient().tokenCreate({ policies: [name], ttl: '60s' });
    const limited = clientWith(created.auth.client_token);
    assert.equal((await limited.read(`secret/data/${name}/jira`)).data.data.api_token, 't');
    assert.deepEqual((await limited.list(`secret/metadata/${name}/`)).data.keys, ['jira']);
    await assert.rejects(limited.read('secret/data/elsewhere'),
      (error) => error.response.statusCode === 403 && error.message === '1 error occurred:\n\t* permission denied\n\n');
    await assert.rejects(limited.write(`secret/data/${name}/jira`, { data: { x: 'y' } }), status(403));
    await vault.removePolicy({ name });
    assert.ok(!(await vault.policies()).policies.includes(name));
  });
});

describe('node-vault: JWT auth and identity', () => {
  const mount = unique('jwt');
  const policy = unique('user-secrets');
  const issuer = 'https://idp.clients.test/realms/demo';
  let jwks;
  let privateKey;
  const kid = randomBytes(8).toString('hex');

  before(async () => {
    const pair = await jose.generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await jose.exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
    const body = JSON.stringify({ keys: [jwk] });
    jwks = createServer((_, response) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(body));
    await new Promise((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    await vault.enableAuth({ mount_point: mount, type: 'jwt' });
    await vault.write(`auth/${mount}/config`, {
      jwks_url: `http://127.0.0.1:${jwks.address().port}/certs`, bound_issuer: issuer, jwt_supported_algs: ['RS256'],
    });
    await vault.addPolicy({ name: policy,
      rules: 'path "secret/data/users/{{identity.entity.name}}/*" { capabilities = ["read"] }' });
    await vault.write(`auth/${mount}/role/user`, {
      role_type: 'jwt', user_claim: 'sub', bound_audiences: ['mcp-client'], token_policies: [policy], token_ttl: 600,
    });
  });

  after(async () => {
    await vault.disableAuth({ mount_point: mount });
    jwks.closeAllConnections();
    await new Promise((resolve) => jwks.close(resolve));
  });

  const sign = (sub, { audience = 'mcp-client', key = privateKey, expires = '5m' } = {}) =>
    new jose.SignJWT({ preferred_username: sub }).setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(issuer).setAudience(audience).setSubject(sub).setIssuedAt().setExpirationTime(expires).sign(key);

  test('a login resolves the entity its alias names and the templated policy', async () => {
    const name = unique('alice');
    const sub = unique('sub');
    const { accessor } = (await vault.auths()).data[`${mount}/`];
    const entity = await vault.write('identity/entity', { name, metadata: { username: name } });
    await vault.write('identity/entity-alias', { name: sub, canonical_id: entity.data.id, mount_accessor: accessor });
    await vault.write(`secret/data/users/${name}/jira`, { data: { api_token: name } });
    const bob = unique('bob');
    await vault.write(`secret/data/users/${bob}/jira`, { data: { api_token: 'bob' } });

    const login = await rootClient().jwtLogin({ mount_point: mount, role: 'user', jwt: await sign(sub) });
    assert.equal(login.auth.entity_id, entity.data.id);
    assert.deepEqual(login.auth.policies, ['default', policy]);
    assert.deepEqual(login.auth.metadata, { role: 'user' });
    const user = clientWith(login.auth.client_token);
    const self = await user.tokenLookupSelf();
    assert.equal(self.data.entity_id, entity.data.id);
    assert.equal(self.data.display_name, `${mount}-${sub}`);
    assert.equal((await user.read(`secret/data/users/${name}/jira`)).data.data.api_token, name);
    await assert.rejects(user.read(`secret/data/users/${bob}/jira`), status(403));
    const read = await vault.read(`identity/entity/name/${name}`);
    assert.deepEqual(read.data.aliases.map((alias) => [alias.name, alias.mount_accessor]), [[sub, accessor]]);
  });

  test('tokens Vault must refuse: audience, expiry, signature, role', async () => {
    const foreign = (await jose.generateKeyPair('RS256')).privateKey;
    for (const jwt of [await sign('x', { audience: 'elsewhere' }), await sign('x', { expires: '-10m' }),
      await sign('x', { key: foreign }), 'not-a-jwt']) {
      await assert.rejects(rootClient().jwtLogin({ mount_point: mount, role: 'user', jwt }), status(400));
    }
    await assert.rejects(rootClient().jwtLogin({ mount_point: mount, role: 'nobody', jwt: await sign('x') }),
      (error) => error.response.statusCode === 400 && error.message === 'role "nobody" could not be found');
  });
});

describe('node-vault: the database engine', () => {
  const mount = unique('database');
  const postgres = new URL(process.env.POSTGRES_URL);
  const database = postgres.pathname.slice(1);
  const canLogIn = (username, password) => {
    const url = `postgresql://${encodeURIComponent(username)}:${encodeURIComponent(password)}@${postgres.host}/${database}`;
    try {
      return execFileSync('psql', [url, '-tAc', 'select current_user'],
        { env: { ...process.env, PGCONNECT_TIMEOUT: '5' }, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() === username;
    } catch {
      return false;
    }
  };

  before(async () => {
    await vault.mount({ mount_point: mount, type: 'database' });
    await vault.write(`${mount}/config/mcp-demo`, {
      plugin_name: 'postgresql-database-plugin', allowed_roles: ['alice'], verify_connection: true,
      connection_url: `postgresql://{{username}}:{{password}}@${postgres.host}/${database}`,
      username: decodeURIComponent(postgres.username), password: decodeURIComponent(postgres.password),
    });
    await vault.write(`${mount}/roles/alice`, {
      db_name: 'mcp-demo', default_ttl: '300', max_ttl: '600',
      creation_statements: ["CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'"],
    });
  });

  after(async () => {
    await vault.unmount({ mount_point: mount });
  });

  test('credentials log in to PostgreSQL until their lease is revoked', async () => {
    const creds = await vault.generateDatabaseCredentials({ databasePath: mount, name: 'alice' });
    assert.ok(creds.lease_id.startsWith(`${mount}/creds/alice/`), creds.lease_id);
    assert.equal(creds.lease_duration, 300);
    assert.ok(canLogIn(creds.data.username, creds.data.password));
    const renewed = await vault.renew({ lease_id: creds.lease_id, increment: 120 });
    assert.equal(renewed.lease_duration, 120);
    await vault.revoke({ lease_id: creds.lease_id });
    assert.ok(!canLogIn(creds.data.username, creds.data.password));
    assert.deepEqual((await vault.list(`${mount}/roles`)).data.keys, ['alice']);
    await assert.rejects(vault.generateDatabaseCredentials({ databasePath: mount, name: 'nobody' }),
      (error) => error.response.statusCode === 400 && error.message === 'unknown role: nobody');
  });
});

describe('node-vault: errors', () => {
  test('no route, bad token, bad policy', async () => {
    await assert.rejects(vault.write('nowhere/at/all', { x: 'y' }),
      (error) => error.response.statusCode === 404 && error.message === 'no handler for route "nowhere/at/all". route entry not found.');
    await assert.rejects(clientWith('not-a-token').tokenLookupSelf(),
      (error) => error.response.statusCode === 403 && error.message === '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n');
    await assert.rejects(vault.addPolicy({ name: unique('broken'), rules: 'path "x" {' }),
      (error) => error.response.statusCode === 400 && error.message.startsWith('failed to parse policy: '));
  });
});
