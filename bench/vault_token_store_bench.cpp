// mock-vault's token store with many live tokens, as an agent's child token per call leaves them
// (agent-bridge-mcp: a child token of a few uses and minutes for each call). Items are tokens.
//   BM_LastUse/N     a child token created and used up (its last use revokes it with its
//                    children) among N live ones: what each of the bridge's calls asks of it
//   BM_ReaperRound/N the reaper's round over N live tokens of which a hundred are due
// Both should not grow with N: each touches the tokens concerned, not every live one.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "token_store.h"

namespace {

using namespace mcph::mock_vault;

void fill(TokenStore& store, const std::string& parent, int live, TimePoint expire_time) {
  for (int i = 0; i < live; ++i) {
    TokenEntry entry;
    entry.parent_id = parent;
    entry.expire_time = expire_time;
    store.create(entry);
  }
}

void BM_LastUse(benchmark::State& state) {
  TokenStore store;
  const TimePoint later = Clock::now() + std::chrono::hours(1);
  fill(store, "parent", static_cast<int>(state.range(0)), later);
  for (auto _ : state) {
    TokenEntry child;
    child.parent_id = "parent";
    child.expire_time = later;
    child.num_uses = 1;
    const std::string id = store.create(child)->id;
    benchmark::DoNotOptimize(store.lookup(id, true));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LastUse)->Arg(1000)->Arg(100000);

void BM_ReaperRound(benchmark::State& state) {
  TokenStore store;
  const TimePoint now = Clock::now();
  fill(store, "parent", static_cast<int>(state.range(0)), now + std::chrono::hours(1));
  for (auto _ : state) {
    state.PauseTiming();
    fill(store, "parent", 100, now);
    state.ResumeTiming();
    benchmark::DoNotOptimize(store.expire_due(now));
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_ReaperRound)->Arg(1000)->Arg(100000);

}  // namespace
