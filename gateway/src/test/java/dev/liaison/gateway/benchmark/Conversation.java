package dev.liaison.gateway.benchmark;

import dev.liaison.gateway.address.AddressDiversifier;
import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.address.RootAddress;
import dev.liaison.gateway.address.ServiceKeyRing;
import dev.liaison.gateway.address.SignedAddress;
import dev.liaison.gateway.address.SignerDirectory;
import dev.liaison.gateway.invitation.Acceptance;
import dev.liaison.gateway.invitation.AcceptorProfile;
import dev.liaison.gateway.invitation.Completion;
import dev.liaison.gateway.invitation.InvitationAcceptor;
import dev.liaison.gateway.invitation.InvitationIssuer;
import dev.liaison.gateway.invitation.PendingInvitation;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.primitive.SigningKeyPair;
import dev.liaison.gateway.ratchet.Ratchet;
import dev.liaison.gateway.ratchet.RatchetState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Two parties with receiving services and an established session, made with real entropy. */
final class Conversation {
    static final Instant NOW = Instant.now();

    final Entropy entropy = Entropy.system();
    final Ratchet ratchet = new Ratchet(entropy);
    final AddressDiversifier diversifier = new AddressDiversifier(entropy);
    final ServiceKeyRing blairService = ServiceKeyRing.create(entropy);
    final ServiceKeyRing alexService = ServiceKeyRing.create(entropy);
    final RootAddress blairRoot = RootAddress.generate(entropy);
    final SigningKeyPair blairAddressKey = Signing.generate(entropy);
    final SignedAddress blairAddress;
    final DeliveryRoute blairRoute;
    final DeliveryRoute alexRoute;
    final SignerDirectory blairDirectory = root -> List.of(blairAddressKey.publicKey());
    RatchetState alex;
    RatchetState blair;

    Conversation() throws Exception {
        blairAddress = diversifier.forRecipient(blairRoot, blairService.currentKey(), blairAddressKey,
                NOW.plus(Duration.ofDays(30)));
        blairRoute = new DeliveryRoute("https://rs.blair.example/c", blairService.currentKey(), List.of(blairAddress));
        SignedAddress alexAddress = diversifier.forRecipient(RootAddress.generate(entropy), alexService.currentKey(),
                Signing.generate(entropy), NOW.plus(Duration.ofDays(30)));
        alexRoute = new DeliveryRoute("https://rs.alex.example/c", alexService.currentKey(), List.of(alexAddress));
        Completion completion = establish();
        blair = completion.state();
    }

    private Completion establish() throws Exception {
        InvitationIssuer issuer = new InvitationIssuer(entropy, ratchet);
        PendingInvitation pending = issuer.issue("Blair", List.of(blairRoute), NOW, Duration.ofDays(1));
        Acceptance acceptance = new InvitationAcceptor(entropy, ratchet)
                .accept(pending.invitation(), new AcceptorProfile("Alex", List.of(alexRoute)), NOW);
        alex = acceptance.state();
        return issuer.complete(pending, acceptance.keyAgreement().toByteArray(), NOW);
    }
}
