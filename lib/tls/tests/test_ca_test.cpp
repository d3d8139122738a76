// The test CA's certificates say what they were asked to (subject, SANs, validity, issuer), and
// its files are private from the start.
#include <gtest/gtest.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <string>

#include "mcph/proc/temp_dir.h"
#include "mcph/tls/test_ca.h"

namespace mcph::tls {
namespace {

using namespace std::chrono_literals;

struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr load(const std::filesystem::path& file) {
  std::FILE* in = std::fopen(file.c_str(), "r");
  if (in == nullptr) return nullptr;
  X509Ptr certificate(PEM_read_X509(in, nullptr, nullptr, nullptr));
  std::fclose(in);
  return certificate;
}

std::string subject_dn(const X509* certificate) {
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  return text;
}

// X509_V_OK, or the reason `certificate` does not verify against `ca` alone.
int verify(const std::filesystem::path& ca, X509* certificate) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_load_file(store, ca.c_str());
  X509_STORE_CTX* context = X509_STORE_CTX_new();
  X509_STORE_CTX_init(context, store, certificate, nullptr);
  const int result = X509_verify_cert(context) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(context);
  X509_STORE_CTX_free(context);
  X509_STORE_free(store);
  return result;
}

mode_t mode_of(const std::filesystem::path& file) {
  struct stat status {};
  ::stat(file.c_str(), &status);
  return status.st_mode & 0777;
}

TEST(TestCa, WritesEveryFileForItsOwnerAloneWhateverTheUmask) {
  proc::TempDir directory("mcph-test-ca");
  const mode_t old_umask = ::umask(0);
  TestCa ca(directory.path());
  const CertificateFiles server = ca.issue_server("server");
  ::umask(old_umask);
  for (const auto& file : {ca.certificate_file(), server.certificate, server.private_key}) {
    EXPECT_EQ(mode_of(file), 0600u) << file;
  }
}

TEST(TestCa, ClientSubjectInRfc2253FormWithAnEscapedComma) {
  proc::TempDir directory("mcph-test-ca");
  TestCa ca(directory.path());
  const auto files = ca.issue_client("agent", {{"O", "mcph"}, {"OU", "agents"}, {"CN", "Doe, John"}, {"CN", "agent-1"}});
  const X509Ptr certificate = load(files.certificate);
  ASSERT_TRUE(certificate);
  EXPECT_EQ(subject_dn(certificate.get()), "CN=agent-1,CN=Doe\\, John,OU=agents,O=mcph");
  EXPECT_EQ(verify(ca.certificate_file(), certificate.get()), X509_V_OK);
  EXPECT_EQ(X509_check_purpose(certificate.get(), X509_PURPOSE_SSL_CLIENT, 0), 1);
  EXPECT_NE(X509_check_purpose(certificate.get(), X509_PURPOSE_SSL_SERVER, 0), 1);
}

TEST(TestCa, AnEntryJoiningThePreviousMakesAMultiValuedRdn) {
  proc::TempDir directory("mcph-test-ca");
  TestCa ca(directory.path());
  const auto files = ca.issue_client("agent", {{"OU", "y,CN=agent-a"}, {"CN", "agent-b"}, {"CN", "agent-a", true}});
  const X509Ptr certificate = load(files.certificate);
  ASSERT_TRUE(certificate);
  EXPECT_EQ(X509_NAME_entry_count(X509_get_subject_name(certificate.get())), 3);
  EXPECT_EQ(subject_dn(certificate.get()), "CN=agent-b+CN=agent-a,OU=y\\,CN=agent-a");
}

TEST(TestCa, ServerCertificateNamesLoopbackByAddressAndName) {
  proc::TempDir directory("mcph-test-ca");
  TestCa ca(directory.path());
  const X509Ptr certificate = load(ca.issue_server("server").certificate);
  ASSERT_TRUE(certificate);
  EXPECT_EQ(X509_check_ip_asc(certificate.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_host(certificate.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_NE(X509_check_host(certificate.get(), "example.com", 0, 0, nullptr), 1);
  EXPECT_EQ(verify(ca.certificate_file(), certificate.get()), X509_V_OK);
}

TEST(TestCa, UriSanValidityAndIssuerAreTheCallers) {
  proc::TempDir directory("mcph-test-ca");
  TestCa ca(directory.path());
  TestCa foreign(directory.path(), "foreign CA");
  CertificateSpec spiffe;
  spiffe.subject = {{"CN", "workload"}};
  spiffe.uris = {"spiffe://mcph.test/agent/1"};
  const X509Ptr with_uri = load(ca.issue("spiffe", spiffe).certificate);
  ASSERT_TRUE(with_uri);
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(with_uri.get(), NID_subject_alt_name, nullptr, nullptr));
  ASSERT_NE(names, nullptr);
  ASSERT_EQ(sk_GENERAL_NAME_num(names), 1);
  const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, 0);
  ASSERT_EQ(name->type, GEN_URI);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.uniformResourceIdentifier))),
            "spiffe://mcph.test/agent/1");
  GENERAL_NAMES_free(names);

  CertificateSpec expired;
  expired.subject = {{"CN", "old"}};
  expired.not_before = -48h;
  expired.not_after = -24h;
  EXPECT_EQ(verify(ca.certificate_file(), load(ca.issue("expired", expired).certificate).get()),
            X509_V_ERR_CERT_HAS_EXPIRED);
  CertificateSpec early = expired;
  early.not_before = 24h;
  early.not_after = 48h;
  EXPECT_EQ(verify(ca.certificate_file(), load(ca.issue("early", early).certificate).get()),
            X509_V_ERR_CERT_NOT_YET_VALID);
  const X509Ptr other = load(foreign.issue_client("other", {{"CN", "agent-1"}}).certificate);
  EXPECT_EQ(verify(ca.certificate_file(), other.get()), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  EXPECT_EQ(verify(foreign.certificate_file(), other.get()), X509_V_OK);
}

