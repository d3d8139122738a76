// The audit devices' HMAC: the standard HMAC-SHA256, the same from every request thread.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "audit_log.h"

namespace mcph::mock_vault {
namespace {

// The well-known HMAC-SHA256 vector (key "key").
constexpr const char* kFox = "The quick brown fox jumps over the lazy dog";
constexpr const char* kFoxHmac = "hmac-sha256:f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";

TEST(AuditSalt, IsHmacSha256OfItsKey) {
  const AuditSalt salt("key");
  EXPECT_EQ(salt.hmac(kFox), kFoxHmac);
  EXPECT_EQ(salt.hmac(kFox), kFoxHmac) << "a second use differs from the first";
  EXPECT_EQ(salt.hmac(""), "hmac-sha256:5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0");
}

// Vault's request threads share a device's salt.
TEST(AuditSalt, ThreadsSharingOneSaltGetTheSameHmacs) {
  const AuditSalt salt("key");
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&salt, &wrong, t] {
      for (int i = 0; i < 2000; ++i) {
        if (salt.hmac(kFox) != kFoxHmac) ++wrong[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(wrong[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace mcph::mock_vault
