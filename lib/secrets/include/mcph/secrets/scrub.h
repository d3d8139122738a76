#pragma once
// Defence in depth for everything a person reads (reports, traces, the console): the values the
// harness keeps should only ever be masked, but every text passes through scrub() on its way
// out — each report field when a writer prints it, a whole trace once when it is written — so a
// credential that slipped into an error message or a response body never reaches a file.
#include <string>
#include <string_view>

namespace mcph::secrets {

// Returns `text` with everything that looks like a credential masked the way
// mcph::secrets::mask does ("****" plus at most the last 4 characters):
//  - JWTs and JWEs: `eyJ…` followed by at least two more dot-separated base64url segments;
//  - Vault tokens: `hvs.`, `hvb.`, `hvr.`, `s.` or `b.` followed by 20 or more token characters;
//  - GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`) and Atlassian API
//    tokens (`ATATT…`);
//  - credentials after an HTTP auth scheme: `Bearer <token>`, `Basic <base64>`;
//  - the password in a URL's user info: `postgresql://user:<password>@host`;
//  - values of secret-named keys: `password=…`, `"password": "…"`, `password: …`,
//    `PASSWORD '…'` (SQL), and for keys ending in `secret` or `token` the `=` and quoted-key
//    forms (`client_secret=…`, `"token": "…"`); prose such as "token: expired" is left alone.
// Values that are already masked (start with '*') are left as they are, so scrub() is
// idempotent and a "****abcd" a runner wrote stays readable. Runs in linear time; safe on
// inputs of any size and content (it does not need valid UTF-8).
std::string scrub(std::string_view text);

}  // namespace mcph::secrets
