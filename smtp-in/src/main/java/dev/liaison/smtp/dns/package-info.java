/**
 * DNS for sender authentication: one small interface ({@link dev.liaison.smtp.dns.DnsLookup}) that
 * every SPF, DKIM and DMARC question goes through, its production implementation over dnsjava, and
 * the per-message budget that bounds the questions one message may cost.
 */
package dev.liaison.smtp.dns;
