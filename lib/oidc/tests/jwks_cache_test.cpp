#include "mcph/oidc/jwks_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "mcph/http/server.h"

namespace mcph::oidc {
namespace {

using namespace std::chrono_literals;

// A provider whose JWKS the test changes at will, counting how often it is fetched.
class FakeProvider {
 public:
  FakeProvider() {
    http::ServerOptions options;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options);
    server_->route("GET", "/certs", [this](const http::Request&, http::Response& res) {
      ++hits;
      std::this_thread::sleep_for(delay.load());
      std::lock_guard lock(mutex_);
      if (down_) {
        res.set_json(503, R"({"error":"down"})");
        return;
      }
      res.set_json(200, set_.to_json());
    });
    server_->start();
  }
  void publish(std::vector<jose::Jwk> keys) {
    std::lock_guard lock(mutex_);
    set_ = jose::JwkSet(std::move(keys));
  }
  void set_down(bool down) {
    std::lock_guard lock(mutex_);
    down_ = down;
  }
  std::string url() const { return server_->url() + "/certs"; }
  void stop() { server_->stop(); }
  std::atomic<int> hits{0};
  std::atomic<std::chrono::milliseconds> delay{0ms};

 private:
  std::mutex mutex_;
  jose::JwkSet set_;
  bool down_ = false;
  std::unique_ptr<http::Server> server_;
};

jose::Jwk public_jwk(const jose::Key& key, std::string kid) {
  jose::Jwk jwk{key.public_only(), std::move(kid), jose::Alg::RS256, "sig"};
  return jwk;
}

std::string token(const jose::Key& key, const std::string& kid, std::int64_t exp = 4102444800) {
  return jose::sign_jwt(key, jose::Alg::RS256,
                        R"({"iss":"http://idp/realms/r","sub":"u1","aud":"mcp-client","exp":)" +
                            std::to_string(exp) + "}",
                        kid);
}

jose::VerifyOptions options() {
  jose::VerifyOptions o;
  o.issuer = "http://idp/realms/r";
  o.audience = "mcp-client";
  return o;
}

class JwksCacheTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    key_a_ = new jose::Key(jose::Key::generate_rsa());
    key_b_ = new jose::Key(jose::Key::generate_rsa());
  }
  static void TearDownTestSuite() {
    delete key_a_;
    delete key_b_;
  }
  static jose::Key* key_a_;
  static jose::Key* key_b_;
  FakeProvider provider_;
};
jose::Key* JwksCacheTest::key_a_ = nullptr;
jose::Key* JwksCacheTest::key_b_ = nullptr;

TEST_F(JwksCacheTest, FetchesOnceAndVerifiesManyTokens) {
  provider_.publish({public_jwk(*key_a_, "a")});
  JwksCache cache(provider_.url());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(cache.verify(token(*key_a_, "a"), options()).sub, "u1");
  EXPECT_EQ(provider_.hits, 1);
}

TEST_F(JwksCacheTest, UnknownKidTriggersOneRefetchThatPicksUpARotatedKey) {
  provider_.publish({public_jwk(*key_a_, "a")});
  JwksCacheOptions cache_options;
  cache_options.min_refetch_interval = 0ms;
  JwksCache cache(provider_.url(), cache_options);
  cache.verify(token(*key_a_, "a"), options());
  provider_.publish({public_jwk(*key_a_, "a"), public_jwk(*key_b_, "b")});
  EXPECT_EQ(cache.verify(token(*key_b_, "b"), options()).kid, "b");
  EXPECT_EQ(provider_.hits, 2);
}

TEST_F(JwksCacheTest, ForgedKidsDoNotHammerTheProvider) {
  provider_.publish({public_jwk(*key_a_, "a")});
  JwksCacheOptions cache_options;
  cache_options.min_refetch_interval = 10s;
  JwksCache cache(provider_.url(), cache_options);
  cache.verify(token(*key_a_, "a"), options());
  for (int i = 0; i < 20; ++i) {
    try {
      cache.verify(token(*key_b_, "forged-" + std::to_string(i)), options());
      FAIL() << "a token with an unknown kid verified";
    } catch (const jose::JoseError& e) {
      EXPECT_EQ(e.kind(), jose::ErrorKind::unknown_kid);
    }
  }
  EXPECT_EQ(provider_.hits, 1);
}

