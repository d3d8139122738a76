"""The agent a client certificate names: the one CN of the subject nginx verified, as its
$ssl_client_s_dn gives it (RFC 4514: escapes, '+' between the attributes of one RDN), parsed with
cryptography's own reader, never split by hand."""
from cryptography import x509
from cryptography.x509.oid import NameOID


class NoSingleCommonName(ValueError):
    pass


def common_name(subject_dn: str) -> str:
    try:
        name = x509.Name.from_rfc4514_string(subject_dn)
    except ValueError as error:
        raise NoSingleCommonName(f"unreadable subject: {error}") from None
    names = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if len(names) != 1 or not isinstance(names[0].value, str) or not names[0].value:
        raise NoSingleCommonName(f"the subject has {len(names)} CNs, not one")
    return names[0].value
