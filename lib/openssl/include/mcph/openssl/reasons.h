#pragma once
// OpenSSL's reasons for the last failure, in words, for error messages: the calling thread's
// error queue drained, each reason once, the first first, joined by "; ". Names of what went
// wrong ("certificate verify failed"), never key material. "" when the queue was empty.
#include <string>

namespace mcph::openssl {

std::string take_reasons();

}  // namespace mcph::openssl
