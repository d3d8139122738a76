// mock-vault and Vault 1.21.0 through node-vault, the Vault client most Node.js services use:
// health, token lookup, KV v2, ACL policies, JWT auth (a token signed here, verified by the
// server against a PEM key it is given) and its errors. The same tests run against both; the
// server is named by VAULT_ADDR and VAULT_TOKEN (mocks/common/clients/run), fresh for this run.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import nodeVault from 'node-vault';
import * as jose from 'jose';

const vault = nodeVault({ endpoint: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN });
const suffix = randomBytes(4).toString('hex');

describe('node-vault', () => {
  test('health: initialized, unsealed', async () => {
    const health = await vault.health();
    assert.equal(health.initialized, true);
    assert.equal(health.sealed, false);
  });

  test('token lookup-self of the root token', async () => {
    const self = await vault.tokenLookupSelf();
    assert.deepEqual(self.data.policies, ['root']);
  });

  test('KV v2: write, read, versions, missing paths', async () => {
    const path = `secret/data/clients-${suffix}/jira`;
    await vault.write(path, { data: { username: 'alice', api_token: 'first' } });
    const second = await vault.write(path, { data: { username: 'alice', api_token: 'second' } });
    assert.equal(second.data.version, 2);
    const read = await vault.read(path);
    assert.deepEqual(read.data.data, { username: 'alice', api_token: 'second' });
    assert.equal(read.data.metadata.version, 2);
    await assert.rejects(vault.read(`secret/data/clients-${suffix}/none`), (error) => error.response.statusCode === 404);
  });

  test('ACL policies: a policy limits a token to its own paths', async () => {
    const name = `clients-${suffix}`;
    await vault.addPolicy({ name, rules: `path "secret/data/clients-${suffix}/*" { capabilities = ["read"] }` });
    const policy = await vault.getPolicy({ name });
    assert.match(policy.rules, /capabilities = \["read"\]/);
    // A client of its own: node-vault's tokenCreate switches the client it is called on to the new token.
    const creator = nodeVault({ endpoint: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN });
    const created = await creator.tokenCreate({ policies: [name], ttl: '60s' });
    const limited = nodeVault({ endpoint: process.env.VAULT_ADDR, token: created.auth.client_token });
    assert.deepEqual((await limited.read(`secret/data/clients-${suffix}/jira`)).data.data.api_token, 'second');
    await assert.rejects(limited.read('secret/data/elsewhere'), (error) => error.response.statusCode === 403);
    await assert.rejects(limited.write(`secret/data/clients-${suffix}/jira`, { data: { x: 'y' } }),
      (error) => error.response.statusCode === 403);
  });

  test('JWT auth: a login with a signed token gets a Vault token of the role, a forged one is refused', async () => {
    const mount = `jwt-${suffix}`;
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await vault.enableAuth({ mount_point: mount, type: 'jwt' });
    await vault.write(`auth/${mount}/config`, {
      jwt_validation_pubkeys: [publicKey.export({ type: 'spki', format: 'pem' })],
      bound_issuer: 'https://idp.test', jwt_supported_algs: ['RS256'],
    });
    await vault.write(`auth/${mount}/role/user`, {
      role_type: 'jwt', user_claim: 'sub', bound_audiences: ['mcp-client'], token_policies: ['default'], token_ttl: 600,
    });
    const sign = (key) => new jose.SignJWT({ preferred_username: 'alice' })
      .setProtectedHeader({ alg: 'RS256' }).setIssuer('https://idp.test').setAudience('mcp-client')
      .setSubject('alice-subject').setIssuedAt().setExpirationTime('5m').sign(key);
    const login = await vault.write(`auth/${mount}/login`, { role: 'user', jwt: await sign(privateKey) });
    assert.deepEqual(login.auth.policies, ['default']);
    assert.ok(login.auth.entity_id);
    assert.equal(login.auth.metadata.role, 'user');
    const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await assert.rejects(vault.write(`auth/${mount}/login`, { role: 'user', jwt: await sign(foreign) }),
      (error) => error.response.statusCode === 400);
  });
});
