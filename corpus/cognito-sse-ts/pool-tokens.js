'use strict';
// A Cognito user pool's access tokens, checked with aws-jwt-verify's CognitoJwtVerifier: the
// signature by the pool's JWKS, iss (derived from the pool id), exp, token_use "access" and
// client_id on the allow-list (Cognito's access tokens have no aud).
//
// The flawed variant's `any-pool`: the pool is read from the token's own iss, which only has to
// look like Cognito's (https://cognito-idp.…), and a pool other than the home pool is taken as a
// tenant's, with any of its app clients. Anyone can make a pool of their own.
const { CognitoJwtVerifier } = require('aws-jwt-verify');
const { SimpleJwksCache, SimplePenaltyBox } = require('aws-jwt-verify/jwk');
const { decomposeUnverifiedJwt } = require('aws-jwt-verify/jwt');

const COGNITO_ORIGIN = /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com/;

// The token could not be checked now: the pool's keys cannot be fetched and none is held.
class KeysUnavailable extends Error {}
// The token is not one this server takes.
class RefusedToken extends Error {}

// Fetches a pool's JWKS, from `cognitoUrl` instead of Cognito's own origin when given, and
// remembers which pools' keys it has held.
function keyFetcher(cognitoUrl, timeoutMs, fetched) {
  return {
    async fetch(uri) {
      const url = cognitoUrl ? uri.replace(COGNITO_ORIGIN, cognitoUrl) : uri;
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`JWKS fetch answered HTTP ${response.status}`);
      const body = await response.arrayBuffer();
      fetched.add(uri);
      return body;
    },
  };
}

class PoolTokens {
  constructor(options) {
    this.homePool = options.userPoolId;
    this.clientIds = options.clientIds;
    this.anyPool = options.flaws.has('any-pool');
    this.fetched = new Set();
    // The keys are held until an unknown kid makes it refetch, at most once a second.
    this.jwksCache = new SimpleJwksCache({
      fetcher: keyFetcher(options.cognitoUrl, options.timeoutMs, this.fetched),
      penaltyBox: new SimplePenaltyBox({ waitSeconds: 1 }),
    });
    this.verifiers = new Map();
  }

  verifierFor(poolId) {
    if (!this.verifiers.has(poolId)) {
      const clientId = poolId === this.homePool ? this.clientIds : null;
      this.verifiers.set(poolId, CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'access', clientId },
                                                           { jwksCache: this.jwksCache }));
    }
    return this.verifiers.get(poolId);
  }

  poolOf(token) {
    if (!this.anyPool) return this.homePool;
    let iss;
    try {
      iss = decomposeUnverifiedJwt(token).payload.iss;
    } catch {
      return this.homePool;
    }
    return typeof iss === 'string' && COGNITO_ORIGIN.test(iss) ? iss.slice(iss.lastIndexOf('/') + 1) : this.homePool;
  }

  // The token's claims; RefusedToken when it is not an access token this server takes,
  // KeysUnavailable when it cannot be checked now.
  async verify(token) {
    const poolId = this.poolOf(token);
    let verifier;
    try {
      verifier = this.verifierFor(poolId);
    } catch (error) {
      throw new RefusedToken(`not a pool this server knows: ${error.message}`);
    }
    try {
      return await verifier.verify(token);
    } catch (error) {
      if (isFetchFailure(error) && !this.holdsKeysOf(poolId)) throw new KeysUnavailable('the user pool\'s keys cannot be fetched');
      throw new RefusedToken(error.message);
    }
  }

  holdsKeysOf(poolId) {
    return [...this.fetched].some((uri) => uri.includes(`/${poolId}/`));
  }
}

function isFetchFailure(error) {
  return error.name === 'TimeoutError' || error.name === 'AbortError' || error instanceof TypeError ||
    /JWKS fetch answered|fetch failed/.test(error.message);
}

module.exports = { PoolTokens, KeysUnavailable, RefusedToken };
