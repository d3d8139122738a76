// keyring's own tests, without the harness (node:test): each flaw of the flawed variant lets
// through what the correct variant refuses. Vault is a fake here that keeps each client's
// child tokens to its own folder, as the clients' policies do.
const test = require('node:test');
const assert = require('node:assert/strict');
const { generateKeyPairSync, randomUUID } = require('node:crypto');
const jose = require('jose');
const { keyringApp } = require('./server');
const { loadSigningKey } = require('./signing-key');
const { vaultKeyring } = require('./vault-keyring');

const CLIENTS = new Map([
  ['agent-a', { clientId: 'agent-a', secret: 'secret-of-agent-a', scopes: ['read', 'write', 'list', 'delete'] }],
  ['agent-b', { clientId: 'agent-b', secret: 'secret-of-agent-b', scopes: ['read', 'list'] }],
  ['agent-c', { clientId: 'agent-c', secret: 'secret-of-agent-c', scopes: ['read'] }]
]);
const FOLDER = '/v1/secret/data/keyring/clients/';

let signingKey;
test.before(async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  signingKey = await loadSigningKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
});

/** A fake Vault: KV v2 data paths, child tokens that reach only their client's folder; `paths` every KV path asked for. */
function fakeVault() {
  const stored = new Map([[`${FOLDER}agent-a/jira`, { token: 'agent-a-jira' }], [`${FOLDER}agent-b/jira`, { token: 'agent-b-jira' }]]);
  const tokens = new Map();
  const paths = [];
  const fetchImpl = async (url, init) => {
    const { pathname } = new URL(url);
    const reply = (status, json) => new Response(JSON.stringify(json), { status });
    if (pathname === '/v1/auth/token/create') {
      const token = randomUUID();
      tokens.set(token, JSON.parse(init.body).policies[0].replace('mcp-agent-', ''));
      return reply(200, { auth: { client_token: token } });
    }
    paths.push(pathname);
    if (!pathname.startsWith(`${FOLDER}${tokens.get(init.headers['X-Vault-Token'])}/`)) return reply(403, { errors: ['permission denied'] });
    if (!stored.has(pathname)) return reply(404, { errors: [] });
    return reply(200, { data: { data: stored.get(pathname), metadata: { version: 1 } } });
  };
  return { fetchImpl, paths };
}

/** Starts the variant with `flaws`; calls `body(keyring)`, then stops it. */
async function withKeyring(flaws, body) {
  const vault = fakeVault();
  const options = {
    publicUrl: 'http://localhost:8080', issuer: 'http://localhost:8080/oauth2', audience: 'urn:keyring:mcp',
    clients: CLIENTS, vaultPolicy: 'mcp-agent-{client}', flaws: new Set(flaws)
  };
  const keyring = vaultKeyring({ vaultAddr: 'http://vault.test', vaultToken: 'root', vaultPolicy: options.vaultPolicy, fetchImpl: vault.fetchImpl });
  const listener = keyringApp(options, signingKey, keyring).listen(0, '127.0.0.1');
  await new Promise((resolve) => listener.once('listening', resolve));
  const base = `http://127.0.0.1:${listener.address().port}`;
  const token = (form, headers = {}) =>
    fetch(`${base}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) })
      .then(async (response) => ({ status: response.status, json: await response.json() }));
  const mcp = async (accessToken, tool, args) => {
    const post = (message, session) => fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${accessToken}`, ...(session ? { 'mcp-session-id': session } : {}) },
      body: JSON.stringify(message)
    });
    const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } } });
    if (init.status !== 200) return { status: init.status };
    const session = init.headers.get('mcp-session-id');
    await init.text();
    await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session);
    const call = await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: tool, arguments: args } }, session);
    const data = (await call.text()).split('\n').find((line) => line.startsWith('data: '));
    return { status: call.status, result: JSON.parse(data.slice(6)).result };
  };
  try {
    await body({ token, mcp, paths: vault.paths });
  } finally {
    listener.close();
  }
}

const post = (clientId, extra = {}) => ({ grant_type: 'client_credentials', client_id: clientId, client_secret: CLIENTS.get(clientId).secret, ...extra });
const claimsOf = (answer) => jose.decodeJwt(answer.json.access_token);
const forged = (claims) => new jose.SignJWT({ scope: 'read', ...claims }).setProtectedHeader({ alg: 'RS256' })
  .setSubject('agent-a').setAudience('urn:keyring:mcp').setIssuedAt().setExpirationTime('5m').sign(signingKey.privateKey);

