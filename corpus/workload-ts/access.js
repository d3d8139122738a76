// Asking OPA whether a workload may act on a kind of resource: POST /v1/data/hangar/access/allow
// with the input policy/hangar.rego describes; the answer's result is the decision, a boolean.

const DECISION = 'hangar/access/allow';

/** OPA gave no decision: unreachable, too slow, an error status, not JSON, or no boolean. */
class NoDecision extends Error {}

/**
 * @param {{opaAddr: string, opaTimeoutMs: number, flaws: Set<string>, fetchImpl?: typeof fetch}} options
 * @returns {(input: object) => Promise<boolean>} the decision; throws NoDecision
 */
function accessDecider({ opaAddr, opaTimeoutMs, flaws, fetchImpl = fetch }) {
  return async function decide(input) {
    let response;
    try {
      response = await fetchImpl(`${opaAddr}/v1/data/${DECISION}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input }),
        signal: AbortSignal.timeout(opaTimeoutMs)
      });
    } catch (error) {
      throw new NoDecision(`OPA unreachable (${error.name})`);
    }
    if (!response.ok) throw new NoDecision(`OPA answered HTTP ${response.status}`);
    if (flaws.has('undefined-allows')) {
      const body = await response.json().catch(() => ({}));
      return body.result !== false; // only an explicit false is a deny
    }
    let body;
    try {
      body = await response.json();
    } catch {
      throw new NoDecision('OPA answered something that is not JSON');
    }
    if (typeof body?.result !== 'boolean') throw new NoDecision('the decision is undefined');
    return body.result;
  };
}

module.exports = { DECISION, NoDecision, accessDecider };
