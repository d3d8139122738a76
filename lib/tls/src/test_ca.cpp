#include "mcph/tls/test_ca.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <memory>
#include <stdexcept>

#include "mcph/jose/key.h"
#include "mcph/openssl/owned.h"
#include "mcph/openssl/reasons.h"
#include "mcph/proc/private_file.h"

namespace mcph::tls {
namespace {

using openssl::Free;
using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Free<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, Free<BN_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION_free>>;

// OpenSSL's reasons for the last failure (its error queue, drained): names of what went wrong,
// never key material.
[[noreturn]] void fail(const std::string& what) {
  const std::string reasons = openssl::take_reasons();
  throw std::runtime_error("test CA: " + what + (reasons.empty() ? "" : " (" + reasons + ")"));
}

std::string pem_of(const X509* certificate) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1) fail("cannot write a certificate as PEM");
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

std::string file_stem(const std::string& name) {
  std::string stem;
  for (const char c : name) stem += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return stem.empty() ? "ca" : stem;
}

void add_extension(X509* certificate, X509V3_CTX& context, int nid, const std::string& value) {
  ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
  if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1) {
    fail(std::string("cannot add the extension ") + OBJ_nid2sn(nid) + " = " + value);
  }
}

std::string subject_alt_names(const CertificateSpec& spec) {
  std::string names;
  const auto add = [&](const char* kind, const std::string& value) {
    names += (names.empty() ? "" : ",") + std::string(kind) + ":" + value;
  };
  for (const auto& name : spec.dns_names) add("DNS", name);
  for (const auto& address : spec.ip_addresses) add("IP", address);
  for (const auto& uri : spec.uris) add("URI", uri);
  return names;
}

