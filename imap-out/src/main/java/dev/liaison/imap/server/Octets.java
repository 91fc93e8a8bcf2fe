package dev.liaison.imap.server;

import org.apache.james.imap.message.response.FetchResponse.BodyElement;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/**
 * Octets written as they are: a FETCH section under the name James gave it, or (a {@code BodyElement}
 * being a literal) any string sent as a literal.
 */
final class Octets implements BodyElement {

    private final String name;
    private final byte[] octets;

    Octets(String name, byte[] octets) {
        this.name = name;
        this.octets = octets;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public long size() {
        return octets.length;
    }

    @Override
    public InputStream getInputStream() {
        return new ByteArrayInputStream(octets);
    }
}
