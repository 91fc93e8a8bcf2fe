package dev.liaison.gateway.ratchet;

import dev.liaison.gateway.primitive.Agreement;
import dev.liaison.gateway.primitive.AgreementKeyPair;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.primitive.SeededEntropy;
import dev.liaison.gateway.wire.Bytes;

/** Two freshly initialised ends of a session, from secrets a key agreement would produce. */
final class RatchetPair {
    final Ratchet ratchet;
    RatchetState alice;
    RatchetState bob;

    RatchetPair(String seed, int maxSkipped) throws InvalidRatchetKeyException {
        Entropy entropy = new SeededEntropy(seed);
        ratchet = new Ratchet(entropy, maxSkipped);
        SessionSecrets secrets = new SessionSecrets(Bytes.of(entropy.bytes(32)), Bytes.of(entropy.bytes(32)),
                Bytes.of(entropy.bytes(32)), Bytes.of(entropy.bytes(32)));
        AgreementKeyPair bobRatchetKey = Agreement.generate(entropy);
        alice = ratchet.initiate(secrets, bobRatchetKey.publicKey());
        bob = ratchet.respond(secrets, bobRatchetKey);
    }

    Bytes aliceSends(String text) {
        SealedMessage sealed = ratchet.seal(alice, text.getBytes());
        alice = sealed.state();
        return sealed.message();
    }

    Bytes bobSends(String text) {
        SealedMessage sealed = ratchet.seal(bob, text.getBytes());
        bob = sealed.state();
        return sealed.message();
    }

    String bobReceives(Bytes message) throws RatchetException {
        OpenedMessage opened = ratchet.open(bob, message.toByteArray());
        bob = opened.state();
        return new String(opened.plaintext().toByteArray());
    }

    String aliceReceives(Bytes message) throws RatchetException {
        OpenedMessage opened = ratchet.open(alice, message.toByteArray());
        alice = opened.state();
        return new String(opened.plaintext().toByteArray());
    }
}