TEST_F(JwksCacheTest, RejectionsKeepTheirKind) {
  provider_.publish({public_jwk(*key_a_, "a")});
  JwksCache cache(provider_.url());
  try {
    cache.verify(token(*key_a_, "a", 1000), options());
    FAIL();
  } catch (const jose::JoseError& e) {
    EXPECT_EQ(e.kind(), jose::ErrorKind::expired);
  }
  // Signed by b but claiming a's kid: a bad signature, not a refetch.
  try {
    cache.verify(token(*key_b_, "a"), options());
    FAIL();
  } catch (const jose::JoseError& e) {
    EXPECT_EQ(e.kind(), jose::ErrorKind::bad_signature);
  }
  EXPECT_EQ(provider_.hits, 1);
}

// Why cache refuses token; a test failure when it accepts it.
std::optional<jose::ErrorKind> refusal(JwksCache& cache, const std::string& token, const jose::VerifyOptions& o) {
  try {
    cache.verify(token, o);
    ADD_FAILURE() << "the token was accepted";
  } catch (const jose::JoseError& e) {
    return e.kind();
  }
  return std::nullopt;
}

TEST_F(JwksCacheTest, ATokenSeenBeforeWithTheSameKeysIsNotCheckedInFullAgain) {
  provider_.publish({public_jwk(*key_a_, "a")});
  JwksCache cache(provider_.url());
  const std::string alice = token(*key_a_, "a");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(cache.verify(alice, options()).sub, "u1");
  EXPECT_EQ(cache.full_checks(), 1);
  EXPECT_EQ(cache.verify(token(*key_a_, "a", 4102444801), options()).sub, "u1");
  EXPECT_EQ(cache.full_checks(), 2);
}

TEST_F(JwksCacheTest, ARememberedTokenIsRefusedOnceItExpires) {
  provider_.publish({public_jwk(*key_a_, "a")});
  JwksCache cache(provider_.url());
  const std::string alice = token(*key_a_, "a", 2000000000);
  jose::VerifyOptions o = options();
  o.now = 1999999999;
  EXPECT_EQ(cache.verify(alice, o).sub, "u1");
  o.now = 2000000000;
  EXPECT_EQ(refusal(cache, alice, o), jose::ErrorKind::expired);
}

TEST_F(JwksCacheTest, ARememberedTokenIsCheckedAgainstOtherOptions) {
  provider_.publish({public_jwk(*key_a_, "a")});
  JwksCache cache(provider_.url());
  const std::string alice = token(*key_a_, "a");
  cache.verify(alice, options());
  jose::VerifyOptions other = options();
  other.audience = "another-server";
  EXPECT_EQ(refusal(cache, alice, other), jose::ErrorKind::wrong_audience);
  other = options();
  other.allowed_algs = {jose::Alg::ES256};
  EXPECT_EQ(refusal(cache, alice, other), jose::ErrorKind::unsupported_algorithm);
}

// The IdP replaces key "a" by another key under the same kid: once the set is refetched, tokens
// signed with the old key are refused, though they verified a moment ago.
TEST_F(JwksCacheTest, ATokenOfAReplacedKeyIsRefusedOnceTheSetIsRefetched) {
  provider_.publish({public_jwk(*key_a_, "a")});
  JwksCacheOptions cache_options;
  cache_options.max_age = 0s;  // every call fetches the set again
  cache_options.min_refetch_interval = 0ms;
  JwksCache cache(provider_.url(), cache_options);
  const std::string alice = token(*key_a_, "a");
  EXPECT_EQ(cache.verify(alice, options()).sub, "u1");
  provider_.publish({public_jwk(*key_b_, "a")});
  EXPECT_EQ(refusal(cache, alice, options()), jose::ErrorKind::bad_signature);
  provider_.publish({public_jwk(*key_b_, "b")});
  EXPECT_EQ(refusal(cache, alice, options()), jose::ErrorKind::unknown_kid);
}

