#pragma once
// HS256 secrets published as defaults or examples (jwt.io's samples, framework and tutorial
// placeholders): a server keyed with one accepts anybody's token. What an attacker tries first,
// and what a sabotaged server accepts.
#include <string>
#include <vector>

namespace mcph::jose {

const std::vector<std::string>& well_known_hs256_secrets();

}  // namespace mcph::jose
