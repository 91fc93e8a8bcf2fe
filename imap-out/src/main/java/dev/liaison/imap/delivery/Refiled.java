package dev.liaison.imap.delivery;

import java.util.Objects;

/**
 * A message a user moved or copied between two of their folders.
 *
 * @param owner  the user's login
 * @param from   the folder it came from
 * @param to     the folder it is in now
 * @param header its header section as stored (the octets before the body)
 */
public record Refiled(String owner, String from, String to, byte[] header) {

    public Refiled {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(header, "header");
    }
}
