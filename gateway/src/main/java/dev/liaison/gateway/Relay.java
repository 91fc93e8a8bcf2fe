package dev.liaison.gateway;

import dev.liaison.gateway.legacy.LegacyConsent;
import dev.liaison.gateway.legacy.LegacyCorrespondents;
import dev.liaison.gateway.legacy.LegacyUpgrades;
import dev.liaison.mapping.correspondent.LegacyFrom;
import dev.liaison.gateway.address.AddressDiversifier;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.envelope.EnvelopeSealer;
import dev.liaison.gateway.invitation.InvitationAcceptor;
import dev.liaison.gateway.invitation.InvitationIssuer;
import dev.liaison.gateway.keys.KeyEncryptionKey;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.ratchet.Ratchet;
import dev.liaison.gateway.receiving.Endpoints;
import dev.liaison.gateway.receiving.RelayAcceptor;
import dev.liaison.gateway.receiving.ServiceKeys;
import dev.liaison.gateway.relationship.AddressKeepAlive;
import dev.liaison.gateway.relationship.Invitations;
import dev.liaison.gateway.relationship.OwnRoutes;
import dev.liaison.gateway.relationship.ParticleCodec;
import dev.liaison.gateway.relationship.Particles;
import dev.liaison.gateway.relationship.RelationshipAliases;
import dev.liaison.gateway.relationship.RelationshipControl;
import dev.liaison.gateway.relationship.RelationshipMail;
import dev.liaison.gateway.relationship.RelationshipReceiver;
import dev.liaison.gateway.relationship.RelationshipSender;
import dev.liaison.gateway.relationship.SentMessages;
import dev.liaison.gateway.relationship.UndeliverableNotices;
import dev.liaison.gateway.transport.NodeName;
import dev.liaison.gateway.transport.TransportSchema;
import dev.liaison.gateway.transport.send.DeliverySettings;
import dev.liaison.gateway.transport.send.OutboundQueue;
import dev.liaison.imap.delivery.MailboxDelivery;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.Schema;

import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The relay's parts wired together (protocol, relationship state, receiving keys, queues), without
 * starting anything: {@link Gateway} adds the listeners and workers, admin commands use the parts
 * directly on the same database.
 */
public final class Relay {

    public static final Schema SCHEMA = new Schema("relay", "classpath:db/relay");
    public static final String ENVELOPE_PATH = "/communicator/v1/envelopes";

    private final Clock clock;
    private final String domain;
    private final Supplier<URI> endpoint;
    private final ServiceKeys keys;
    private final Endpoints endpoints = new Endpoints();
    private final Particles particles;
    private final OwnRoutes routes;
    private final EnvelopeSealer sealer;
    private final InvitationIssuer issuer;
    private final RelationshipAliases faces;
    private final MailboxDelivery mailboxes;
    private final DeliverySettings delivery;
    private final RelationshipSender sender;
    private final SentMessages sent = new SentMessages();
    private final Invitations invitations;
    private final RelationshipControl control;
    private final Database database;
    private final LegacyFrom legacyFrom;

    /**
     * @param endpoint where peers POST envelopes to this gateway ({@code http.public-url} + {@link #ENVELOPE_PATH});
     *                 asked when needed, as a listener on port 0 knows its port only once bound
     */
    public Relay(Configuration configuration, Database database, MailboxDelivery mailboxes, Supplier<URI> endpoint)
            throws SQLException {
        this(configuration, database, mailboxes, endpoint, Clock.systemUTC());
    }

