/**
 * Sender authentication for the inbound MX: SPF (RFC 7208, with Apache James jSPF), DKIM (RFC 6376,
 * with Apache James jDKIM) and DMARC (RFC 7489, here), every DNS question through
 * {@link dev.liaison.smtp.dns.DnsLookup}. Not to be confused with SMTP AUTH (package
 * {@code dev.liaison.smtp.auth}), which identifies submitting users.
 */
package dev.liaison.smtp.authentication;
