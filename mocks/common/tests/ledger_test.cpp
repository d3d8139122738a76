#include "mcph/mock_backend/ledger.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mcph::mock_backend {
namespace {

LedgerEntry entry(const std::string& path, int status, const std::string& trace_id = "") {
  LedgerEntry e;
  e.method = "GET";
  e.route = "/x/{id}";
  e.path = path;
  e.credential_of = "alice";
  e.credential = "****1111";
  e.scheme = "bearer";
  e.status = status;
  e.trace_id = trace_id;
  return e;
}

TEST(Ledger, RecordsInOrderWithSequenceAndTime) {
  Ledger ledger;
  ledger.record(entry("/x/1", 200));
  ledger.record(entry("/x/2", 404));
  const auto json = nlohmann::json::parse(ledger.to_json());
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]["seq"], 1);
  EXPECT_EQ(json[1]["seq"], 2);
  EXPECT_EQ(json[1]["path"], "/x/2");
  EXPECT_EQ(json[1]["status"], 404);
  EXPECT_EQ(json[0]["credential_of"], "alice");
  EXPECT_EQ(json[0]["time"].get<std::string>().size(), 24u);  // 2025-01-01T00:00:00.000Z
}

TEST(Ledger, ClearEmptiesItAndSequenceContinues) {
  Ledger ledger;
  ledger.record(entry("/x/1", 200));
  ledger.clear();
  EXPECT_EQ(ledger.to_json(), "[]");
  ledger.record(entry("/x/3", 200));
  EXPECT_EQ(nlohmann::json::parse(ledger.to_json())[0]["seq"], 2);
}

TEST(Ledger, KeepsOnlyTheNewestEntriesWhenFull) {
  Ledger ledger(3);
  for (int i = 0; i < 10; ++i) ledger.record(entry("/x/" + std::to_string(i), 200));
  EXPECT_EQ(ledger.size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(ledger.to_json())[0]["path"], "/x/7");
}

TEST(Ledger, EveryEntryCarriesItsTraceIdAndFiltersByIt) {
  const std::string one = "4bf92f3577b34da6a3ce929d0e0e4736", two = "0af7651916cd43dd8448eb211c80319c";
  Ledger ledger;
  ledger.record(entry("/x/1", 200, one));
  ledger.record(entry("/x/2", 200));
  ledger.record(entry("/x/3", 200, two));
  ledger.record(entry("/x/4", 404, one));

  const auto all = nlohmann::json::parse(ledger.to_json());
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0]["trace_id"], one);
  EXPECT_EQ(all[1]["trace_id"], "") << "the field is there, empty, for requests without a trace context";

  const auto of_one = nlohmann::json::parse(ledger.to_json(one));
  ASSERT_EQ(of_one.size(), 2u);
  EXPECT_EQ(of_one[0]["path"], "/x/1");
  EXPECT_EQ(of_one[1]["path"], "/x/4");
  EXPECT_EQ(of_one[1]["seq"], 4) << "filtered entries keep their place in the whole ledger";

  const auto untraced = nlohmann::json::parse(ledger.to_json(""));
  ASSERT_EQ(untraced.size(), 1u);
  EXPECT_EQ(untraced[0]["path"], "/x/2");
  EXPECT_EQ(ledger.to_json("ffffffffffffffffffffffffffffffff"), "[]");
}

}  // namespace
}  // namespace mcph::mock_backend
