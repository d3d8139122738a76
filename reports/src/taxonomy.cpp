#include "mcph/reports/taxonomy.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "mcph/codec/hex.h"
#include "mcph/openssl/crypto.h"

namespace mcph::reports {
namespace {

constexpr std::string_view kFamilies = "docs/families.md";

struct Family {
  std::string title;
  std::string page;
};

// A family by the number its rules' ids start with. 0: what the runner finds in a step of any
// family (reports.md, "Findings"); 11 to 16: the agent designs' families, which have names only;
// 17: the rules of protocol 2026-07-28.
Family family(int number) {
  if (number == 0) return {"any family", "docs/reports.md#findings"};
  static const std::pair<const char*, const char*> families[] = {
      {"Family 1: isolation", "family-1-isolation"},
      {"Family 2: missing credentials", "family-2-missing-credentials"},
      {"Family 3: cross-subject denial", "family-3-cross-subject-denial"},
      {"Family 4: token expiry", "family-4-token-expiry"},
      {"Family 5: rate limit", "family-5-rate-limit"},
      {"Family 6: dynamic database credentials", "family-6-dynamic-database-credentials"},
      {"Family 7: faults", "family-7-faults"},
      {"Family 8: JWT attacks", "family-8-jwt-attacks"},
      {"Family 9: MCP protocol robustness", "family-9-mcp-protocol-robustness"},
      {"Family 10: isolation under load", "family-10-isolation-under-load"},
      {"Agent identity", "agent-identity"},
      {"Transport identity", "transport-identity"},
      {"Authorization server", "authorization-server"},
      {"DPoP", "dpop"},
      {"Workload identity", "workload-identity"},
      {"Trust tiers", "trust-tiers"},
      {"MCP 2026-07-28", "mcp-2026-07-28"},
  };
  const auto& [title, anchor] = families[number - 1];
  return {title, std::string(kFamilies) + "#" + anchor};
}

// "accepts a token it must refuse" → "AcceptsATokenItMustRefuse".
std::string pascal_case(std::string_view property) {
  std::string name;
  bool word_start = true;
  for (const char c : property) {
    const auto byte = static_cast<unsigned char>(c);
    if (!std::isalnum(byte)) {
      word_start = word_start || c != '\'';  // "user's" is one word
      continue;
    }
    name += word_start ? static_cast<char>(std::toupper(byte)) : c;
    word_start = false;
  }
  return name;
}

Rule rule(std::string id, std::string property_id, int family_number, std::string property, std::string description,
          std::string owasp, std::string cwe, bool security = true) {
  const Family f = family(family_number);
  std::string name = pascal_case(property);
  return Rule{std::move(id), std::move(property_id), std::move(name), std::move(property), std::move(description),
              f.title, f.page, std::move(owasp), std::move(cwe), security};
}

}  // namespace

const std::vector<Rule>& rules() {
  // Ids are the family's number and a serial: a rule keeps its id when its words change, and a
  // retired id is never given to another property.
  static const std::vector<Rule> table = {
      rule(std::string(kInconclusiveRuleId), std::string(kInconclusivePropertyId), 0, "the harness could not decide",
           "A check could not be attributed to the step (another caller's requests fell into its window, a "
           "dependency the check reads did not answer): never a pass, never a verdict on the server.",
           "", "", false),
      rule("MCPH002", "wrong-error-status", 0, "answers with the wrong error status",
           "A request the server had to refuse was refused, but with another error status than the one due.",
           "", "CWE-393", false),
      rule("MCPH003", "rate-limited-outside-burst", 0, "rate-limits a call outside any burst",
           "A single call, paced within the stated limit, was answered 429: it never reached what its step tests.",
           "", "", false),
      rule("MCPH004", "refusal-without-challenge", 0, "refuses without the challenge the specifications require",
           "A request was refused with 401 but without a well-formed WWW-Authenticate challenge, which RFC 6750 and "
           "the MCP authorization specification require: the refusal stands, but a client cannot learn how to "
           "authenticate.",
           "", "CWE-684", false),
      rule("MCPH101", "acts-with-another-users-credentials", 1, "acts with another user's credentials",
           "A call made for one user reached a backend, Vault or the database with another user's credential.",
           "MCP07:2025", "CWE-863"),
      rule("MCPH102", "vault-identity-not-the-users", 1, "Vault's identity is not the user's",
           "Vault's entity for the caller's login is not the user's own: every policy templated on it "
           "resolves to someone else's paths.",
           "MCP07:2025", "CWE-863"),
      rule("MCPH201", "missing-credential-falls-back", 2, "a missing credential falls back or fails unclearly",
           "A user without a credential got another credential (a shared or default one), or an error "
           "that does not say the credential is missing.",
           "MCP07:2025", "CWE-636"),
      rule("MCPH301", "vault-policy-reads-another-users-paths", 3, "Vault's policy lets a user read another's paths",
           "Vault's policy grants a user's token paths of other users.", "MCP02:2025", "CWE-863"),
      rule("MCPH302", "tool-arguments-switch-identity", 3, "tool arguments switch identity",
           "A tool argument naming another user made the server act as that user.", "MCP07:2025", "CWE-639"),
      rule("MCPH303", "trusts-unverified-claim", 3, "trusts an unverified claim",
           "The server took an identity from a claim or a field it did not verify.", "MCP07:2025", "CWE-345"),
      rule("MCPH304", "token-checked-only-when-sse-opens", 3, "checks the token only when the SSE stream opens",
           "A POST to an HTTP+SSE session's messages endpoint without a valid token of its own was run as the "
           "user who opened the stream.", "MCP07:2025", "CWE-306"),
      rule("MCPH401", "accepts-expired-token", 4, "accepts an expired token", "A token past its exp was accepted.", "MCP01:2025",
           "CWE-613"),
      rule("MCPH402", "refuses-refreshed-token", 4, "refuses a refreshed token",
           "A token the identity provider refreshed for the same user was refused.", "", "", false),
      rule("MCPH403", "vault-session-outlives-jwt", 4, "uses a Vault session past its JWT's expiry",
           "The server kept using a Vault token it got for a JWT that has since expired.", "MCP01:2025", "CWE-613"),
      rule("MCPH501", "no-per-subject-rate-limit", 5, "no per-subject rate limit",
           "A burst beyond the stated limit was served, or one user's burst took another's budget.", "",
           "CWE-770"),
      rule("MCPH502", "batch-escapes-rate-limit", 5, "a batch of calls escapes the rate limit",
           "A JSON-RPC batch of more calls than the caller's limit allows ran: the limit counted requests, not "
           "calls.",
           "", "CWE-770"),
      rule("MCPH601", "query-writes-through-read-only-session", 6, "a query writes through the read-only session",
           "A statement sent through the query tool changed the database despite the read-only session.",
           "MCP02:2025", "CWE-269"),
      rule("MCPH602", "revoked-lease-keeps-role", 6, "a revoked lease keeps its role",
           "A database role whose Vault lease was revoked could still log in.", "MCP01:2025", "CWE-613"),
      rule("MCPH603", "pooled-session-leaks-state", 6, "a pooled session carries one call's state into the next",
           "State one call left on a pooled database session (settings, locks, cursors, temporary objects) "
           "reached a later call.",
           "MCP10:2025", "CWE-488"),
      rule("MCPH701", "unclear-error-on-dependency-failure", 7, "no clear, prompt error when a dependency fails",
           "A failing dependency was answered late, or with an error that does not say what failed.", "",
           "CWE-755", false),
      rule("MCPH702", "no-recovery-after-dependency-failure", 7, "does not recover once the dependency is back",
           "The server kept failing after the dependency it lost came back.", "", "", false),
      rule("MCPH703", "backend-error-text-reaches-user", 7, "backend error text reaches the user",
           "A backend's own error text (which may carry internals or secrets) was passed on to the caller.",
           "MCP10:2025", "CWE-209"),
      rule("MCPH801", "accepts-token-it-must-refuse", 8, "accepts a token it must refuse",
           "A forged, altered, expired or foreign token was accepted.", "MCP07:2025", "CWE-287"),
      rule("MCPH802", "refuses-token-it-must-accept", 8, "refuses a token it must accept", "A valid token for this server was refused.", "", "",
           false),
      rule("MCPH803", "missing-token-not-refused-with-401", 8, "a missing token is not refused with 401",
           "A request without a token was served, or refused without 401 and its challenge.", "MCP07:2025",
           "CWE-306"),
      rule("MCPH804", "accepts-token-for-another-audience", 8, "accepts a token issued for another audience",
           "A token whose audience is another server was accepted.", "MCP01:2025", "CWE-287"),
      rule("MCPH805", "accepts-token-outside-authorization-header", 8, "accepts a token outside the Authorization header",
           "A token sent in the query string or the body was accepted: it ends up in logs and histories.",
           "MCP01:2025", "CWE-598"),
      rule("MCPH806", "accepts-ambiguous-authorization", 8, "accepts an ambiguous Authorization",
           "A request with two credentials, or an Authorization header servers read differently, was served.",
           "MCP07:2025", "CWE-436"),
      rule("MCPH807", "passes-caller-token-to-vault", 8, "passes its caller's token through to Vault",
           "The server logged in to Vault with its caller's own token instead of one issued to it.",
           "MCP01:2025", "CWE-441"),
      rule("MCPH808", "serves-another-users-session", 8, "serves another user's session",
           "A session one user opened answered a request carrying another user's token.", "MCP07:2025", "CWE-488"),
      rule("MCPH809", "wrong-protected-resource-metadata", 8, "wrong protected-resource metadata",
           "The protected-resource metadata or the 401 challenge does not describe the server as it is.",
           "MCP07:2025", ""),
      rule("MCPH1101", "reads-another-agents-secrets", 11, "reads another agent's secrets",
           "An agent read, wrote, listed or deleted secrets under another agent's prefix.", "MCP07:2025", "CWE-863"),
      rule("MCPH1102", "path-escapes-agent-prefix", 11, "lets a path escape the agent's prefix",
           "A path with dot segments, encodings or separators reached Vault outside the agent's prefix.",
           "MCP02:2025", "CWE-22"),
      rule("MCPH1103", "grants-scope-agent-lacks", 11, "grants a scope the agent does not have",
           "A tool ran for an agent whose scopes do not include the one it needs (403 insufficient_scope is due).",
           "MCP02:2025", "CWE-863"),
      rule("MCPH1104", "vault-call-exceeds-agent-policy", 11, "calls Vault with more than the agent's own policy",
           "A call reached Vault with a token whose policies or lifetime exceed the agent's own.", "MCP02:2025",
           "CWE-272"),
      rule("MCPH1105", "accepts-agent-jwt-it-must-refuse", 11, "accepts a JWT it must refuse",
           "An agent's JWT that is forged, unsigned, expired or meant for another audience was accepted.",
           "MCP07:2025", "CWE-287"),
      rule("MCPH1106", "one-of-several-credentials-decides", 11, "lets one of several credentials decide",
           "A request carrying two agents' credentials was served as one of them instead of refused.", "MCP07:2025",
           "CWE-436"),
      rule("MCPH1107", "no-per-agent-rate-limit", 11, "no per-agent rate limit", "An agent's burst beyond the stated limit was served.", "",
           "CWE-770"),
      rule("MCPH1108", "foreign-requests-spend-agent-rate-limit", 11, "spends an agent's rate limit on requests that are not its",
           "Requests that failed to authenticate used up an agent's budget, so that others can starve it.", "",
           "CWE-770"),
      rule("MCPH1109", "exposes-secrets-beside-the-endpoint", 11, "shows secrets on a route beside its endpoint",
           "A route the server publishes besides its MCP endpoint (a debug, event, log or documented route) showed an "
           "agent's secret, key or token without a credential, or to another agent.",
           "MCP01:2025", "CWE-200"),
      rule("MCPH1110", "reveals-internal-address", 11, "names its Vault's address to callers",
           "An answer of the server (a secret not found, a route it publishes) named the address of the Vault behind it.", "MCP10:2025", "CWE-200",
           false),
      rule("MCPH1111", "tool-runs-without-its-token", 11, "runs a tool although its token request failed",
           "Vault refused the token the server asks for each call, and the call went on all the same (with the "
           "server's own token, or another): it must fail closed.",
           "MCP02:2025", "CWE-636"),
      rule("MCPH1201", "accepts-client-certificate-it-must-refuse", 12, "accepts a client certificate it must refuse",
           "A certificate from a foreign CA, an expired one or none identified an agent.", "MCP07:2025", "CWE-295"),
      rule("MCPH1202", "believes-unproxied-identity-headers", 12, "believes identity headers that did not come from its proxy",
           "Client-certificate headers sent straight to the server (alone or beside a refused key or token), or "
           "forged through the proxy, were believed.",
           "MCP07:2025", "CWE-290"),
      rule("MCPH1203", "agent-from-ambiguous-name", 12, "takes an agent's identity from an ambiguous name",
           "A subject with several CNs, an escaped comma or no CN was read as some agent's name.", "MCP07:2025",
           "CWE-436"),
      rule("MCPH1204", "agent-from-unverified-source", 12, "takes an agent's identity from something other than its verified certificate",
           "The agent's identity came from a header, an unverified certificate or a claim, not a verified subject.",
           "MCP07:2025", "CWE-290"),
      rule("MCPH810", "calls-tool-without-its-scope", 8, "calls a tool the token has no scope for",
           "A tool that needs a scope of its own ran for a token without it (403 insufficient_scope is due).",
           "MCP02:2025", "CWE-863"),
      rule("MCPH1301", "metadata-mismatches-endpoints", 13, "publishes metadata that does not match its endpoints",
           "The authorization server's metadata names an issuer, endpoint or key set its endpoints do not match.",
           "", "CWE-1188", false),
      rule("MCPH1302", "advertised-client-auth-refused", 13, "advertises a client authentication method it refuses",
           "A client authentication method the metadata advertises gave no token.", "", "", false),
      rule("MCPH1303", "private-key-in-jwks", 13, "publishes private key material in its JWKS",
           "A published key carries private or symmetric members (d, p, q, k …).", "MCP01:2025", "CWE-321"),
      rule("MCPH1304", "client-auth-error-against-rfc6749", 13, "answers a failed client authentication against RFC 6749 §5.2",
           "A failed client authentication was not answered 401 invalid_client with its challenge.", "", "", false),
      rule("MCPH1305", "token-error-against-rfc6749", 13, "answers token errors against RFC 6749 §5.2",
           "A malformed or refused token request was not answered with the error RFC 6749 names.", "", "", false),
      rule("MCPH1306", "grants-scope-beyond-client", 13, "grants a scope beyond the client's",
           "A token carried a scope the client was not given.", "MCP02:2025", "CWE-863"),
      rule("MCPH1307", "token-iss-not-issuer", 13, "issues tokens whose iss is not its issuer",
           "A token's iss differs from the issuer the metadata names.", "MCP07:2025", "CWE-345"),
      rule("MCPH1308", "token-lacks-checked-claims", 13, "issues tokens without the claims a resource server checks",
           "A token lacked sub, aud, exp, iat or jti, or lived longer than it said.", "MCP07:2025", "CWE-613"),
      rule("MCPH1309", "accepts-token-forged-with-published-key", 13, "accepts a token forged with what it published",
           "A token signed with a published key, a public key as an HMAC secret or a well-known secret was accepted.",
           "MCP01:2025", "CWE-347"),
      rule("MCPH1310", "agent-token-reaches-another-agent", 13, "lets one agent's token reach another agent's data",
           "An agent's token issued by the authorization server reached another agent's secrets.", "MCP07:2025",
           "CWE-863"),
      rule("MCPH1401", "dpop-token-without-proof", 14, "accepts a DPoP-bound token without a proof",
           "A DPoP-bound token was accepted with no proof.", "MCP07:2025", "CWE-287"),
      rule("MCPH1402", "dpop-token-as-bearer", 14, "accepts a DPoP-bound token as a bearer token",
           "A DPoP-bound token presented with the Bearer scheme was accepted.", "MCP07:2025", "CWE-287"),
      rule("MCPH1403", "dpop-proof-replayed", 14, "accepts a replayed DPoP proof", "A proof's jti was accepted a second time.",
           "MCP07:2025", "CWE-294"),
      rule("MCPH1404", "dpop-proof-for-another-request", 14, "accepts a DPoP proof made for another request",
           "A proof whose htm or htu names another request was accepted.", "MCP07:2025", "CWE-294"),
      rule("MCPH1405", "dpop-proof-outside-time-window", 14, "accepts a DPoP proof outside its time window",
           "A proof whose iat is stale or in the future was accepted.", "MCP07:2025", "CWE-294"),
      rule("MCPH1406", "dpop-proof-not-for-token", 14, "accepts a DPoP proof not made for the presented token",
           "A proof without ath, or with another token's, was accepted.", "MCP07:2025", "CWE-345"),
      rule("MCPH1407", "dpop-proof-by-unbound-key", 14, "accepts a DPoP proof by a key the token is not bound to",
           "A proof signed by a key whose thumbprint is not the token's cnf.jkt was accepted.", "MCP07:2025",
           "CWE-345"),
      rule("MCPH1408", "dpop-proof-not-asymmetric", 14, "accepts a DPoP proof without an asymmetric signature",
           "A proof signed with none or HS256, or carrying a private jwk, was accepted.", "MCP07:2025", "CWE-347"),
      rule("MCPH1409", "dpop-proof-malformed", 14, "accepts a malformed DPoP proof",
           "A proof with a wrong typ or an unreadable part was accepted.", "MCP07:2025", "CWE-20"),
      rule("MCPH1410", "tool-runs-without-authentication", 14, "runs a tool without authentication",
           "A tool ran for a request that carried no credential.", "MCP07:2025", "CWE-306"),
      rule("MCPH1411", "echoes-credential", 14, "echoes a credential", "An answer carried the token or proof the request sent.",
           "MCP01:2025", "CWE-532"),
      rule("MCPH1412", "refuses-honest-agent", 14, "refuses what it must accept", "An honest agent's call was refused.", "", "", false),
      rule("MCPH1413", "proofs-crowd-out-another-agent", 14, "lets one agent's proofs crowd out another's",
           "Proofs of an agent the server refused anyway (no tier, beyond its rate limit) took room another agent's "
           "honest call needed: that call was refused.", "MCP07:2025", "CWE-770"),
      rule("MCPH1501", "svid-of-another-agent", 15, "authenticates a client with another agent's SVID",
           "A client authenticated with an SVID whose SPIFFE ID is another agent's.", "MCP07:2025", "CWE-287"),
      rule("MCPH1502", "svid-from-foreign-trust-domain", 15, "accepts an SVID its trust domain did not issue",
           "An SVID signed by a key outside the trust domain's bundle, or unsigned, was accepted.", "MCP07:2025",
           "CWE-347"),
      rule("MCPH1503", "svid-for-another-audience", 15, "accepts an SVID issued for another audience",
           "An SVID whose aud is not the authorization server's was accepted.", "MCP07:2025", "CWE-287"),
      rule("MCPH1504", "accepts-expired-svid", 15, "accepts an expired SVID", "An SVID past its exp was accepted.", "MCP07:2025",
           "CWE-613"),
      rule("MCPH1505", "wrong-client-assertion-type", 15, "authenticates a client with the wrong assertion type",
           "A client assertion of another type than SPIFFE's was accepted for a SPIFFE client.", "MCP07:2025",
           "CWE-287"),
      rule("MCPH1506", "svid-of-removed-key", 15, "accepts an SVID of a key its trust domain removed",
           "An SVID signed by a key the trust domain's bundle no longer published was accepted after the bundle "
           "was fetched again.", "MCP07:2025", "CWE-324"),
      rule("MCPH1601", "decides-against-decision-table", 16, "decides otherwise than its decision table",
           "A cell of the tier × operation × tool table was decided otherwise than the table says.", "MCP02:2025",
           "CWE-863"),
      rule("MCPH1602", "tier-from-caller-claim", 16, "takes an agent's tier from what the caller claims",
           "The tier came from the caller's words, not from its verified SPIFFE ID.", "MCP07:2025", "CWE-290"),
      rule("MCPH1603", "tool-for-agent-without-tier", 16, "grants a tool to an agent without a tier",
           "A tool ran for an agent the server has no tier for.", "MCP02:2025", "CWE-863"),
      rule("MCPH1604", "grants-what-policy-denies", 16, "grants what the policy denies", "A call the policy denies ran.", "MCP02:2025",
           "CWE-863"),
      rule("MCPH1605", "refuses-what-policy-grants", 16, "refuses what the policy grants", "A call the policy grants was refused.", "", "", false),
      rule("MCPH1606", "tool-runs-without-policy-decision", 16, "runs a tool without a policy decision",
           "A tool ran while the policy engine was down, slow or answered nonsense (it must fail closed).",
           "MCP02:2025", "CWE-636"),
      rule("MCPH1607", "no-recovery-after-policy-engine", 16, "does not recover once the policy engine is back",
           "Calls stayed refused after the policy engine answered again.", "", "", false),
      rule("MCPH1608", "grants-to-unverified-identity", 16, "grants a tool to an identity its input marks unverified",
           "The policy granted a tool to an input whose mark of a verified identity was false: only a verified "
           "identity has a tier.", "MCP07:2025", "CWE-287"),
      rule("MCPH1701", "authorization-carried-between-requests", 17, "serves a request on another request's authorization",
           "A 2026-07-28 request without a token was served as the caller of an earlier request: the revision has "
           "no session, so nothing may carry authorization from one request to the next.",
           "MCP07:2025", "CWE-306"),
      rule("MCPH1702", "serves-another-users-resource", 17, "serves one user's resource to another",
           "A caller's token read a resource the server lists for another user only.", "MCP07:2025", "CWE-639"),
      rule("MCPH1703", "per-user-result-publicly-cacheable", 17, "lets any cache share a per-user result",
           "A result holding one caller's data said cacheScope public: a client, gateway or proxy may serve it to "
           "another token.",
           "MCP10:2025", "CWE-524"),
      rule("MCPH1704", "executes-despite-header-mismatch", 17, "runs a request whose headers and body disagree",
           "A request whose Mcp-Method or Mcp-Name named something other than its body was executed instead of "
           "refused (400, -32020): whatever routes or authorizes on the headers is bypassed.",
           "MCP07:2025", "CWE-436"),
      rule("MCPH1705", "version-header-disagrees-with-meta", 17, "serves a request whose version header and _meta disagree",
           "MCP-Protocol-Version and the request's _meta named different versions (or one it does not speak), and "
           "the request was served instead of refused (400, -32020 or -32022).",
           "", "CWE-436"),
      rule("MCPH1706", "request-state-replayed-by-another-user", 17, "takes a requestState from a caller it was not issued to",
           "A call's requestState, issued to one user, confirmed the call when another user's token brought it back: "
           "the state is not bound to the authenticated principal.",
           "MCP07:2025", "CWE-294"),
      rule("MCPH1707", "request-state-not-integrity-protected", 17, "takes a requestState the client altered",
           "A requestState that no longer verified (altered on its way through the client) was taken, and what it "
           "confirmed ran: the state is not integrity-protected.",
           "MCP07:2025", "CWE-345"),
      rule("MCPH1708", "request-state-expiry-ignored", 17, "takes an expired requestState",
           "A requestState past the expiry the server set was taken, and what it confirmed ran.", "MCP07:2025",
           "CWE-613"),
      rule("MCPH1709", "request-state-for-another-request", 17, "takes a requestState on another request",
           "A requestState issued for one call confirmed a different call (other arguments): the state is not bound "
           "to the request it was issued for.",
           "MCP07:2025", "CWE-294"),
      rule("MCPH1710", "request-state-reused", 17, "takes a requestState a second time",
           "A requestState that had already confirmed its call was taken again, and the call ran again: one "
           "confirmation authorised two runs.",
           "MCP07:2025", "CWE-294"),
      rule("MCPH1711", "declined-call-runs", 17, "runs a call its user declined",
           "A tool that asks its user to confirm ran although the user declined: the confirmation decides "
           "nothing.",
           "MCP02:2025", "CWE-862"),
      rule("MCPH1712", "offline-access-advertised", 17, "asks clients for offline_access",
           "The protected resource metadata's scopes_supported, or a scope challenge, named offline_access: a "
           "server should not, since a refresh token is for the client and the authorization server to agree on, "
           "and a server asking every client for one spreads long-lived credentials.",
           "MCP02:2025", "CWE-272", false),
      rule("MCPH1713", "broader-scope-refused", 17, "refuses a scope that implies the one a call needs",
           "A token carrying a broader scope, which the server's own scope hierarchy says implies the scope a tool "
           "needs, was refused that tool: the 2026-07-28 revision asks servers to account for scope hierarchies "
           "when judging whether a token suffices, and a client that asked for the broader scope is locked out.",
           "", "CWE-684", false),
      rule("MCPH901", "serves-ambiguous-request", 9, "reads a request a proxy could read differently",
           "An ambiguous request (framing, header syntax, path) was served instead of refused.", "", "CWE-444"),
      rule("MCPH902", "slow-clients-take-every-worker", 9, "slow clients take every worker",
           "Clients sending slowly held the server's workers until honest callers went unanswered.", "",
           "CWE-400"),
  };
  return table;
}

const Rule* find_rule(std::string_view property_id) {
  const auto& table = rules();
  const auto known =
      std::find_if(table.begin(), table.end(), [&](const Rule& rule) { return rule.property_id == property_id; });
  return known == table.end() ? nullptr : &*known;
}

const Rule* find_rule_by_text(std::string_view property) {
  const auto& table = rules();
  const auto known =
      std::find_if(table.begin(), table.end(), [&](const Rule& rule) { return rule.property == property; });
  return known == table.end() ? nullptr : &*known;
}

Rule rule_for(std::string_view property_id) {
  if (const Rule* known = find_rule(property_id)) return *known;
  Rule made;
  made.id = "MCPH-X-" + codec::hex_encode(openssl::sha256(property_id)).substr(0, 8);
  made.property_id = std::string(property_id);
  made.name = pascal_case(property_id);
  made.property = std::string(property_id);
  made.description = "A property that is not one of the families' own.";
  return made;
}

std::string_view owasp_mcp_title(std::string_view category) {
  static const std::pair<std::string_view, std::string_view> titles[] = {
      {"MCP01:2025", "Token Mismanagement & Secret Exposure"},
      {"MCP02:2025", "Privilege Escalation via Scope Creep"},
      {"MCP03:2025", "Tool Poisoning"},
      {"MCP04:2025", "Software Supply Chain Attacks & Dependency Tampering"},
      {"MCP05:2025", "Command Injection & Execution"},
      {"MCP06:2025", "Prompt Injection via Contextual Payloads"},
      {"MCP07:2025", "Insufficient Authentication & Authorization"},
      {"MCP08:2025", "Lack of Audit and Telemetry"},
      {"MCP09:2025", "Shadow MCP Servers"},
      {"MCP10:2025", "Context Injection & Over-Sharing"},
  };
  for (const auto& [id, title] : titles) {
    if (id == category) return title;
  }
  return {};
}

std::vector<std::string> taxonomy_tags(const Rule& rule) {
  std::vector<std::string> tags;
  if (!rule.owasp_mcp.empty()) tags.push_back("OWASP " + rule.owasp_mcp);
  if (!rule.cwe.empty()) tags.push_back(rule.cwe);
  return tags;
}

std::string_view level(const Rule& rule) {
  if (rule.id == kInconclusiveRuleId) return "note";
  return rule.security ? "error" : "warning";
}

std::string_view level(const Finding& finding) {
  if (finding.bounded()) return "note";
  if (!finding.level.empty()) return finding.level;
  return level(rule_for(finding.property_id));
}

std::string taxonomy_markdown() {
  std::string table =
      "| property | id | rule | level | family | OWASP MCP Top 10 | CWE |\n"
      "|---|---|---|---|---|---|---|\n";
  for (const Rule& rule : rules()) {
    const std::string owasp =
        rule.owasp_mcp.empty() ? "—" : rule.owasp_mcp + " " + std::string(owasp_mcp_title(rule.owasp_mcp));
    const std::string page = rule.family_page.substr(std::string_view("docs/").size());  // from docs/
    table += "| " + rule.property + " | `" + rule.property_id + "` | `" + rule.id + "` | " + std::string(level(rule)) + " | [" + rule.family +
             "](" + page + ") | " + owasp + " | " + (rule.cwe.empty() ? "—" : rule.cwe) + " |\n";
  }
  return table;
}

}  // namespace mcph::reports
