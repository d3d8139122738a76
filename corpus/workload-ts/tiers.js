// The clearance registry (tiers.json): a trust domain and, per clearance, the paths of the SPIFFE
// IDs that hold it. A workload's clearance comes from its verified SPIFFE ID alone.
const fs = require('node:fs');

class ClearanceRegistry {
  /** @param {{trustDomain: string, clearances: Record<string, string[]>}} registry */
  constructor(registry) {
    this.trustDomain = registry.trustDomain;
    /** @type {Map<string, string>} SPIFFE ID → clearance */
    this.byId = new Map();
    for (const [clearance, paths] of Object.entries(registry.clearances)) {
      for (const workloadPath of paths) this.byId.set(`spiffe://${this.trustDomain}${workloadPath}`, clearance);
    }
  }

  static load(file) {
    return new ClearanceRegistry(JSON.parse(fs.readFileSync(file, 'utf8')));
  }

  /** Whether the SPIFFE ID names a workload of the registry's trust domain. */
  inTrustDomain(spiffeId) {
    return typeof spiffeId === 'string' && spiffeId.startsWith(`spiffe://${this.trustDomain}/`);
  }

  /** The workload's clearance; undefined for one the registry does not list. */
  clearanceOf(spiffeId) {
    return this.byId.get(spiffeId);
  }
}

module.exports = { ClearanceRegistry };
