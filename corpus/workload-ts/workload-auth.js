// Who is calling: a Keycloak access token bound to the workload's key (Authorization: DPoP, RFC
// 9449) and a proof of that key for this very request. The token's client_id is the workload's
// SPIFFE ID (Keycloak's jwt-spiffe client authentication traded its JWT-SVID for the token).
const { createHash } = require('node:crypto');
const jose = require('jose');

const PROOF_ALGS = ['ES256', 'PS256', 'RS256'];
const TOKEN_ALGS = ['RS256', 'PS256', 'ES256'];
const PROOF_MAX_AGE_S = 60;
const CLOCK_SKEW_S = 5;

/** A refusal at the door: 401 with a DPoP challenge whose error is `code`. */
class Unauthenticated extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** Proof ids (jti) seen while their proofs are fresh, against replay. */
class ReplayCache {
  constructor(now = () => Date.now()) {
    this.now = now;
    /** @type {Map<string, number>} jti → when it may be forgotten (ms) */
    this.seen = new Map();
  }

  /** Whether `jti` is new; remembers it either way. */
  firstUse(jti) {
    const now = this.now();
    for (const [old, until] of this.seen) {
      if (until < now) this.seen.delete(old);
    }
    if (this.seen.has(jti)) return false;
    this.seen.set(jti, now + 2 * (PROOF_MAX_AGE_S + CLOCK_SKEW_S) * 1000);
    return true;
  }
}

const base64url = (bytes) => Buffer.from(bytes).toString('base64url');
const accessTokenHash = (token) => base64url(createHash('sha256').update(token, 'ascii').digest());

/**
 * The verifier of hangar's callers; `keys` is the realm's key set (jose.createRemoteJWKSet, or a
 * local one in tests).
 */
function workloadAuthenticator({ keys, issuer, audience, publicOrigin, registry, flaws, replay = new ReplayCache() }) {
  async function accessClaims(token) {
    try {
      const { payload } = await jose.jwtVerify(token, keys, {
        issuer,
        audience: flaws.has('aud-unchecked') ? undefined : audience,
        algorithms: TOKEN_ALGS,
        requiredClaims: ['exp', 'client_id'],
        clockTolerance: CLOCK_SKEW_S
      });
      return payload;
    } catch (error) {
      throw new Unauthenticated('invalid_token', `access token rejected: ${error.code ?? error.name}`);
    }
  }

  async function verifyProof(proof, token, boundJkt, method, htu) {
    let verified;
    try {
      verified = await jose.jwtVerify(proof, jose.EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: PROOF_ALGS,
        requiredClaims: ['jti', 'htm', 'htu', 'iat'],
        maxTokenAge: flaws.has('iat-unchecked') ? undefined : PROOF_MAX_AGE_S,
        clockTolerance: CLOCK_SKEW_S
      });
    } catch (error) {
      throw new Unauthenticated('invalid_dpop_proof', `DPoP proof rejected: ${error.code ?? error.name}`);
    }
    const { payload, protectedHeader } = verified;
    if (!flaws.has('request-unbound') && (payload.htm !== method || payload.htu !== htu)) {
      throw new Unauthenticated('invalid_dpop_proof', 'DPoP proof was issued for a different request');
    }
    if (!flaws.has('ath-ignored') && payload.ath !== accessTokenHash(token)) {
      throw new Unauthenticated('invalid_dpop_proof', 'DPoP proof does not carry this access token\'s hash');
    }
    if ((await jose.calculateJwkThumbprint(protectedHeader.jwk, 'sha256')) !== boundJkt) {
      throw new Unauthenticated('invalid_dpop_proof', 'DPoP proof key does not match the token binding');
    }
    if (!replay.firstUse(String(payload.jti))) {
      throw new Unauthenticated('invalid_dpop_proof', 'DPoP proof has already been used');
    }
  }

  /**
   * The caller's workload: {spiffeId, clearance}. `headers` are the request's (lower-case
   * names), `path` its path without the query.
   * @returns {Promise<{spiffeId: string, clearance: string | undefined}>}
   */
  return async function authenticate(method, path, headers) {
    const [scheme, token, ...rest] = String(headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'dpop' || !token || rest.length) {
      throw new Unauthenticated('invalid_token', 'a DPoP-bound access token is required (Authorization: DPoP)');
    }
    const proof = headers.dpop;
    if (typeof proof !== 'string' || !proof) throw new Unauthenticated('invalid_dpop_proof', 'a DPoP proof is required');
    const claims = await accessClaims(token);
    const boundJkt = claims.cnf?.jkt;
    if (typeof boundJkt !== 'string') throw new Unauthenticated('invalid_token', 'the access token is not DPoP-bound');
    await verifyProof(proof, token, boundJkt, method, publicOrigin + path);
    let spiffeId = claims.client_id;
    if (flaws.has('identity-from-header') && typeof headers['x-spiffe-id'] === 'string') {
      spiffeId = headers['x-spiffe-id']; // the mesh sidecar forwards the peer's identity here
    }
    if (!registry.inTrustDomain(spiffeId)) {
      throw new Unauthenticated('invalid_token', 'the token\'s client is not a workload of this trust domain');
    }
    return { spiffeId, clearance: registry.clearanceOf(spiffeId) };
  };
}

/** The 401 for a refusal at the door: a DPoP challenge naming the algorithms hangar takes. */
function challenge(res, refusal) {
  const description = refusal.message.replace(/["\\]/g, "'");
  res.set('WWW-Authenticate', `DPoP error="${refusal.code}", error_description="${description}", algs="${PROOF_ALGS.join(' ')}"`);
  res.status(401).json({ error: { code: 'UNAUTHENTICATED', detail: refusal.message } });
}

module.exports = { PROOF_ALGS, ReplayCache, Unauthenticated, accessTokenHash, challenge, workloadAuthenticator };
