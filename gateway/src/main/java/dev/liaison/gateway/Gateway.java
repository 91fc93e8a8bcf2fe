package dev.liaison.gateway;

import dev.liaison.gateway.account.ImapAccounts;
import dev.liaison.gateway.account.ImapLoginThrottle;
import dev.liaison.gateway.account.PasswordAuthentication;
import dev.liaison.gateway.account.SubmissionAccounts;
import dev.liaison.gateway.autoconfig.AutoconfigResources;
import dev.liaison.gateway.autoconfig.MailServers;
import dev.liaison.gateway.config.AliasDomain;
import dev.liaison.gateway.config.ConfigKey;
import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.config.ListenerPorts;
import dev.liaison.gateway.config.ConfigurationException;
import dev.liaison.gateway.health.DatabaseProbe;
import dev.liaison.gateway.health.HealthResources;
import dev.liaison.gateway.health.Readiness;
import dev.liaison.gateway.keys.KeyEncryptionKey;
import dev.liaison.gateway.legacy.LegacyInbound;
import dev.liaison.gateway.legacy.LegacyOutbound;
import dev.liaison.gateway.legacy.Postmaster;
import dev.liaison.gateway.legacy.delivery.LegacyDelivery;
import dev.liaison.gateway.legacy.delivery.LegacyDeliverySettings;
import dev.liaison.gateway.legacy.delivery.LegacySchema;
import dev.liaison.gateway.metrics.GatewayMetrics;
import dev.liaison.gateway.submission.OwnAliasPolicy;
import dev.liaison.gateway.receiving.RelayDescription;
import dev.liaison.gateway.relationship.OwnRoutes;
import dev.liaison.gateway.submission.SubmissionRouter;
import dev.liaison.gateway.submission.SentCopies;
import dev.liaison.gateway.tls.PeerTrust;
import dev.liaison.gateway.transport.receive.HttpResource;
import dev.liaison.gateway.transport.receive.HttpResources;
import dev.liaison.gateway.transport.receive.InboundStore;
import dev.liaison.gateway.transport.receive.ReceiverSettings;
import dev.liaison.gateway.transport.receive.ReceivingService;
import dev.liaison.gateway.transport.send.DeliveryWorker;
import dev.liaison.gateway.transport.send.EnvelopePoster;
import dev.liaison.gateway.transport.send.OutboundQueue;
import dev.liaison.gateway.transport.TransportSchema;
import dev.liaison.gateway.tls.TlsMaterial;
import javax.net.ssl.SSLContext;
import dev.liaison.imap.server.AccountCheck;
import dev.liaison.imap.server.ImapService;
import dev.liaison.imap.server.ImapServices;
import dev.liaison.imap.server.ImapSettings;
import dev.liaison.imap.server.ImapStartException;
import dev.liaison.imap.store.PostgresMailboxDelivery;
import dev.liaison.mapping.MappingSchema;
import dev.liaison.mapping.database.Database;
import dev.liaison.mapping.database.PoolSettings;
import dev.liaison.mapping.database.Schema;
import dev.liaison.smtp.auth.AuthThrottle;
import dev.liaison.smtp.dns.DnsJavaLookup;
import dev.liaison.smtp.dns.DnsLookup;
import dev.liaison.smtp.inbound.InboundServices;
import dev.liaison.smtp.inbound.InboundSettings;
import dev.liaison.smtp.server.InboundServer;
import dev.liaison.smtp.server.SubmissionServer;
import dev.liaison.smtp.submission.Limits;
import dev.liaison.smtp.submission.SmtpSettings;
import dev.liaison.smtp.submission.SubmissionServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The composition root: opens the database, migrates every module's schema, loads the TLS
 * material and starts the listeners, in that order; {@link #close()} stops them in reverse.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final Schema IMAP_SCHEMA = new Schema(ImapService.SCHEMA, ImapService.MIGRATIONS);
    /**
     * Every schema Liaison's modules own, in the order they are migrated (relay's tables name
     * mapping's): all that a backup holds and a restore fills.
     */
    public static final List<Schema> SCHEMAS = List.of(MappingSchema.SCHEMA, IMAP_SCHEMA, TransportSchema.SCHEMA,
            Relay.SCHEMA, LegacySchema.SCHEMA);
    /**
     * Connections: SMTP runs {@link SmtpSettings#DEFAULT_IO_THREADS} blocking commits per listener,
     * IMAP a few per session burst, plus event listening; 40 keeps commits from queueing for a
     * connection while staying far below PostgreSQL's default of 100.
     */
    private static final int POOL_SIZE = 40;
    /**
     * How often key rotation and quiet relationships' address refreshes are checked, and whether old
     * bookkeeping is due to be forgotten ({@link Bookkeeping}).
     */
    private static final Duration KEEP_ALIVE_INTERVAL = Duration.ofMinutes(1);

    private final Configuration configuration;
    private final Clock relayClock;
    private final Database database;
    private final TlsMaterial tls;
    /** Whom the relay's deliveries trust: the JDK's CAs and relay.trusted-certificates. */
    private final SSLContext peerTrust;
    private final DnsLookup senderDns;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final GatewayMetrics metrics = new GatewayMetrics();
    // Volatile: the readiness check reads them on the HTTP listener's threads while they start.
    private volatile SubmissionServer smtp;
    private volatile ImapService imap;
    private volatile InboundServer mx;
    private volatile ReceivingService receiving;
    private Relay relay;

    private Gateway(Configuration configuration, Clock relayClock, DnsLookup senderDns, Database database,
                    TlsMaterial tls, SSLContext peerTrust) {
        this.peerTrust = peerTrust;
        this.configuration = configuration;
        this.relayClock = relayClock;
        this.senderDns = senderDns;
        this.database = database;
        this.tls = tls;
    }

    /** Starts everything or, if any part fails, stops what had started and rethrows. */
    public static Gateway start(Configuration configuration) {
        return start(configuration, Clock.systemUTC());
    }

    /**
     * As {@link #start(Configuration)}, with the clock the relay's decisions go by and by which an
     * IMAP session's check of its user (every {@code Limits.ACCOUNT_CHECK_INTERVAL}) is timed on
     * commands (tests move it).
     */
    public static Gateway start(Configuration configuration, Clock relayClock) {
        return start(configuration, relayClock, DnsJavaLookup.system(DnsJavaLookup.DEFAULT_TIMEOUT));
    }

    /**
     * As {@link #start(Configuration, Clock)}, with the DNS the MX checks senders' SPF, DKIM and
     * DMARC records in (tests serve records from memory; a sandbox has no name server to ask).
     */
    public static Gateway start(Configuration configuration, Clock relayClock, DnsLookup senderDns) {
        // the files the configuration names first: a wrong path fails at once, not after a database start
        Optional<TlsMaterial> administrators = TlsMaterial.administrators(configuration);
        SSLContext peerTrust = PeerTrust.sslContext(configuration.trustedCertificates());
        ListenerPorts.checkFree(configuration); // and the ports: a port in use is said before anything starts
        Database database = Database.openOwned(configuration.database(),
                PoolSettings.forServer(POOL_SIZE));
        Gateway gateway;
        try {
            database.migrate(MappingSchema.SCHEMA);
            // before the certificate: a domain that cannot be served must not replace the one that fits
            AliasDomain.requireConfigured(database, configuration.domain());
            // a generated certificate is made (or made again) only by the process that owns the data
            // directory: a second serve that is refused must not replace the running one's
            TlsMaterial tls = administrators.isPresent() ? administrators.get() : TlsMaterial.load(configuration);
            migrate(database);
            gateway = new Gateway(configuration, relayClock, senderDns, database, tls, peerTrust);
        } catch (RuntimeException | Error e) {
            database.close();
            throw e;
        }
        try {
            gateway.startListeners();
        } catch (RuntimeException | Error e) {
            // whatever failed, nothing may stay listening: a half-started gateway would hold its
            // ports and keep the JVM alive without ever being ready
            gateway.close();
            throw e;
        }
        LOG.info("Liaison serving {} (data in {})", configuration.domain(), configuration.dataDir());
        return gateway;
    }

    /** Brings every schema of {@link #SCHEMAS} to this release's newest version, in order. */
    public static void migrate(Database database) {
        SCHEMAS.forEach(database::migrate);
    }

    private void startListeners() {
        var passwords = new PasswordAuthentication(database, configuration.domain());
        var mailboxes = new PostgresMailboxDelivery(Clock.systemUTC());
        AtomicReference<URI> endpoint = new AtomicReference<>();
        started.push(metrics);
        metrics.observe(database);
        try {
            relay = new Relay(configuration, database, mailboxes, endpoint::get, relayClock);
            startReceiving(endpoint);
            relay.republishIfEndpointMoved().ifPresent(Gateway::logMoved);
            started.push(DeliveryWorker.start(database, relay.delivery().withEvents(metrics.delivery()),
                    new EnvelopePoster(peerTrust,
                            configuration.privateDestinations()),
                    relay.undeliverableNotices()));
            Bookkeeping bookkeeping = new Bookkeeping(database, mailboxes, configuration.relayExpiry(),
                    Clock.systemUTC());
            started.push(relay.keepAlive().start(KEEP_ALIVE_INTERVAL, bookkeeping::forgetWhenDue));
            LegacyDelivery legacyDelivery = LegacyDelivery.open(LegacyDeliverySettings.from(configuration, relay.delivery()),
                    database, KeyEncryptionKey.loadOrCreate(configuration.dataDir(), database), mailboxes);
            var upgrades = relay.legacyUpgrades();
            var inbound = new LegacyInbound(database, mailboxes, relay.legacyCorrespondents(), upgrades,
                    configuration.domain(), configuration.postmaster(), Clock.systemUTC());
            // even when off: queued rows still expire and bounce, and mail between users stays here
            started.push(legacyDelivery.start(inbound, inbound));
            var legacy = new LegacyOutbound(relay.legacyCorrespondents(), legacyDelivery.outbox(),
                    upgrades, relay.legacyConsent());
            var imapAccounts = new ImapAccounts(passwords);
            // one failed-login state per client address for IMAP and submission: switching protocols gains a guesser nothing
            var authThrottle = new AuthThrottle(Limits.DEFAULT.authThrottling(), relayClock);
            imap = ImapService.start(new ImapSettings(configuration.bindAddress().getHostAddress(),
                    configuration.port(ConfigKey.IMAP_PORT), configuration.port(ConfigKey.IMAPS_PORT),
                    configuration.domain()), database.dataSource(),
                    new ImapServices(metrics.countingLogins(imapAccounts), metrics.imap(),
                            relay.legacyConsent(), new SentCopies()).withAccountCheck(
                            new AccountCheck(imapAccounts, dev.liaison.imap.server.Limits.ACCOUNT_CHECK_INTERVAL,
                                    relayClock)).withLoginThrottle(new ImapLoginThrottle(authThrottle)), tls.serverContext());
            started.push(imap);
            // postmaster@ from a user of this gateway lands where the MX files it (RFC 5321 §4.5.1)
            var postmaster = new Postmaster(configuration.domain(), configuration.postmaster());
            var services = new SubmissionServices(new SubmissionAccounts(passwords),
                    new OwnAliasPolicy(database, configuration.domain(), legacy::enabled, postmaster),
                    new SubmissionRouter(database, mailboxes, relay.mail(), legacy, relay.invitations(), configuration.domain(),
                            postmaster, Clock.systemUTC())).withEvents(metrics.submission());
            smtp = SubmissionServer.start(new SmtpSettings(configuration.domain(), configuration.bindAddress(),
                    configuration.port(ConfigKey.SMTP_SUBMISSION_PORT), configuration.port(ConfigKey.SMTP_SUBMISSIONS_PORT),
                    SmtpSettings.DEFAULT_IO_THREADS, Limits.DEFAULT), tls.serverContext(), services, authThrottle);
            started.push(smtp);
            mx = startInbound(inbound);
            metrics.observeBuffers(smtp::bufferedOctets, mx::bufferedOctets, receiving::bufferedBytes);
        } catch (ImapStartException | IOException | UncheckedIOException | SQLException e) {
            throw new ConfigurationException("cannot start a listener: " + e.getMessage(), e);
        }
        LOG.info("TLS on every listener through {}", TlsMaterial.engine());
        LOG.info("SMTP submission on {} (STARTTLS) and {} (TLS); IMAP on {} (STARTTLS) and {} (TLS);"
                        + " MX on {}; receiving service on {} ({}), reachable as {}",
                smtp.submissionPort(), smtp.submissionsPort(), imap.imapPort(), imap.imapsPort(), mx.port(), receiving.port(),
                configuration.httpTls() ? "HTTPS" : "plain HTTP", relay.endpoint());
    }

    private static void logMoved(OwnRoutes.Moved moved) {
        if (moved.before() != null) {
            LOG.info("the receiving service moved from {} to {} (http.public-url or http.port changed): sending"
                    + " every peer the new route now ({} relationships)", moved.before(), moved.now(), moved.relationships());
        } else if (moved.relationships() > 0) {
            LOG.info("the receiving service's URL peers were given is not recorded (first start of this release):"
                    + " sending every peer the route to {} now ({} relationships)", moved.now(), moved.relationships());
        }
    }

    /** The MX for plain email (issue 8): published aliases and legacy correspondents' outward aliases. */
    private InboundServer startInbound(LegacyInbound legacy) throws IOException {
        InboundServer server = InboundServer.start(new InboundSettings(MailServers.hostnameOf(configuration),
                Set.of(configuration.domain()), configuration.bindAddress(), configuration.port(ConfigKey.SMTP_INBOUND_PORT),
                InboundSettings.DEFAULT_IO_THREADS, Limits.DEFAULT, Limits.SenderChecks.DEFAULT), tls.serverContext(),
                new InboundServices(legacy, legacy, senderDns, Clock.systemUTC(), metrics.inbound()));
        started.push(server);
        legacy.postmasterProblem().ifPresent(LOG::warn);
        return server;
    }

    /** The bound MX port; useful when configured as 0. */
    public int inboundPort() {
        return mx.port();
    }

    private void startReceiving(AtomicReference<URI> endpoint) {
        InetAddress bind = configuration.bindAddress();
        int port = configuration.port(ConfigKey.HTTP_PORT);
        ReceiverSettings settings = (configuration.httpTls() ? ReceiverSettings.https(bind, port, tls.serverContext())
                : ReceiverSettings.plainHttp(bind, port)).withMaxEnvelopeBytes(dev.liaison.gateway.Limits.MAX_ENVELOPE_BYTES)
                .withResources(operatorResources()).withEvents(metrics.receiving());
        receiving = ReceivingService.start(database, settings, new ReceivingService.Relay(
                new RelayDescription(configuration.domain(), endpoint::get, settings.maxEnvelopeBytes(), relay.keys()),
                relay.acceptor(), relay.receiver()));
        started.push(receiving);
        endpoint.set(Relay.endpoint(configuration, receiving.port()));
    }

    /** Metrics, health and mail client autoconfiguration, served on the receiving service's listener. */
    private HttpResources operatorResources() {
        DatabaseProbe probe = new DatabaseProbe(database, dev.liaison.gateway.Limits.DATABASE_PROBE_TIMEOUT);
        started.push(probe);
        Readiness readiness = new Readiness(probe, List.of(
                new Readiness.Listener("SMTP submission", () -> smtp != null && smtp.listening()),
                new Readiness.Listener("IMAP", () -> imap != null && imap.listening()),
                new Readiness.Listener("the MX", () -> mx != null && mx.listening()),
                new Readiness.Listener("the receiving service", () -> receiving != null && receiving.listening())));
        Map<String, HttpResource> resources = new HashMap<>(HealthResources.of(readiness));
        resources.putAll(metrics.resources(probe, new OutboundQueue(relay.delivery()), new InboundStore(relay.clock()),
                configuration.metricsFromAnywhere()));
        resources.putAll(AutoconfigResources.of(() -> MailServers.forClients(configuration, imapPort(), imapsPort(),
                submissionPort(), submissionsPort())));
        return HttpResources.of(resources);
    }

    /** The bound SMTP submission (STARTTLS) port; useful when configured as 0. */
    public int submissionPort() {
        return smtp.submissionPort();
    }

    public int submissionsPort() {
        return smtp.submissionsPort();
    }

    public int imapPort() {
        return imap.imapPort();
    }

    public int imapsPort() {
        return imap.imapsPort();
    }

    /** The bound receiving-service (HTTP) port. */
    public int httpPort() {
        return receiving.port();
    }

    public Relay relay() {
        return relay;
    }

    public Configuration configuration() {
        return configuration;
    }

    public Database database() {
        return database;
    }

    public TlsMaterial tls() {
        return tls;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                LOG.warn("Stopping a listener failed: {}", e.getMessage(), e);
            }
        }
        database.close();
        LOG.info("Liaison stopped");
    }
}
