#pragma once
// A certificate authority for tests, made with OpenSSL's API in process: a CA, server
// certificates for loopback, and client certificates whose subject, SANs, validity and issuer
// the test chooses. Every file it writes (certificates and keys) is its owner's alone (0600)
// from the moment it exists. Keys are EC P-256 unless a certificate asks for RSA.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace mcph::tls {

// One attribute of a distinguished name, e.g. {"CN", "agent-1"}, {"OU", "agents"}, {"O", "mcph"}.
// Entries go into the name in the order given; OpenSSL's RFC 2253 form lists them reversed
// ("CN=agent-1,OU=agents,O=mcph" for O, OU, CN) and escapes what needs it ("CN=Doe\, John").
// An entry with `joins_previous` is another attribute of the previous entry's RDN, a
// multi-valued RDN ("CN=agent-b+CN=agent-a" in RFC 2253).
struct NameEntry {
  std::string field;
  std::string value;
  bool joins_previous = false;
};

enum class KeyKind { ec_p256, rsa_2048 };
enum class Purpose { server, client };  // the extended key usage: serverAuth or clientAuth

struct CertificateSpec {
  std::vector<NameEntry> subject;
  Purpose purpose = Purpose::client;
  // Subject alternative names.
  std::vector<std::string> dns_names;     // "localhost"
  std::vector<std::string> ip_addresses;  // "127.0.0.1"
  std::vector<std::string> uris;          // "spiffe://mcph.test/agent/1"
  // Validity, relative to now: the default is valid from an hour ago for a day. An expired one:
  // {-48h, -24h}; one not valid yet: {+24h, +48h}.
  std::chrono::seconds not_before{-std::chrono::hours(1)};
  std::chrono::seconds not_after{std::chrono::hours(24)};
  KeyKind key = KeyKind::ec_p256;
};

// Where an issued certificate went: its PEM certificate and its PEM (PKCS#8) private key.
struct CertificateFiles {
  std::filesystem::path certificate;
  std::filesystem::path private_key;
};

class TestCa {
 public:
  // A new self-signed CA named `common_name`, its certificate and key written to
  // <directory>/<stem>.crt and <stem>.key (stem: the name's letters and digits). The directory
  // must exist. Throws std::runtime_error naming what failed (never key material).
  TestCa(std::filesystem::path directory, std::string common_name = "mcph test CA");
  // The same, its certificate and key written to `files` instead.
  TestCa(std::filesystem::path directory, std::string common_name, const CertificateFiles& files);
  // A CA made before (its PEM certificate and PEM private key, as this class writes them), to
  // issue more certificates into `directory`: a stack's agents' CA, minting a client certificate
  // when a step needs one. Throws std::runtime_error naming the file that is missing or not
  // such a PEM (never its content).
  static TestCa load(std::filesystem::path directory, const CertificateFiles& files);
  ~TestCa();
  TestCa(TestCa&&) noexcept;
  TestCa& operator=(TestCa&&) noexcept;

  // The CA's certificate: what a client trusts (ClientOptions::ca_file) or a server accepts
  // client certificates from (TlsOptions::client_ca_file).
  const std::filesystem::path& certificate_file() const;
  const std::string& common_name() const;

  // A certificate this CA signs, written to <directory>/<stem>.crt and <stem>.key.
  CertificateFiles issue(const std::string& stem, const CertificateSpec& spec) const;
  // A server certificate for 127.0.0.1 and localhost (SAN IP and DNS), CN=localhost.
  CertificateFiles issue_server(const std::string& stem) const;
  // A client certificate with this subject and no SANs, valid now.
  CertificateFiles issue_client(const std::string& stem, std::vector<NameEntry> subject) const;

 private:
  TestCa() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcph::tls
