'use strict';
// devtools' own tests, without the harness (node:test): each flaw of the flawed variant lets
// through what the correct variant refuses. Two pools' keys, Vault and GitHub are stand-ins
// made here, on loopback.
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { generateKeyPairSync, sign, randomUUID } = require('node:crypto');
const { buildApp } = require('./server');

const HOME_POOL = 'us-east-1_HomePool1';
const OTHER_POOL = 'us-east-1_OtherPool';
const APP_CLIENT = 'devtools-app';
const pools = {};
for (const pool of [HOME_POOL, OTHER_POOL]) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  pools[pool] = { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid: `${pool}-key`, alg: 'RS256', use: 'sig' } };
}

function base64url(value) {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

// An access token of `pool` for `user`, as Cognito issues it (no aud; client_id, token_use).
function accessToken(pool, user, clientId = APP_CLIENT) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: `sub-${user}`, username: user, client_id: clientId, token_use: 'access', scope: 'openid',
                   iss: `https://cognito-idp.us-east-1.amazonaws.com/${pool}`, iat: now, exp: now + 600, jti: randomUUID() };
  const signingInput = `${base64url({ alg: 'RS256', kid: pools[pool].jwk.kid })}.${base64url(claims)}`;
  return `${signingInput}.${sign('RSA-SHA256', Buffer.from(signingInput), pools[pool].privateKey).toString('base64url')}`;
}

// One loopback server standing in for Cognito's JWKS, Vault (the login's entity is the token's
// username) and GitHub, counting GitHub's calls by credential.
function standIns() {
  const githubCalls = [];
  const server = http.createServer((req, res) => {
    const json = (status, body) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    const jwks = req.url.match(/^\/([^/]+)\/\.well-known\/jwks\.json$/);
    if (jwks && pools[jwks[1]]) return json(200, { keys: [pools[jwks[1]].jwk] });
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      if (req.url === '/v1/auth/jwt/login') {
        const user = JSON.parse(Buffer.from(JSON.parse(body).jwt.split('.')[1], 'base64url')).username;
        return json(200, { auth: { client_token: `vault-${user}` } });
      }
      const user = String(req.headers['x-vault-token'] ?? '').replace('vault-', '');
      if (req.url === '/v1/auth/token/lookup-self') return json(200, { data: { entity_id: `entity-${user}` } });
      if (req.url.startsWith('/v1/identity/entity/id/')) return json(200, { data: { name: user } });
      if (req.url.startsWith('/v1/secret/data/users/')) return json(200, { data: { data: { token: `gh-${req.url.split('/')[5]}` } } });
      if (req.url === '/v1/auth/token/revoke-self') return json(204, {});
      if (req.url === '/user/repos') {
        githubCalls.push(req.headers.authorization);
        return json(200, [{ name: 'repo' }]);
      }
      return json(404, {});
    });
  });
  return { server, githubCalls };
}

