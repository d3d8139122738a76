// hangar's own tests, without the harness (node:test): each flaw of the flawed variant lets
// through what the correct variant refuses. The realm's key, the workloads' DPoP keys and OPA's
// answers are made here.
const test = require('node:test');
const assert = require('node:assert/strict');
const { randomUUID } = require('node:crypto');
const jose = require('jose');
const { hangarApp } = require('./server');
const { ClearanceRegistry } = require('./tiers');
const { accessTokenHash, workloadAuthenticator } = require('./workload-auth');
const { accessDecider } = require('./access');

const ISSUER = 'http://idp.test/realms/agents';
const AUDIENCE = 'hangar';
const ORIGIN = 'http://hangar.test';
const CORE = 'spiffe://mcp-identity.local/agent/trusted-agent';
const SANDBOX = 'spiffe://mcp-identity.local/agent/untrusted-agent';
const registry = new ClearanceRegistry({
  trustDomain: 'mcp-identity.local',
  clearances: { privileged: ['/agent/trusted-agent'], restricted: ['/agent/untrusted-agent'] }
});
const now = () => Math.floor(Date.now() / 1000);

let realm;
test.before(async () => {
  const { privateKey, publicKey } = await jose.generateKeyPair('RS256');
  realm = { privateKey, keys: jose.createLocalJWKSet({ keys: [{ ...(await jose.exportJWK(publicKey)), alg: 'RS256' }] }) };
});

/** A workload: its DPoP key and a realm token bound to it. */
async function workload(spiffeId, { aud = AUDIENCE } = {}) {
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256');
  const jwk = await jose.exportJWK(publicKey);
  const token = await new jose.SignJWT({ client_id: spiffeId, azp: spiffeId, cnf: { jkt: await jose.calculateJwkThumbprint(jwk) } })
    .setProtectedHeader({ alg: 'RS256' }).setIssuer(ISSUER).setAudience(aud).setIssuedAt().setExpirationTime('5m')
    .sign(realm.privateKey);
  return { spiffeId, privateKey, jwk, token };
}

/** A DPoP proof of the workload's key for POST /mcp, with `bent` claims over the honest ones. */
function proof(caller, bent = {}) {
  const claims = { htm: 'POST', htu: `${ORIGIN}/mcp`, iat: now(), jti: randomUUID(), ath: accessTokenHash(caller.token), ...bent };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: caller.jwk }).sign(caller.privateKey);
}

/** OPA as policy/hangar.rego decides for the cells these tests use. */
const policy = async (_url, request) => {
  const { input } = JSON.parse(request.body);
  const allow = input.subject.clearance === 'privileged' || (input.resource.kind === 'tickets' && input.action === 'view');
  return new Response(JSON.stringify({ result: allow }), { status: 200 });
};
const undefinedDecision = async () => new Response('{}', { status: 200 });
const notJson = async () => new Response('<html>upstream unavailable</html>', { status: 200 });

/** Starts the variant with `flaws` and `opa`; calls `body(call)`, then stops it. */
async function withHangar(flaws, opa, body) {
  const flawSet = new Set(flaws);
  const authenticate = workloadAuthenticator({ keys: realm.keys, issuer: ISSUER, audience: AUDIENCE, publicOrigin: ORIGIN, registry, flaws: flawSet });
  const decide = accessDecider({ opaAddr: 'http://opa.test', opaTimeoutMs: 500, flaws: flawSet, fetchImpl: opa });
  const listener = hangarApp({ authenticate, decide }).listen(0, '127.0.0.1');
  await new Promise((resolve) => listener.once('listening', resolve));
  const url = `http://127.0.0.1:${listener.address().port}/mcp`;
  /** Calls `tool` as `caller`: {status, ran} (ran: the tool ran), `dpop` the proof (default an honest one). */
  const call = async (caller, tool, args, { dpop, headers = {} } = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream',
        authorization: `DPoP ${caller.token}`, dpop: dpop ?? (await proof(caller)), ...headers },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: args } })
    });
    const answer = response.status === 200 ? await response.json() : undefined;
    return { status: response.status, ran: answer?.result !== undefined && !answer.result.isError, answer };
  };
  try {
    await body(call);
  } finally {
    listener.close();
  }
}

/** Runs `attempt` against the correct and the flawed variant: whether each let the call through. */
async function bothVariants(flaw, attempt, opa = policy) {
  const outcome = {};
  for (const [variant, flaws] of [['correct', []], ['flawed', [flaw]]]) {
    await withHangar(flaws, opa, async (call) => { outcome[variant] = await attempt(call); });
  }
  return outcome;
}

