package dev.liaison.smtp.dns;

/** The record types sender authentication reads (RFC 7208 §5, RFC 6376 §3.6.2, RFC 7489 §6.1). */
public enum DnsRecordType {
    /** IPv4 addresses, as dotted quads. */
    A,
    /** IPv6 addresses, in {@code InetAddress#getHostAddress()} form. */
    AAAA,
    /** Mail exchanger host names (the preferences are not needed by SPF and are dropped). */
    MX,
    /** Host names of a reverse ({@code in-addr.arpa} / {@code ip6.arpa}) name. */
    PTR,
    /** Text records, each with its character-strings joined (RFC 7208 §3.3, RFC 6376 §3.6.2.2). */
    TXT
}
