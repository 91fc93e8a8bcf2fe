package dev.liaison.gateway.tls;

import dev.liaison.gateway.config.Configuration;
import dev.liaison.gateway.config.ConfigurationException;
import dev.liaison.gateway.config.TlsSource;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The listeners' certificate and key, loaded from the administrator's PEM files or from the
 * self-signed pair generated once into the data directory, turned into one {@link SslContext}
 * that every listener (SMTP, IMAP, HTTPS) shares: in OpenSSL's engine (Netty's statically linked
 * BoringSSL) where it loads, else in the JDK's. OpenSSL's AES-GCM costs a fraction of the JDK's,
 * which took a fifth of the SMTP server's CPU; {@code -Dio.netty.handler.ssl.noOpenSsl=true}
 * chooses the JDK's engine.
 */
public final class TlsMaterial {

    private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);
    static final String CERTIFICATE_FILE = "certificate.pem";
    static final String KEY_FILE = "private-key.pem";
    /** TLS 1.0 and 1.1 are deprecated (RFC 8996). */
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final List<X509Certificate> chain;
    private final SslContext context;

    private TlsMaterial(List<X509Certificate> chain, PrivateKey key) {
        this.chain = List.copyOf(chain);
        this.context = serverContext(chain, key);
    }

    /** Loads (or, for a generated source, first creates) the certificate for {@code domain}. */
    public static TlsMaterial load(TlsSource source, String domain) {
        return load(source, List.of(domain));
    }

    /**
     * The configuration's certificate: the administrator's files as they are, or the generated one
     * made for {@link Configuration#generatedCertificateNames()}.
     */
    public static TlsMaterial load(Configuration configuration) {
        return load(configuration.tls(), configuration.generatedCertificateNames());
    }

    /**
     * Loads the certificate. An administrator's files are read and checked, never changed. A
     * generated one is created on first use and made again when it no longer fits: when it does not
     * name every one of {@code names} (the domain was changed) or has expired. A certificate in the
     * generated place that Liaison did not make (an administrator copied theirs there) is used as
     * it is, with a warning if it does not fit.
     *
     * @param names the names a generated certificate covers (the first is its subject), besides
     *              localhost and 127.0.0.1
     */
    public static TlsMaterial load(TlsSource source, List<String> names) {
        if (source instanceof TlsSource.Files files) {
            return read(files.certificate(), files.privateKey());
        }
        Path dir = ((TlsSource.Generated) source).directory().toAbsolutePath();
        synchronized (TlsMaterial.class) { // the file lock below is the process's: one thread at a time
            try {
                Files.createDirectories(dir.getParent());
            } catch (IOException e) {
                throw ConfigurationException.unreadable("the directory " + dir.getParent(), e);
            }
            try (FileChannel lockFile = FileChannel.open(dir.resolveSibling(dir.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) { // two processes starting at once decide once
                return loadGenerated(dir, names);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + dir + " to check its generated certificate: "
                        + ConfigurationException.why(e), e);
            }
        }
    }

    private static TlsMaterial loadGenerated(Path dir, List<String> names) {
        SelfSignedCertificate.finishSwap(dir);
        if (!Files.exists(dir.resolve(CERTIFICATE_FILE))) {
            SelfSignedCertificate.writeInto(dir, names);
            LOG.info("Generated a self-signed certificate for {} in {}", SelfSignedCertificate.namesInWords(names), dir);
            return read(dir.resolve(CERTIFICATE_FILE), dir.resolve(KEY_FILE));
        }
        TlsMaterial existing = read(dir.resolve(CERTIFICATE_FILE), dir.resolve(KEY_FILE));
        X509Certificate certificate = existing.certificate();
        Optional<String> problem = existing.misfit(names);
        if (problem.isEmpty()) {
            return existing;
        }
        if (!SelfSignedCertificate.madeBy(certificate)) {
            LOG.warn("The certificate in {} {}; Liaison did not generate it, so it is used as it is: replace it,"
                    + " or set tls.certificate and tls.private-key", dir, problem.get());
            return existing;
        }
        Path previous = SelfSignedCertificate.previous(dir);
        if (fitsAgain(previous, names)) {
            // the domain or host was changed and changed back: the pair peers trusted before fits
            // again, and a third one would leave neither of the first two
            SelfSignedCertificate.swapWithPrevious(dir);
            LOG.warn("The self-signed certificate Liaison generated in {} {}: the one it made before, kept in {},"
                    + " fits again and is back in use (the one it replaces is kept in {} now); peers that trust"
                    + " only the replaced one in their relay.trusted-certificates need this one again",
                    dir, problem.get(), previous, previous);
            return read(dir.resolve(CERTIFICATE_FILE), dir.resolve(KEY_FILE));
        }
        SelfSignedCertificate.replace(dir, names);
        LOG.warn("The self-signed certificate Liaison generated in {} {}: generated a new one for {} (the old one is"
                + " kept in {}); peers that trust the old one in their relay.trusted-certificates need the new one",
                dir, problem.get(), SelfSignedCertificate.namesInWords(names), previous);
        return read(dir.resolve(CERTIFICATE_FILE), dir.resolve(KEY_FILE));
    }

    /** Why this certificate does not serve {@code names} (a name it lacks, or its expiry), if it does not. */
    private Optional<String> misfit(List<String> names) {
        X509Certificate certificate = certificate();
        if (certificate.getNotAfter().toInstant().isBefore(java.time.Instant.now())) {
            return Optional.of("expired on " + certificate.getNotAfter().toInstant());
        }
        List<String> missing = names.stream().filter(name -> !covers(name)).toList();
        return missing.isEmpty() ? Optional.empty() : Optional.of("does not name " + String.join(", ", missing)
                + " (it names " + String.join(", ", subjectAlternativeNames()) + ")");
    }

    /** Whether {@code previous} holds a pair Liaison generated that is sound and serves {@code names}. */
    private static boolean fitsAgain(Path previous, List<String> names) {
        if (!Files.exists(previous.resolve(CERTIFICATE_FILE))) {
            return false;
        }
        try {
            TlsMaterial kept = read(previous.resolve(CERTIFICATE_FILE), previous.resolve(KEY_FILE));
            return SelfSignedCertificate.madeBy(kept.certificate()) && kept.misfit(names).isEmpty();
        } catch (ConfigurationException | UncheckedIOException e) {
            return false; // unreadable or a mismatched key: a new pair it is
        }
    }

    /**
     * Checks the configuration's certificate files before anything starts, so a wrong path or a key
     * that is not the certificate's fails at once: the administrator's TLS files (read, the key
     * matched to the certificate) and {@code relay.trusted-certificates}. Nothing is created: a
     * generated certificate is left for {@link #load(Configuration)}.
     */
    public static void checkFiles(Configuration configuration) {
        administrators(configuration);
        PeerTrust.sslContext(configuration.trustedCertificates());
    }

    /**
     * The administrator's certificate ({@code tls.certificate}, {@code tls.private-key}), read and
     * checked; empty when the certificate is one Liaison generates, which only {@link #load} makes.
     */
    public static Optional<TlsMaterial> administrators(Configuration configuration) {
        return configuration.tls() instanceof TlsSource.Files files
                ? Optional.of(read(files.certificate(), files.privateKey())) : Optional.empty();
    }

    /** Whether the certificate names {@code name} (a DNS name, a one-label wildcard, or an IP address). */
    boolean covers(String name) {
        String wanted = name.toLowerCase(java.util.Locale.ROOT);
        boolean ip = isAddressLiteral(wanted);
        for (String san : subjectAlternativeNames()) {
            String have = san.toLowerCase(java.util.Locale.ROOT);
            if (ip) {
                if (sameAddress(have, wanted)) {
                    return true;
                }
            } else if (have.equals(wanted) || have.startsWith("*.") && wanted.indexOf('.') > 0
                    && wanted.substring(wanted.indexOf('.')).equals(have.substring(1))) {
                return true;
            }
        }
        return false;
    }

    /** An IPv4 dotted quad or an IPv6 literal: what InetAddress parses without asking DNS. */
    private static boolean isAddressLiteral(String name) {
        return name.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-f:.]*:[0-9a-f:.]*");
    }

    private static boolean sameAddress(String a, String b) {
        if (!isAddressLiteral(a) || !isAddressLiteral(b)) {
            return false; // literals only: never a DNS lookup ("cafe.bad" is all hex digits too)
        }
        try {
            return java.net.InetAddress.getByName(a).equals(java.net.InetAddress.getByName(b));
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The listeners' TLS: this certificate, TLS 1.2 and 1.3, in the engine {@link #engine()} names. */
    public SslContext serverContext() {
        return context;
    }

    /** The TLS engine the listeners run, for the start-up log and the operator. */
    public static String engine() {
        return OpenSsl.isAvailable() ? "OpenSSL (" + OpenSsl.versionString() + ")"
                : "the JDK's (OpenSSL unavailable: " + OpenSsl.unavailabilityCause() + ")";
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The certificate names a client may check: DNS names and IP addresses. */
    public List<String> subjectAlternativeNames() {
        try {
            var names = chain.get(0).getSubjectAlternativeNames();
            List<String> out = new ArrayList<>();
            if (names != null) {
                for (List<?> name : names) {
                    int type = (Integer) name.get(0);
                    if (type == GeneralName.dNSName || type == GeneralName.iPAddress) {
                        out.add(String.valueOf(name.get(1)));
                    }
                }
            }
            return out;
        } catch (java.security.cert.CertificateParsingException e) {
            return List.of();
        }
    }

    private static TlsMaterial read(Path certificateFile, Path keyFile) {
        List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        try {
            var converter = new JcaX509CertificateConverter();
            for (Object o : pemObjects(certificateFile)) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
            var keyConverter = new JcaPEMKeyConverter();
            for (Object o : pemObjects(keyFile)) {
                if (o instanceof PEMKeyPair pair) {
                    key = keyConverter.getPrivateKey(pair.getPrivateKeyInfo());
                } else if (o instanceof PrivateKeyInfo info) {
                    key = keyConverter.getPrivateKey(info);
                }
            }
        } catch (IOException e) {
            throw ConfigurationException.unreadable("the TLS certificate " + certificateFile + " or key " + keyFile, e);
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("cannot read TLS certificate " + certificateFile + " / key " + keyFile
                    + ": " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new ConfigurationException("tls.certificate " + certificateFile + " holds no PEM certificate");
        }
        if (key == null) {
            throw new ConfigurationException("tls.private-key " + keyFile
                    + " holds no unencrypted PEM private key (PKCS#8 or traditional)");
        }
        requireMatch(chain.get(0), key, certificateFile, keyFile);
        return new TlsMaterial(chain, key);
    }

    /**
     * Refuses a key that is not the certificate's: the server context takes one, and then every
     * handshake fails (alert 80) while the gateway says it is serving. Signing a challenge and
     * checking it with the certificate works for every key type the context takes.
     */
    private static void requireMatch(X509Certificate certificate, PrivateKey key, Path certificateFile, Path keyFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return; // an unusual key type: the server context judges it
        }
        byte[] challenge = new byte[32];
        new java.security.SecureRandom().nextBytes(challenge);
        boolean matches;
        try {
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false; // a key of another type than the certificate's
        }
        if (!matches) {
            throw new ConfigurationException("tls.private-key " + keyFile + " is not the key of the certificate in"
                    + " tls.certificate " + certificateFile + "; give the key that was issued with that certificate");
        }
    }

    private static List<Object> pemObjects(Path file) throws IOException {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                objects.add(o);
            }
        }
        return objects;
    }

    private static SslContext serverContext(List<X509Certificate> chain, PrivateKey key) {
        try {
            return SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new ConfigurationException("the TLS key does not match the certificate or is unusable: "
                    + e.getMessage(), e);
        }
    }
}