test('an honest call runs, names its caller in the structured content, and its proof is not taken twice', async () => {
  await withHangar([], policy, async (call) => {
    const core = await workload(CORE);
    const dpop = await proof(core);
    const first = await call(core, 'putBlob', { key: 'a', data: 'xyz' }, { dpop });
    assert.equal(first.status, 200);
    assert.deepEqual(first.answer.result.structuredContent, { key: 'a', size: 3, audit: { actor: CORE, clearance: 'privileged' } });
    assert.equal((await call(core, 'putBlob', { key: 'a', data: 'xyz' }, { dpop })).status, 401);
    const stranger = await workload(CORE);
    assert.equal((await call(core, 'getBlob', { key: 'a' }, { dpop: await proof({ ...stranger, token: core.token }) })).status, 401);
    const sandbox = await workload(SANDBOX);
    assert.ok((await call(sandbox, 'searchTickets', { query: 'x' })).ran);
    const refused = await call(sandbox, 'putBlob', { key: 'a', data: 'b' });
    assert.equal(refused.ran, false);
    assert.match(refused.answer.result.content[0].text, /^Forbidden: clearance restricted may not modify blobs/);
  });
});

test('aud-unchecked: a token of the realm for another audience is taken', async () => {
  const outcome = await bothVariants('aud-unchecked', async (call) => {
    const other = await workload(CORE, { aud: 'someone-else' });
    return (await call(other, 'getBlob', { key: 'a' })).status;
  });
  assert.deepEqual(outcome, { correct: 401, flawed: 200 });
});

test('request-unbound: a proof made for another method or URL is taken', async () => {
  const outcome = await bothVariants('request-unbound', async (call) => {
    const core = await workload(CORE);
    const get = await call(core, 'getBlob', { key: 'a' }, { dpop: await proof(core, { htm: 'GET' }) });
    const elsewhere = await call(core, 'getBlob', { key: 'a' }, { dpop: await proof(core, { htu: 'https://elsewhere.example/mcp' }) });
    return [get.status, elsewhere.status];
  });
  assert.deepEqual(outcome, { correct: [401, 401], flawed: [200, 200] });
});

test("ath-ignored: a proof without the token's hash, or with another token's, is taken", async () => {
  const outcome = await bothVariants('ath-ignored', async (call) => {
    const core = await workload(CORE);
    const none = await call(core, 'getBlob', { key: 'a' }, { dpop: await proof(core, { ath: undefined }) });
    const wrong = await call(core, 'getBlob', { key: 'a' }, { dpop: await proof(core, { ath: accessTokenHash('another token') }) });
    return [none.status, wrong.status];
  });
  assert.deepEqual(outcome, { correct: [401, 401], flawed: [200, 200] });
});

test('iat-unchecked: a stale proof and one from the future are taken', async () => {
  const outcome = await bothVariants('iat-unchecked', async (call) => {
    const core = await workload(CORE);
    const stale = await call(core, 'getBlob', { key: 'a' }, { dpop: await proof(core, { iat: now() - 300 }) });
    const future = await call(core, 'getBlob', { key: 'a' }, { dpop: await proof(core, { iat: now() + 300 }) });
    return [stale.status, future.status];
  });
  assert.deepEqual(outcome, { correct: [401, 401], flawed: [200, 200] });
});

test("identity-from-header: a restricted workload naming a privileged one in X-Spiffe-Id gets its clearance", async () => {
  const outcome = await bothVariants('identity-from-header', async (call) => {
    const sandbox = await workload(SANDBOX);
    return (await call(sandbox, 'putBlob', { key: 'a', data: 'b' }, { headers: { 'x-spiffe-id': CORE } })).ran;
  });
  assert.deepEqual(outcome, { correct: false, flawed: true });
});

test('undefined-allows: an undefined decision, or an answer that is not JSON, runs the tool', async () => {
  for (const opa of [undefinedDecision, notJson]) {
    const outcome = await bothVariants('undefined-allows', async (call) => {
      const answer = await call(await workload(SANDBOX), 'putBlob', { key: 'a', data: 'b' });
      return answer.ran ? 'ran' : answer.answer.result.content[0].text.split(':')[0];
    }, opa);
    assert.deepEqual(outcome, { correct: 'AccessCheckUnavailable', flawed: 'ran' });
  }
});

test('without an answer from OPA both variants refuse, saying the check is unavailable', async () => {
  const unreachable = async () => { throw new TypeError('fetch failed'); };
  const outcome = await bothVariants('undefined-allows', async (call) =>
    (await call(await workload(CORE), 'getBlob', { key: 'a' })).answer.result.content[0].text.split(':')[0], unreachable);
  assert.deepEqual(outcome, { correct: 'AccessCheckUnavailable', flawed: 'AccessCheckUnavailable' });
});