// The bound a removed key is trusted for (docs/reference-servers.md): until the set is older than
// max_age, and while the provider does not answer after that, for max_stale more (60 s unless
// told otherwise); refused at the first fetch that succeeds.
TEST_F(JwksCacheTest, ARemovedKeyIsTrustedUntilTheSetIsRefetchedAndWhileTheProviderIsDown) {
  provider_.publish({public_jwk(*key_a_, "a"), public_jwk(*key_b_, "b")});
  JwksCacheOptions cache_options;
  EXPECT_EQ(cache_options.max_stale, 60s) << "every server that verifies with the cache bounds a stale set by default";
  cache_options.max_age = 1s;
  cache_options.min_refetch_interval = 0ms;
  JwksCache cache(provider_.url(), cache_options);
  const std::string signed_by_a = token(*key_a_, "a");
  EXPECT_EQ(cache.verify(signed_by_a, options()).sub, "u1");
  provider_.publish({public_jwk(*key_b_, "b")});  // key a removed at the provider
  EXPECT_EQ(cache.verify(signed_by_a, options()).sub, "u1") << "trusted until the set is max_age old";
  provider_.set_down(true);
  std::this_thread::sleep_for(1200ms);
  EXPECT_EQ(cache.verify(signed_by_a, options()).sub, "u1") << "the last set is kept while the provider is down";
  provider_.set_down(false);
  EXPECT_EQ(refusal(cache, signed_by_a, options()), jose::ErrorKind::unknown_kid);
  EXPECT_EQ(cache.verify(token(*key_b_, "b"), options()).sub, "u1");
}

TEST_F(JwksCacheTest, WithMaxStaleARemovedKeyIsRefusedOnceTheSetIsThatMuchOlderThanMaxAge) {
  provider_.publish({public_jwk(*key_a_, "a")});
  JwksCacheOptions cache_options;
  cache_options.max_age = 0s;
  cache_options.max_stale = 1s;
  cache_options.min_refetch_interval = 0ms;
  JwksCache cache(provider_.url(), cache_options);
  const std::string signed_by_a = token(*key_a_, "a");
  EXPECT_EQ(cache.verify(signed_by_a, options()).sub, "u1");
  provider_.set_down(true);
  EXPECT_EQ(cache.verify(signed_by_a, options()).sub, "u1") << "kept within max_stale";
  std::this_thread::sleep_for(1200ms);
  EXPECT_THROW(cache.verify(signed_by_a, options()), JwksUnavailable) << "kept beyond max_age + max_stale";
  provider_.set_down(false);
  EXPECT_EQ(cache.verify(signed_by_a, options()).sub, "u1") << "usable again once refetched";
}

TEST_F(JwksCacheTest, ProviderDownBeforeFirstFetchIsJwksUnavailable) {
  provider_.set_down(true);
  JwksCache cache(provider_.url());
  EXPECT_THROW(cache.verify(token(*key_a_, "a"), options()), JwksUnavailable);
  provider_.stop();
  JwksCacheOptions quick;
  quick.http.connect_timeout = 300ms;
  JwksCache unreachable(provider_.url(), quick);
  EXPECT_THROW(unreachable.verify(token(*key_a_, "a"), options()), JwksUnavailable);
}

TEST_F(JwksCacheTest, CachedKeysKeepWorkingWhileTheProviderIsDown) {
  provider_.publish({public_jwk(*key_a_, "a")});
  JwksCacheOptions cache_options;
  cache_options.max_age = 0s;  // every call wants a fresh set
  JwksCache cache(provider_.url(), cache_options);
  cache.verify(token(*key_a_, "a"), options());
  provider_.set_down(true);
  EXPECT_EQ(cache.verify(token(*key_a_, "a"), options()).sub, "u1");
}

