#include "mcph/bench/mann_whitney.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mcph::bench {
namespace {

// P(U >= k) under the null hypothesis for samples of m and n values, from the number of
// arrangements giving each U: the coefficients of the Gaussian binomial [m+n choose m]_q =
// prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i), with m the smaller sample (at most 8 here).
double exact_survival(double k, std::size_t m, std::size_t n) {
  if (m > n) std::swap(m, n);
  std::vector<double> counts(m * n + 1, 0.0);
  counts[0] = 1;
  for (std::size_t i = 1; i <= m; ++i) {
    for (std::size_t u = counts.size(); u-- > n + i;) counts[u] -= counts[u - n - i];  // × (1 - q^(n+i))
    for (std::size_t u = i; u < counts.size(); ++u) counts[u] += counts[u - i];       // ÷ (1 - q^i)
  }
  double total = 0, tail = 0;
  for (std::size_t u = 0; u < counts.size(); ++u) {
    total += counts[u];
    if (static_cast<double>(u) >= k) tail += counts[u];
  }
  return tail / total;
}

}  // namespace

UTest mann_whitney_u(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.empty() || y.empty()) throw std::invalid_argument("the U test needs at least one value in each sample");
  const std::size_t n1 = x.size(), n2 = y.size(), n = n1 + n2;
  // Ranks of the pooled values, ties taking their average rank.
  std::vector<std::pair<double, bool>> pooled;  // value, from x
  for (double v : x) pooled.emplace_back(v, true);
  for (double v : y) pooled.emplace_back(v, false);
  std::sort(pooled.begin(), pooled.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  double rank_sum_x = 0;
  double tie_term = 0;  // sum of t^3 - t over groups of t equal values
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && pooled[j].first == pooled[i].first) ++j;
    const double average_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k) {
      if (pooled[k].second) rank_sum_x += average_rank;
    }
    const double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    i = j;
  }
  UTest result;
  const double d1 = static_cast<double>(n1), d2 = static_cast<double>(n2), dn = static_cast<double>(n);
  result.u = rank_sum_x - d1 * (d1 + 1) / 2;
  const double u = std::max(result.u, d1 * d2 - result.u);  // two-sided: the larger U, then × 2
  const bool ties = tie_term > 0;
  if ((n1 <= 8 || n2 <= 8) && !ties) {
    result.exact = true;
    result.p_value = 2 * exact_survival(u, n1, n2);
  } else {
    const double sigma = std::sqrt(d1 * d2 / 12 * ((dn + 1) - tie_term / (dn * (dn - 1))));
    const double z = sigma > 0 ? (u - d1 * d2 / 2 - 0.5) / sigma : 0;
    result.p_value = 2 * 0.5 * std::erfc(z / std::sqrt(2.0));  // 2 × the normal survival at z
  }
  result.p_value = std::clamp(result.p_value, 0.0, 1.0);
  return result;
}

}  // namespace mcph::bench
