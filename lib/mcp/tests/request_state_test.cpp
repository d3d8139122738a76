// The requestState seal's memory of the states it took: each taken once, bounded, and the bound
// never a reason to forget an unexpired state (a retry is refused instead).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "request_state.h"

namespace mcph::mcp::detail {
namespace {

const StateBinding kErase{"tools/call", "erase_note", {{"note", "n1"}}};

TEST(RequestStateSeal, AStateIsTakenOnceAndItsMemoryIsBounded) {
  const RequestStateSeal seal("a key of thirty-two bytes or so..", std::chrono::milliseconds(100), 2);
  const std::string first = seal.mint("alice", kErase);
  const std::string second = seal.mint("alice", kErase);
  EXPECT_NE(first, second) << "each state has an id of its own";
  EXPECT_EQ(seal.take(first, "alice", kErase), std::nullopt);
  EXPECT_EQ(seal.take(first, "alice", kErase), "requestState has already been used");
  EXPECT_EQ(seal.take(second, "alice", kErase), std::nullopt);
  // Two unexpired states remembered: a third is refused rather than one of them forgotten.
  const std::string third = seal.mint("alice", kErase);
  EXPECT_EQ(seal.take(third, "alice", kErase), "too many confirmations are in flight; ask again later");
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  const std::string fourth = seal.mint("alice", kErase);
  EXPECT_EQ(seal.take(fourth, "alice", kErase), std::nullopt) << "expired states make room";
}

TEST(RequestStateSeal, TheReuseSwitchTakesAStateAgain) {
  const RequestStateSeal seal("a key of thirty-two bytes or so..", std::chrono::milliseconds(60000));
  const std::string state = seal.mint("alice", kErase);
  const StateLeniency reusable{.reuse_unchecked = true};
  EXPECT_EQ(seal.take(state, "alice", kErase, reusable), std::nullopt);
  EXPECT_EQ(seal.take(state, "alice", kErase, reusable), std::nullopt);
  EXPECT_EQ(seal.take(state, "bob", kErase, reusable), "requestState was issued to another caller") << "only reuse is let through";
}

}  // namespace
}  // namespace mcph::mcp::detail

namespace mcph::mcp::detail {
namespace {

// Replicas behind one address seal with one key (--request-state-key-file): a state one of them
// issued is taken by another; under another key it does not verify.
TEST(RequestStateSeal, ReplicasSharingAKeyTakeEachOthersStates) {
  const std::string key = "a key of thirty-two bytes or so..";
  const RequestStateSeal issuer(key, std::chrono::milliseconds(60000));
  const RequestStateSeal replica(key, std::chrono::milliseconds(60000));
  const RequestStateSeal stranger("another key of thirty-two bytes.", std::chrono::milliseconds(60000));
  EXPECT_EQ(replica.take(issuer.mint("alice", kErase), "alice", kErase), std::nullopt);
  EXPECT_EQ(stranger.take(issuer.mint("alice", kErase), "alice", kErase), "requestState failed verification");
}

}  // namespace
}  // namespace mcph::mcp::detail
