#pragma once
// PEM keys made for these tests with the openssl command-line tool (throwaway keys, never used
// anywhere else), in the formats Key::from_pem must accept or refuse.
#include <string_view>

namespace mcph::jose::fixtures {

// `openssl ecparam -name prime256v1 -genkey`: EC PARAMETERS, then EC PRIVATE KEY.
inline constexpr std::string_view kEcTraditionalPem =
    "-----BEGIN EC PARAMETERS-----\n"
    "BggqhkjOPQMBBw==\n"
    "-----END EC PARAMETERS-----\n"
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIDRTzcKd51FA5AQpWVNzVfeAuihQN4nYYGri6bRkahfXoAoGCCqGSM49\n"
    "AwEHoUQDQgAEWxWpm7XnPoca/MpyK7GHcZbE/WkTsfVY92d+Ytb0vXoAsqCPZ+Xj\n"
    "MdUzGUhb7PR5upeBY/m+s0flVyRQe5F8lw==\n"
    "-----END EC PRIVATE KEY-----\n";

// `openssl pkey -traditional`: PKCS#1 RSA PRIVATE KEY, 2048 bits.
inline constexpr std::string_view kRsaTraditionalPem =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAoPHJlymgykSi33//9w4ANlyK+pp+T7ZmjgLU1crxrXwpBObs\n"
    "7u8NzZwVKomKgB/+9qw7Kg0os8/9tZ3nHWCD/QdC5DGkHUCVZcNV5m/Dvf10bMg3\n"
    "YT3UobdT2UZcFONvuZ7ovIVXMetuTehDZvk6nqA1Vy2yINMWJ+nvn4hW9AQJ1Odh\n"
    "MBQupS2aJE/TVeQ7dPnSscJy99HVTlCRLvqT06xRQ1vEaUnEbcnLeG3gpVHt8EBW\n"
    "C1NlQpWIfi6Dk62NRiu7MF4IlJT30y8Mc/p15lFZyQE/aB62BxDM8uw/fcwDq4QE\n"
    "2tMSwXYkPbiV/Wq/mBVQMBkHdheMLBxhRD58KwIDAQABAoIBADUdtxdRYMSAhHRY\n"
    "rSRfFYjbX+63ICq0mwIRQybP1JUZ3fvFLrroYFjUQ1QHkpMYfC/yxY/qSd2WLjhL\n"
    "RaQ3XzgZtmTTUUNqNiQgpG/pwOMqC8t/BG/uVQeOFnkltGwcZ5oOLOdS5mUOOxgx\n"
    "KFWKuWLyosgDx773i19e4Ht5JqFfUVizC3UWVeYDLOgGijamlRHW8UXM98hO8HKB\n"
    "23G2Bs5YGl9dmLJkJMHDl6dTTMY0srDMZ7fvKW1R/HG5t7ZMqY2POamGGvZkh+uL\n"
    "tnjKrXPMHJOjJV1YZtLVjwPPlGoLJLypoGM6kfzLiyTXoSXS+NMHaGwHcqH7z1M9\n"
    "EWwzn0kCgYEA3T9mkhB6txpq2T8uh7j7mLxH/lZjptNHiTrp48vmqjBwby6xCouC\n"
    "aTJbnqe1ZmgWs9hdzYRWBmTA3gbvX/TjeRFkx7NVpzwOj4E9+lljjjgOkrvsDH3v\n"
    "TyehAO1cDb/JBtdZmXWf5CuOZkWjkakBOupGokag8c0Ig/XoF5Hhr0cCgYEAujmI\n"
    "ehei5oADSLvmbqs1gG19Im4RemBr8NnKtyUcZ51+mxVFWaz1EKqsJKlLqxeQUR7F\n"
    "tOV0Ng/wdaIsewFFn9slYzwUaWNrjEnlx2zAwQrh5VGRp2wTZV3pSHXtRQcIb0vw\n"
    "+p+9uCaO3da4Hde7EnxOfZShZWfumQ9FaBypJf0CgYBSsk/0aJR1vDoT2bnaoRnp\n"
    "jPab6k51HKOwd4TU0HH3SwO7iwhBmMO17kywkJ8NF/rkXgsxtjUxTpeIZa8zfqVH\n"
    "q2iv/CgXyirnGLfBy4easPlBf1xLjwbT30wevJmbygOpuvSSl5ScBGvFbmIlH7aF\n"
    "/utH3H5r4uc7675EkRJ6IQKBgHMp+0WN8nbbeax0Tzfnd0m57CXrrbFhib9D4MJM\n"
    "F/nYAyDDEcU4WcF52sU9UQc4pk4UWq3ZLHn2d3030owrKDSIoOFymSjni+4RESG4\n"
    "FqgLI9HeFNZV1tTcM9VU4GvMwqGZdCh5uyjz52w3SltiO1VePGgbD4iXso1DTWfq\n"
    "OYy9AoGBAKs3NO2nDhzH+ErEeOFW9J/EfO57jk0tb4OiEO1xsYwe2+KxhVuUReQX\n"
    "V8RE38U0igwsCw+Bvzbf0GWGeQ0tdWI9Tw7mzvgWzviMfz41NHrFSsYyQYpMElMs\n"
    "4L6G+7ecwmwFPlPH+hRRguFRAQ6V9XpPgqI4GyBAEJ4S4ieAeD75\n"
    "-----END RSA PRIVATE KEY-----\n";

// A 1024-bit RSA public key: too short for RS256 (RFC 7518 §3.3).
inline constexpr std::string_view kRsa1024PublicPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC/0c8Wa+p5q/bMqCq5enLOhcj8\n"
    "Q3cCFJ1PNVDmzB+fewYydHKmDf+YGRn8FlelKu+fvmsWfQdXWyElFeoYxhuB8Euo\n"
    "MgxwvCQCQi99ncWMBrOEiPaJyAVfy4w/NKj3QNjxlEzh2m8fdfwNoOR6W1qDHsv1\n"
    "nnAONSc2WZbJgybdbQIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

// An Ed25519 public key: a key type this library does not support.
inline constexpr std::string_view kEd25519PublicPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAB0zkNXfQRa92in2dolNddY0DEsInGQFbt/6iCrm7+WE=\n"
    "-----END PUBLIC KEY-----\n";

// An EC P-384 public key: a curve this library does not support.
inline constexpr std::string_view kP384PublicPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEBybmHcrT83BHq43ciZCQpZMgVSMVd9wl\n"
    "uWsnDRXKE9cE4QoeSspM8X08SifZPb4X85tctmFyXeeQFmK8bH4fuWHBi/I19J7j\n"
    "RSwZhAbmPPLIlyJxhYaD88dyQD+Oeff4\n"
    "-----END PUBLIC KEY-----\n";

// A P-256 key in encrypted PKCS#8 (password "secret"): refused, never prompted for.
inline constexpr std::string_view kEncryptedPkcs8Pem =
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
    "MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAiUi6GzvV8ynwICCAAw\n"
    "DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEKGrV8YgIAwIe3i6ibWt2SgEgZC5\n"
    "g1Oz14zXuh1bfXXObLeRnBLU7weI/UUwuLhfVgdmc6UvqoN3BpKJyO4aZj6osmUZ\n"
    "BWuDX/Y/uXn0P6fBcBLqo6HnW40y6iooQru4aEVwR6rN4B9nGfAwGIzkKBjotXYT\n"
    "uausQ/F4bAzBzG1agjzkuOXfbWCNsb7DkjxhaBQSW5rXWX6zN01RoK6Yv5IhgOs=\n"
    "-----END ENCRYPTED PRIVATE KEY-----\n";

}  // namespace mcph::jose::fixtures
