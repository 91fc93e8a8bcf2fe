package dev.liaison.gateway.identity;

import dev.liaison.gateway.primitive.Agreement;
import dev.liaison.gateway.primitive.AgreementKeyPair;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.primitive.SigningKeyPair;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireReader;
import dev.liaison.gateway.wire.WireWriter;

/**
 * One end's private identity in one relationship. There is deliberately no way to derive it from
 * a user-wide key: a fresh pair per relationship is what keeps two relationships of the same user
 * unlinkable by their correspondents.
 */
public record RelationshipIdentity(SigningKeyPair signing, AgreementKeyPair agreement) {
    public static final int ENCODED_LENGTH = 128;

    public static RelationshipIdentity generate(Entropy entropy) {
        return new RelationshipIdentity(Signing.generate(entropy), Agreement.generate(entropy));
    }

    public PublicIdentity publicIdentity() {
        return new PublicIdentity(signing.publicKey(), agreement.publicKey());
    }

    /** Signing private, signing public, agreement private, agreement public: 4 × 32 bytes. */
    public void writeTo(WireWriter writer) {
        writer.bytes(signing.privateKey()).bytes(signing.publicKey())
                .bytes(agreement.privateKey()).bytes(agreement.publicKey());
    }

    public static RelationshipIdentity readFrom(WireReader reader) {
        Bytes signingPrivate = reader.fixed(32, "signing private key");
        Bytes signingPublic = reader.fixed(32, "signing public key");
        Bytes agreementPrivate = reader.fixed(32, "agreement private key");
        Bytes agreementPublic = reader.fixed(32, "agreement public key");
        return new RelationshipIdentity(new SigningKeyPair(signingPrivate, signingPublic),
                new AgreementKeyPair(agreementPrivate, agreementPublic));
    }
}
