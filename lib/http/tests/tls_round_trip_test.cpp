// HTTPS between lib/http's client and server: a round trip, keep-alive, a large body, and a
// client that refuses a server whose certificate it does not trust.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tls_fixture.h"

namespace mcph::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST_F(TlsTest, RoundTripOverTls) {
  start(server_options());
  EXPECT_THAT(server_->url(), StartsWith("https://127.0.0.1:"));
  Client client(server_->url(), client_options());
  const ClientResponse response = client.get("/who");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "tls=1 verify=NONE dn=");
}

TEST_F(TlsTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start(server_options());
  Client client(server_->url(), client_options());
  const std::string first = client.get("/port").body;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.get("/port").body, first) << "request " << i;
}

TEST_F(TlsTest, LargeBodiesBothWays) {
  ServerOptions options = server_options();
  options.max_body_bytes = 8 * 1024 * 1024;
  start(options);
  std::string body(4 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  Client client(server_->url(), client_options());
  const ClientResponse response = client.post("/echo", body, "application/octet-stream");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.body.size(), body.size());
  EXPECT_TRUE(response.body == body);
  // Over the limit: the same 413 as over plain HTTP.
  const ClientResponse refused = client.post("/echo", body + body + "x", "application/octet-stream");
  EXPECT_EQ(refused.status, 413);
}

TEST_F(TlsTest, ClientRefusesAServerCertificateFromAnotherCa) {
  tls::TestCa foreign(directory_.path(), "foreign CA");
  const tls::CertificateFiles impostor = foreign.issue_server("impostor");
  ServerOptions options = server_options();
  options.tls->certificate_chain_file = impostor.certificate.string();
  options.tls->private_key_file = impostor.private_key.string();
  start(options);
  Client client(server_->url(), client_options());
  try {
    client.get("/who");
    FAIL() << "a server certificate from another CA was trusted";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("the server's certificate is not trusted"));
    EXPECT_THAT(e.what(), HasSubstr("local issuer certificate"));
    EXPECT_THAT(e.what(), Not(HasSubstr("PRIVATE KEY")));
  }
}

TEST_F(TlsTest, ClientRefusesACertificateThatDoesNotNameTheHost) {
  tls::CertificateSpec elsewhere;
  elsewhere.subject = {{"CN", "elsewhere.test"}};
  elsewhere.purpose = tls::Purpose::server;
  elsewhere.dns_names = {"elsewhere.test"};
  const tls::CertificateFiles files = ca_.issue("elsewhere", elsewhere);
  ServerOptions options = server_options();
  options.tls->certificate_chain_file = files.certificate.string();
  options.tls->private_key_file = files.private_key.string();
  start(options);
  Client client(server_->url(), client_options());
  EXPECT_THROW(
      {
        try {
          client.get("/who");
        } catch (const TransportError& e) {
          EXPECT_THAT(e.what(), HasSubstr("does not name 127.0.0.1"));
          throw;
        }
      },
      TransportError);
}

TEST_F(TlsTest, HttpsClientNeedsACaFileAndBothHalvesOfACertificate) {
  ClientOptions without_ca;
  EXPECT_THROW(Client("https://127.0.0.1:1", without_ca), std::invalid_argument);
  ClientOptions half = client_options();
  half.client_certificate_file = server_files_.certificate.string();
  EXPECT_THROW(Client("https://127.0.0.1:1", half), std::invalid_argument);
  ClientOptions mismatched = client_options();
  mismatched.client_certificate_file = server_files_.certificate.string();
  mismatched.client_key_file = ca_.issue_client("other", {{"CN", "other"}}).private_key.string();
  try {
    Client client("https://127.0.0.1:1", mismatched);
    FAIL() << "a certificate with another certificate's key was loaded";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot load the client certificate"));
    EXPECT_THAT(e.what(), Not(HasSubstr("BEGIN")));
  }
}

TEST_F(TlsTest, ServerThatCannotLoadItsKeySaysWhichFile) {
  ServerOptions options = server_options();
  options.tls->private_key_file = (directory_.path() / "missing.key").string();
  Server server(options);
  try {
    server.bind();
    FAIL() << "a server without its key listened";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("missing.key"));
  }
}

}  // namespace
}  // namespace mcph::http
