package dev.liaison.gateway.legacy.delivery;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

/** Apache jDKIM's verifier with the key served from memory, as if published under its selector. */
final class JdkimVerifier {

    private JdkimVerifier() {
    }

    static boolean verify(byte[] message, DkimKey key, String domain) {
        PublicKeyRecordRetriever published = (method, selector, token) -> {
            if (!selector.toString().equals(key.selector()) || !token.toString().equals(domain)) {
                throw new PermFailException("no key published for " + selector + "._domainkey." + token);
            }
            return List.of(key.record());
        };
        try {
            List<SignatureRecord> passed = new DKIMVerifier(published).verify(new ByteArrayInputStream(message));
            return passed != null && !passed.isEmpty();
        } catch (FailException e) {
            return false;
        } catch (IOException e) {
            throw new AssertionError("reading a message from memory failed", e);
        }
    }
}