async function listening(server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${server.address().port}`;
}

// Starts the variant with `flaws` beside the stand-ins; calls `body(origin, standIns)`, then stops.
async function withDevtools(flaws, body) {
  const stand = standIns();
  const standUrl = await listening(stand.server);
  const app = buildApp({ port: 0, userPoolId: HOME_POOL, clientIds: [APP_CLIENT], cognitoUrl: standUrl, vaultUrl: standUrl,
                         vaultRole: 'user', jiraUrl: standUrl, githubUrl: standUrl, publicUrl: 'http://devtools.test',
                         timeoutMs: 2000, flaws: new Set(flaws) });
  const server = http.createServer(app);
  const origin = await listening(server);
  try {
    await body(origin, stand);
  } finally {
    server.closeAllConnections();
    stand.server.closeAllConnections();
    await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => stand.server.close(r))]);
  }
}

// Opens GET /sse with `token`: { status, headers, endpoint (the messages URL), messages (the
// stream's message events so far) }.
function openStream(origin, token) {
  return new Promise((resolve, reject) => {
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    http.get(`${origin}/sse`, { headers }, (res) => {
      const stream = { status: res.statusCode, headers: res.headers, messages: [], endpoint: '' };
      if (res.statusCode !== 200) {
        res.resume();
        return resolve(stream);
      }
      let buffer = '';
      res.on('data', (chunk) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split('\n').find((line) => line.startsWith('data: '))?.slice(6) ?? '';
          if (event.startsWith('event: endpoint')) {
            stream.endpoint = origin + data;
            resolve(stream);
          } else if (event.startsWith('event: message')) stream.messages.push(JSON.parse(data));
        }
      });
    }).on('error', reject);
  });
}

function post(url, token, message) {
  const headers = { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  return fetch(url, { method: 'POST', headers, body: JSON.stringify(message) });
}

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize',
                     params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'test', version: '1' } } };
const listRepos = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'githubListRepos', arguments: {} } };

async function settled() {
  await new Promise((resolve) => setTimeout(resolve, 200));
}

test('correct: bob uses his own session, with his own credential', () => withDevtools([], async (origin, stand) => {
  const bob = accessToken(HOME_POOL, 'bob');
  const stream = await openStream(origin, bob);
  assert.match(stream.endpoint, /\/messages\?sessionId=[0-9a-f-]{36}$/);
  assert.equal((await post(stream.endpoint, bob, initialize)).status, 202);
  assert.equal((await post(stream.endpoint, bob, listRepos)).status, 202);
  await settled();
  assert.deepEqual(stand.githubCalls, ['Bearer gh-bob']);
  assert.deepEqual(stream.messages.find((m) => m.id === 2).result.structuredContent, { repositories: [{ name: 'repo' }] });
}));

for (const [variant, flaws, status] of [['correct', [], 404], ['session-owner-unchecked', ['session-owner-unchecked'], 202]]) {
  test(`${variant}: alice's valid token on bob's session id is answered ${status}`, () => withDevtools(flaws, async (origin, stand) => {
    const bob = await openStream(origin, accessToken(HOME_POOL, 'bob'));
    const alice = accessToken(HOME_POOL, 'alice');
    assert.equal((await post(bob.endpoint, alice, initialize)).status, status);
    assert.equal((await post(bob.endpoint, alice, listRepos)).status, status);
    await settled();
    if (status === 404) {
      assert.deepEqual(bob.messages, []);
      assert.deepEqual(stand.githubCalls, []);
    } else {  // alice's call ran, and its answer went to bob's stream
      assert.deepEqual(stand.githubCalls, ['Bearer gh-alice']);
      assert.equal(bob.messages.length, 2);
    }
  }));
}

for (const [variant, flaws, status] of [['correct', [], 401], ['any-pool', ['any-pool'], 200]]) {
  test(`${variant}: another pool's access token is answered ${status}`, () => withDevtools(flaws, async (origin) => {
    const other = await openStream(origin, accessToken(OTHER_POOL, 'alice', 'other-pool-app'));
    assert.equal(other.status, status);
    if (status === 401) assert.match(other.headers['www-authenticate'], /error="invalid_token"/);
  }));
}

test('any-pool: the home pool still refuses another of its app clients', () => withDevtools(['any-pool'], async (origin) => {
  assert.equal((await openStream(origin, accessToken(HOME_POOL, 'alice', 'other-app'))).status, 401);
}));

for (const [variant, flaws, challenge] of [
  ['correct', [], /^Bearer resource_metadata="[^"]+"$/],
  ['sdk-bearer-challenge', ['sdk-bearer-challenge'], /error="invalid_token"/],
]) {
  test(`${variant}: a POST without credentials gets ${challenge}`, () => withDevtools(flaws, async (origin) => {
    const bob = await openStream(origin, accessToken(HOME_POOL, 'bob'));
    const answer = await post(bob.endpoint, '', listRepos);
    assert.equal(answer.status, 401);
    assert.match(answer.headers.get('www-authenticate'), challenge);
  }));
}

test('correct: no sessionId is 400, an unknown one 404', () => withDevtools([], async (origin) => {
  const alice = accessToken(HOME_POOL, 'alice');
  assert.equal((await post(`${origin}/messages`, alice, initialize)).status, 400);
  assert.equal((await post(`${origin}/messages?sessionId=${randomUUID()}`, alice, initialize)).status, 404);
}));
