#pragma once
// Owning pointers to OpenSSL's objects: std::unique_ptr with the object's own free function,
// e.g. std::unique_ptr<X509, openssl::Free<X509_free>>.
namespace mcph::openssl {

template <auto free_function>
struct Free {
  template <typename T>
  void operator()(T* object) const {
    free_function(object);
  }
};

}  // namespace mcph::openssl
