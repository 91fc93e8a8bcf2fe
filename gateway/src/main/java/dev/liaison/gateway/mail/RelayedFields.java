package dev.liaison.gateway.mail;

import java.util.Set;

/**
 * The header fields that travel between the two ends of a relationship: a whitelist, because a
 * blacklist always misses the next client's {@code X-Whatever-Originating-Host}. Kept are the
 * fields that describe the message itself (subject, date, threading, MIME structure, priority);
 * dropped is everything that names people, accounts or machines: {@code From}, {@code To},
 * {@code Cc}, {@code Sender}, {@code Reply-To}, trace fields, {@code User-Agent}, signatures,
 * list and receipt fields. The receiving gateway writes {@code From} and {@code To} for its user.
 * A top-level {@code Content-ID} is dropped too: nothing refers to a whole message by it, and
 * clients make it from the machine's host name ({@code <x@dana-laptop.internal>}).
 */
final class RelayedFields {

    private static final Set<String> NAMES = Set.of(
            "subject", "date", "message-id", "in-reply-to", "references",
            "mime-version", "content-type", "content-transfer-encoding", "content-disposition",
            "content-language", "content-description",
            "importance", "priority", "x-priority", "keywords", "comments");

    private RelayedFields() {
    }

    static boolean relayed(HeaderSection.Field field) {
        return NAMES.contains(field.lowerName());
    }
}
