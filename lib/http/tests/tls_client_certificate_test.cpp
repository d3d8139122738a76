// Client certificates as a handler sees them (Request::client_certificate) in each verification
// mode: verified with its subject DN, none, and refused or reported unverified (another CA,
// expired).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tls_fixture.h"

namespace mcph::http {
namespace {

using namespace std::chrono_literals;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

class TlsClientCertificateTest : public TlsTest {
 protected:
  tls::CertificateFiles agent() const {
    return ca_.issue_client("agent", {{"O", "mcph"}, {"OU", "agents"}, {"CN", "Doe, John"}, {"CN", "agent-1"}});
  }
  tls::CertificateFiles expired() const {
    tls::CertificateSpec spec;
    spec.subject = {{"CN", "old-agent"}};
    spec.not_before = -48h;
    spec.not_after = -24h;
    return ca_.issue("expired", spec);
  }
  tls::CertificateFiles foreign() const {
    const tls::TestCa other(directory_.path(), "foreign CA");
    return other.issue_client("foreign", {{"CN", "agent-1"}});
  }
  // The TransportError's message of a GET /who with this certificate, or "" when it was served.
  std::string refusal(const tls::CertificateFiles* certificate) {
    Client client(server_->url(), client_options(certificate));
    try {
      client.get("/who");
      return "";
    } catch (const TransportError& e) {
      return e.what();
    }
  }
};

TEST_F(TlsClientCertificateTest, VerifiedCertificateDnReachesTheHandler) {
  start(server_options(ClientVerification::required));
  const tls::CertificateFiles files = agent();
  Client client(server_->url(), client_options(&files));
  EXPECT_EQ(client.get("/who").body, "tls=1 verify=SUCCESS dn=CN=agent-1,CN=Doe\\, John,OU=agents,O=mcph");
}

TEST_F(TlsClientCertificateTest, OptionalModeWithoutACertificateServesWithNone) {
  start(server_options(ClientVerification::optional));
  Client client(server_->url(), client_options());
  EXPECT_EQ(client.get("/who").body, "tls=1 verify=NONE dn=");
  const tls::CertificateFiles files = agent();
  Client with_certificate(server_->url(), client_options(&files));
  EXPECT_THAT(with_certificate.get("/who").body, HasSubstr("verify=SUCCESS dn=CN=agent-1,"));
}

TEST_F(TlsClientCertificateTest, OptionalModeReportsAForeignOrExpiredCertificateUnverifiedWithTheReason) {
  start(server_options(ClientVerification::optional));
  const tls::CertificateFiles other = foreign();
  Client from_foreign(server_->url(), client_options(&other));
  EXPECT_EQ(from_foreign.get("/who").body,
            "tls=1 verify=FAILED:unable to get local issuer certificate dn=CN=agent-1");
  const tls::CertificateFiles old = expired();
  Client from_expired(server_->url(), client_options(&old));
  EXPECT_EQ(from_expired.get("/who").body, "tls=1 verify=FAILED:certificate has expired dn=CN=old-agent");
}

TEST_F(TlsClientCertificateTest, RequiredModeRefusesForeignExpiredAndMissingCertificates) {
  ServerOptions options = server_options(ClientVerification::required);
  options.access_log = true;
  start(options);
  const tls::CertificateFiles other = foreign();
  const tls::CertificateFiles old = expired();
  ::testing::internal::CaptureStderr();
  const std::string foreign_refusal = refusal(&other);
  const std::string expired_refusal = refusal(&old);
  const std::string missing_refusal = refusal(nullptr);
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(foreign_refusal, HasSubstr("the server refused the client certificate"));
  EXPECT_THAT(expired_refusal, HasSubstr("the server refused the client certificate"));
  EXPECT_THAT(missing_refusal, HasSubstr("the server refused the client certificate"));
  // One line each, saying why, and no key material.
  EXPECT_THAT(log, AllOf(HasSubstr("[tls] TLS handshake with 127.0.0.1:"),
                         HasSubstr("failed: the client certificate is not trusted (unable to get local issuer"),
                         HasSubstr("failed: the client certificate is not trusted (certificate has expired)"),
                         HasSubstr("failed: the client presented no certificate, and one is required"),
                         Not(HasSubstr("PRIVATE"))));
  // The server goes on serving.
  const tls::CertificateFiles files = agent();
  Client client(server_->url(), client_options(&files));
  EXPECT_EQ(client.get("/who").status, 200);
}

TEST_F(TlsClientCertificateTest, VerificationWithoutClientCasIsRefused) {
  ServerOptions options = server_options(ClientVerification::required);
  options.tls->client_ca_file.clear();
  Server server(options);
  EXPECT_THROW(server.bind(), std::runtime_error);
}

}  // namespace
}  // namespace mcph::http