test('a token request without client_secret is invalid_client, unless public-client-fallback', async () => {
  await withKeyring([], async ({ token }) => {
    const answer = await token({ grant_type: 'client_credentials', client_id: 'agent-a' });
    assert.equal(answer.status, 401);
    assert.equal(answer.json.error, 'invalid_client');
    assert.equal((await token({ ...post('agent-a'), client_secret: 'wrong' })).json.error, 'invalid_client');
  });
  await withKeyring(['public-client-fallback'], async ({ token }) => {
    const answer = await token({ grant_type: 'client_credentials', client_id: 'agent-a' });
    assert.equal(answer.status, 200);
    assert.equal(claimsOf(answer).scope, 'read write list delete');
    assert.equal((await token({ ...post('agent-a'), client_secret: 'wrong' })).json.error, 'invalid_client');
  });
});

test('a grant type other than client_credentials is unsupported_grant_type, unless any-grant-type', async () => {
  await withKeyring([], async ({ token }) => {
    for (const grant of ['password', 'urn:example:no-such-grant']) {
      const answer = await token(post('agent-a', { grant_type: grant }));
      assert.equal(answer.status, 400);
      assert.equal(answer.json.error, 'unsupported_grant_type');
    }
  });
  await withKeyring(['any-grant-type'], async ({ token }) => {
    const answer = await token(post('agent-a', { grant_type: 'password' }));
    assert.equal(answer.status, 200);
    assert.ok(answer.json.access_token);
  });
});

test("a narrower scope is granted alone, unless scope-widened gives all the client's", async () => {
  await withKeyring([], async ({ token }) => {
    assert.equal((await token(post('agent-a', { scope: 'read' }))).json.scope, 'read');
    assert.equal((await token(post('agent-c', { scope: 'write' }))).json.error, 'invalid_scope');
  });
  await withKeyring(['scope-widened'], async ({ token }) => {
    const answer = await token(post('agent-a', { scope: 'read' }));
    assert.equal(answer.json.scope, 'read write list delete');
    assert.equal(claimsOf(answer).scope, 'read write list delete');
    assert.equal((await token(post('agent-c', { scope: 'write' }))).json.error, 'invalid_scope');
  });
});

test('Basic authentication is refused with 401 and a Basic challenge; both methods at once is invalid_request', async () => {
  await withKeyring([], async ({ token }) => {
    const basic = `Basic ${Buffer.from('agent-a:secret-of-agent-a').toString('base64')}`;
    const answer = await token({ grant_type: 'client_credentials' }, { authorization: basic });
    assert.equal(answer.status, 401);
    assert.equal((await token(post('agent-a'), { authorization: basic })).json.error, 'invalid_request');
  });
});

test("a token of another issuer is refused, unless iss-unchecked", async () => {
  const other = await forged({ iss: 'https://attacker.test' });
  await withKeyring([], async ({ mcp }) => {
    assert.equal((await mcp(await forged({ iss: 'http://localhost:8080/oauth2' }), 'readSecret', { secretName: 'jira' })).status, 200);
    assert.equal((await mcp(other, 'readSecret', { secretName: 'jira' })).status, 401);
  });
  await withKeyring(['iss-unchecked'], async ({ mcp }) => {
    const call = await mcp(other, 'readSecret', { secretName: 'jira' });
    assert.equal(call.status, 200);
    assert.equal(call.result.structuredContent.fields.token, 'agent-a-jira');
  });
});

test('a name with dot segments is refused, unless dot-segments lets it reach another folder', async () => {
  const accessToken = async (token) => (await token(post('agent-b'))).json.access_token;
  await withKeyring([], async ({ token, mcp, paths }) => {
    const bearer = await accessToken(token);
    for (const name of ['../agent-a/jira', 'x/../../agent-a/jira', './jira']) {
      const call = await mcp(bearer, 'readSecret', { secretName: name });
      assert.equal(call.result.isError, true);
      assert.match(call.result.content[0].text, /Input validation error/);
    }
    assert.deepEqual(paths, []);
  });
  await withKeyring(['dot-segments'], async ({ token, mcp, paths }) => {
    const bearer = await accessToken(token);
    const call = await mcp(bearer, 'readSecret', { secretName: '../agent-a/jira' });
    assert.equal(call.result.isError, true);
    assert.deepEqual(paths, [`${FOLDER}agent-a/jira`]);  // stopped only by Vault's policy
    const own = await mcp(bearer, 'readSecret', { secretName: './jira' });
    assert.equal(own.result.structuredContent.fields.token, 'agent-b-jira');
  });
});

test("a tool needs its scope, refused as a tool error", async () => {
  await withKeyring([], async ({ token, mcp }) => {
    const bearer = (await token(post('agent-c'))).json.access_token;
    const call = await mcp(bearer, 'writeSecret', { secretName: 'jira', fields: { token: 'x' } });
    assert.equal(call.result.isError, true);
    assert.match(call.result.content[0].text, /^Forbidden: the token lacks the "write" scope/);
    const read = await mcp(bearer, 'readSecret', { secretName: 'jira' });
    assert.equal(read.result.isError, true);  // agent-c has no jira in this fake
    assert.match(read.result.content[0].text, /^NotFound: /);
  });
});