TEST(TestCa, ACaWrittenToChosenFilesIsLoadedAgainToIssueMore) {
  proc::TempDir directory("mcph-test-ca");
  const CertificateFiles files{directory.path() / "agents-ca.pem", directory.path() / "agents-ca.key"};
  { const TestCa made(directory.path(), "agents CA", files); }
  EXPECT_TRUE(std::filesystem::exists(files.certificate));
  EXPECT_FALSE(std::filesystem::exists(directory.path() / "agents_CA.crt"));
  const TestCa loaded = TestCa::load(directory.path(), files);
  EXPECT_EQ(loaded.common_name(), "agents CA");
  const auto certificate = load(loaded.issue_client("agent-b", {{"CN", "agent-b"}}).certificate);
  EXPECT_EQ(verify(files.certificate, certificate.get()), X509_V_OK) << "signed by the CA the files hold";

  const TestCa stranger(directory.path(), "stranger");
  EXPECT_THROW(TestCa::load(directory.path(), {files.certificate, directory.path() / "missing.key"}), std::runtime_error);
  EXPECT_THROW(TestCa::load(directory.path(), {files.private_key, files.private_key}), std::runtime_error)
      << "a key is not a certificate";
}

TEST(TestCa, RsaKeysOnRequest) {
  proc::TempDir directory("mcph-test-ca");
  TestCa ca(directory.path());
  CertificateSpec spec;
  spec.subject = {{"CN", "rsa"}};
  spec.key = KeyKind::rsa_2048;
  const X509Ptr certificate = load(ca.issue("rsa", spec).certificate);
  ASSERT_TRUE(certificate);
  EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(certificate.get())), EVP_PKEY_RSA);
  EXPECT_EQ(verify(ca.certificate_file(), certificate.get()), X509_V_OK);
}

}  // namespace
}  // namespace mcph::tls