// A certificate for `key`, signed by `issuer_key` as `issuer` (itself when null: a CA's own).
X509Ptr make_certificate(const std::vector<NameEntry>& subject, const jose::Key& key, const X509* issuer,
                         const jose::Key& issuer_key, std::chrono::seconds not_before,
                         std::chrono::seconds not_after, const CertificateSpec* leaf) {
  X509Ptr certificate(X509_new());
  if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1) fail("cannot make a certificate");
  BignumPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())) == nullptr) {
    fail("cannot draw a serial number");
  }
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), static_cast<long>(not_before.count()));
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), static_cast<long>(not_after.count()));
  X509_NAME* name = X509_get_subject_name(certificate.get());
  for (const auto& entry : subject) {
    const auto* value = reinterpret_cast<const unsigned char*>(entry.value.c_str());
    if (X509_NAME_add_entry_by_txt(name, entry.field.c_str(), MBSTRING_UTF8, value, -1, -1,
                                   entry.joins_previous ? -1 : 0) != 1) {
      fail("cannot add " + entry.field + " to a subject");
    }
  }
  const X509* signer = issuer != nullptr ? issuer : certificate.get();
  if (X509_set_issuer_name(certificate.get(), X509_get_subject_name(signer)) != 1 ||
      X509_set_pubkey(certificate.get(), key.evp()) != 1) {
    fail("cannot set a certificate's issuer or key");
  }
  X509V3_CTX context;
  X509V3_set_ctx(&context, const_cast<X509*>(signer), certificate.get(), nullptr, nullptr, 0);
  add_extension(certificate.get(), context, NID_subject_key_identifier, "hash");
  add_extension(certificate.get(), context, NID_authority_key_identifier, "keyid:always");
  if (leaf == nullptr) {
    add_extension(certificate.get(), context, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(certificate.get(), context, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(certificate.get(), context, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(certificate.get(), context, NID_key_usage,
                  leaf->key == KeyKind::rsa_2048 ? "critical,digitalSignature,keyEncipherment"
                                                 : "critical,digitalSignature");
    add_extension(certificate.get(), context, NID_ext_key_usage,
                  leaf->purpose == Purpose::server ? "serverAuth" : "clientAuth");
    if (const std::string names = subject_alt_names(*leaf); !names.empty()) {
      add_extension(certificate.get(), context, NID_subject_alt_name, names);
    }
  }
  if (X509_sign(certificate.get(), issuer_key.evp(), EVP_sha256()) <= 0) fail("cannot sign a certificate");
  return certificate;
}

}  // namespace

struct TestCa::Impl {
  std::filesystem::path directory;
  std::string common_name;
  jose::Key key = jose::Key::generate_ec_p256();
  X509Ptr certificate;
  std::filesystem::path certificate_file;
};

TestCa::TestCa(std::filesystem::path directory, std::string common_name) : impl_(std::make_unique<Impl>()) {
  impl_->directory = std::move(directory);
  impl_->common_name = std::move(common_name);
  // Valid from a day ago: a clock a little behind does not make every certificate "not yet valid".
  impl_->certificate = make_certificate({{"O", "mcp-harness tests"}, {"CN", impl_->common_name}}, impl_->key,
                                        nullptr, impl_->key, -std::chrono::hours(24),
                                        std::chrono::hours(24 * 365), nullptr);
  const std::string stem = file_stem(impl_->common_name);
  impl_->certificate_file = impl_->directory / (stem + ".crt");
  proc::write_private_file(impl_->certificate_file, pem_of(impl_->certificate.get()));
  proc::write_private_file(impl_->directory / (stem + ".key"), impl_->key.private_pem());
}

TestCa::TestCa(std::filesystem::path directory, std::string common_name, const CertificateFiles& files)
    : TestCa(std::move(directory), std::move(common_name)) {
  const std::string stem = file_stem(impl_->common_name);
  std::filesystem::rename(impl_->certificate_file, files.certificate);
  std::filesystem::rename(impl_->directory / (stem + ".key"), files.private_key);
  impl_->certificate_file = files.certificate;
}

TestCa TestCa::load(std::filesystem::path directory, const CertificateFiles& files) {
  const auto read = [](const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("test CA: cannot read " + path.string());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  const std::string certificate_pem = read(files.certificate);
  BioPtr bio(BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())));
  X509Ptr certificate(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!certificate) fail(files.certificate.string() + " is not a PEM certificate");
  jose::Key key = [&] {
    try {
      return jose::Key::from_pem(read(files.private_key));
    } catch (const std::exception&) {
      throw std::runtime_error("test CA: " + files.private_key.string() + " is not a PEM private key");
    }
  }();
  if (!key.has_private()) throw std::runtime_error("test CA: " + files.private_key.string() + " holds no private key");
  char name[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(certificate.get()), NID_commonName, name, sizeof name);
  TestCa ca;
  ca.impl_ = std::make_unique<Impl>(Impl{std::move(directory), name, std::move(key), std::move(certificate), files.certificate});
  return ca;
}

TestCa::~TestCa() = default;
TestCa::TestCa(TestCa&&) noexcept = default;
TestCa& TestCa::operator=(TestCa&&) noexcept = default;

const std::filesystem::path& TestCa::certificate_file() const { return impl_->certificate_file; }
const std::string& TestCa::common_name() const { return impl_->common_name; }

CertificateFiles TestCa::issue(const std::string& stem, const CertificateSpec& spec) const {
  const jose::Key key = spec.key == KeyKind::rsa_2048 ? jose::Key::generate_rsa(2048) : jose::Key::generate_ec_p256();
  const X509Ptr certificate = make_certificate(spec.subject, key, impl_->certificate.get(), impl_->key,
                                               spec.not_before, spec.not_after, &spec);
  CertificateFiles files{impl_->directory / (stem + ".crt"), impl_->directory / (stem + ".key")};
  proc::write_private_file(files.certificate, pem_of(certificate.get()));
  proc::write_private_file(files.private_key, key.private_pem());
  return files;
}

CertificateFiles TestCa::issue_server(const std::string& stem) const {
  CertificateSpec spec;
  spec.subject = {{"CN", "localhost"}};
  spec.purpose = Purpose::server;
  spec.dns_names = {"localhost"};
  spec.ip_addresses = {"127.0.0.1"};
  return issue(stem, spec);
}

CertificateFiles TestCa::issue_client(const std::string& stem, std::vector<NameEntry> subject) const {
  CertificateSpec spec;
  spec.subject = std::move(subject);
  return issue(stem, spec);
}

}  // namespace mcph::tls