TEST_F(JwksCacheTest, ProviderDownIsAskedAtMostOncePerIntervalWhileCachedKeysServe) {
  provider_.publish({public_jwk(*key_a_, "a")});
  const std::string good = token(*key_a_, "a");
  std::vector<std::string> forged;
  for (int i = 0; i < 20; ++i) forged.push_back(token(*key_b_, "forged-" + std::to_string(i)));
  JwksCacheOptions cache_options;
  cache_options.max_age = 0s;  // every call would like a fresh set
  cache_options.min_refetch_interval = 2s;
  JwksCache cache(provider_.url(), cache_options);
  cache.verify(good, options());
  provider_.set_down(true);
  std::this_thread::sleep_for(cache_options.min_refetch_interval + 50ms);
  for (const auto& jwt : forged) {
    EXPECT_EQ(cache.verify(good, options()).sub, "u1");
    EXPECT_THROW(cache.verify(jwt, options()), jose::JoseError);
  }
  EXPECT_EQ(provider_.hits, 2) << "the first fetch, then one failed attempt in the next interval";
}

TEST_F(JwksCacheTest, ColdStartWithTheProviderDownIsNotRetriedWithinTheInterval) {
  provider_.set_down(true);
  JwksCacheOptions cache_options;
  cache_options.min_refetch_interval = 10s;
  JwksCache cache(provider_.url(), cache_options);
  for (int i = 0; i < 20; ++i) {
    try {
      cache.verify(token(*key_a_, "a"), options());
      FAIL() << "verified without keys";
    } catch (const JwksUnavailable& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("answered 503")) << "the last attempt's reason";
    }
  }
  EXPECT_EQ(provider_.hits, 1);
}

// A cold server's first requests arrive together (a client opening 8 connections): all wait
// for the one fetch in flight and verify; none is told the keys are unavailable. Found by
// memory_bench, whose 8 connections got 503 from every server but the one that fetched.
TEST_F(JwksCacheTest, ConcurrentFirstRequestsOfAColdCacheWaitForTheOneFetch) {
  provider_.publish({public_jwk(*key_a_, "a")});
  provider_.delay = 200ms;
  JwksCacheOptions cache_options;
  cache_options.min_refetch_interval = 10s;
  JwksCache cache(provider_.url(), cache_options);
  std::atomic<int> verified{0};
  std::vector<std::string> failures(8);
  std::vector<std::thread> first;
  for (int t = 0; t < 8; ++t) {
    first.emplace_back([&, t] {
      try {
        if (cache.verify(token(*key_a_, "a"), options()).sub == "u1") ++verified;
      } catch (const std::exception& e) {
        failures[static_cast<std::size_t>(t)] = e.what();
      }
    });
  }
  for (auto& thread : first) thread.join();
  EXPECT_EQ(verified, 8) << failures[0] << " | " << failures[7];
  EXPECT_EQ(provider_.hits, 1);
}

TEST_F(JwksCacheTest, ConcurrentForgedKidsShareOneFetchAndKnownKidsDoNotWaitForIt) {
  provider_.publish({public_jwk(*key_a_, "a")});
  JwksCacheOptions cache_options;
  cache_options.min_refetch_interval = 0ms;  // only "one at a time" bounds the fetches here
  JwksCache cache(provider_.url(), cache_options);
  cache.verify(token(*key_a_, "a"), options());
  // A fetch far longer than a verification, so that "waited for it" and "did not" stay apart
  // on a slow, loaded machine.
  provider_.delay = 1000ms;
  std::atomic<int> refused{0};
  std::vector<std::thread> flood;
  for (int t = 0; t < 8; ++t) {
    flood.emplace_back([&, t] {
      try {
        cache.verify(token(*key_b_, "forged-" + std::to_string(t)), options());
      } catch (const jose::JoseError& e) {
        if (e.kind() == jose::ErrorKind::unknown_kid) ++refused;
      }
    });
  }
  std::this_thread::sleep_for(200ms);  // a fetch is now in flight
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(cache.verify(token(*key_a_, "a"), options()).sub, "u1");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms) << "a known kid waited for the fetch";
  for (auto& thread : flood) thread.join();
  EXPECT_EQ(refused, 8);
  // 8 forged kids, at most one fetch at a time, all started together: a handful of fetches,
  // not one per token.
  EXPECT_LE(provider_.hits, 4);
}

}  // namespace
}  // namespace mcph::oidc