    /**
     * @param clock what the relay's decisions go by: address lifetimes and refreshes, key rotation,
     *              invitation expiry (tests move it forward to see addresses age)
     */
    public Relay(Configuration configuration, Database database, MailboxDelivery mailboxes, Supplier<URI> endpoint,
                 Clock clock) throws SQLException {
        this.clock = clock;
        this.database = database;
        this.domain = configuration.domain();
        this.legacyFrom = configuration.legacyFrom();
        this.endpoint = endpoint;
        this.mailboxes = mailboxes;
        KeyEncryptionKey kek = KeyEncryptionKey.loadOrCreate(configuration.dataDir(), database);
        Entropy entropy = Entropy.system();
        Ratchet ratchet = new Ratchet(entropy);
        AddressDiversifier diversifier = new AddressDiversifier(entropy, clock);
        this.keys = ServiceKeys.open(database, kek, entropy, configuration.keyRotation(), clock);
        this.particles = new Particles(new ParticleCodec(kek), endpoints, entropy);
        this.routes = new OwnRoutes(endpoint, keys, diversifier);
        this.sealer = new EnvelopeSealer(ratchet, diversifier, entropy);
        this.issuer = new InvitationIssuer(entropy, ratchet);
        this.faces = new RelationshipAliases(domain, mailboxes);
        this.delivery = DeliverySettings.defaults().withExpiry(configuration.relayExpiry())
                .withConcurrency(configuration.relayDestinationConcurrency(),
                        Math.max(configuration.relayDestinationConcurrency(), DeliverySettings.defaults().deliveryThreads()))
                .withClock(clock) // retries and expiry are the relay's decisions too
                .withNode(NodeName.loadOrCreate(configuration.dataDir()));
        OutboundQueue queue = new OutboundQueue(delivery);
        this.sender = new RelationshipSender(particles, routes, sealer, queue, entropy);
        this.invitations = new Invitations(particles, routes, issuer, new InvitationAcceptor(entropy, ratchet), sealer,
                queue, faces, clock);
        this.control = new RelationshipControl(particles, sender, faces, clock);
    }

    /** Every schema the relay needs, in migration order (after mapping's and imap-out's). */
    public static void migrate(Database database) {
        database.migrate(TransportSchema.SCHEMA);
        database.migrate(SCHEMA);
    }

    public URI endpoint() {
        return endpoint.get();
    }

    /** {@code http.public-url} (or the derived default, with the actually bound port) + {@link #ENVELOPE_PATH}. */
    public static URI endpoint(Configuration configuration, int boundPort) {
        URI base = configuration.publicUrl();
        if (configuration.publicUrlDerived()) {
            base = URI.create("https://" + configuration.domain() + ":" + boundPort);
        }
        return URI.create(base + ENVELOPE_PATH);
    }

    /**
     * Once the endpoint is known (the receiving listener bound): if it is not the one peers were
     * last given, records it and has the keep-alive send every peer the new route at once.
     * Returns the move, if any (see {@link OwnRoutes#republishIfMoved}).
     */
    public Optional<OwnRoutes.Moved> republishIfEndpointMoved() throws SQLException {
        return database.inTransaction(c -> routes.republishIfMoved(c, endpoints, clock.instant()));
    }

    public ServiceKeys keys() {
        return keys;
    }

    public DeliverySettings delivery() {
        return delivery;
    }

    public Invitations invitations() {
        return invitations;
    }

    public RelationshipControl control() {
        return control;
    }

    public RelationshipMail mail() {
        return new RelationshipMail(particles, sender, sent);
    }

    public RelayAcceptor acceptor() {
        return new RelayAcceptor(keys, endpoints, clock);
    }

    public RelationshipReceiver receiver() {
        return new RelationshipReceiver(particles, sealer, issuer, sender, faces, mailboxes, clock);
    }

    public UndeliverableNotices undeliverableNotices() {
        return new UndeliverableNotices(sent, mailboxes, domain, clock);
    }

    public AddressKeepAlive keepAlive() {
        return new AddressKeepAlive(database, keys, particles, sender, routes, sent, clock);
    }

    /** The automatic upgrade of legacy relationships, on this relay's invitations. */
    public LegacyUpgrades legacyUpgrades() {
        return new LegacyUpgrades(invitations, faces, clock);
    }

    /** Users' answers to strangers' requests (writing back, the CLI, moving the request in IMAP). */
    public LegacyConsent legacyConsent() {
        return new LegacyConsent(legacyCorrespondents(), legacyUpgrades(), mailboxes);
    }

    /** Legacy relationships, their users' plain email leaving from {@code legacy.from} by default. */
    public LegacyCorrespondents legacyCorrespondents() {
        return new LegacyCorrespondents(domain, legacyFrom);
    }

    public Clock clock() {
        return clock;
    }
}
