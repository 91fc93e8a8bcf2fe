package dev.liaison.gateway.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A self-signed ECDSA P-256 certificate for the demo and first runs: valid for the gateway's
 * domain (and public host name), {@code localhost} and {@code 127.0.0.1}, for 825 days (the
 * longest span clients accept).
 */
final class SelfSignedCertificate {

    /** The organisation in every certificate made here: how a generated one is told from an administrator's. */
    private static final String ORGANISATION = "Liaison self-signed";

    private SelfSignedCertificate() {
    }

    /**
     * Writes certificate and key into {@code dir}. Both are built in a temporary sibling directory
     * renamed into place at once, so two processes starting together never mix halves of two pairs.
     */
    static void writeInto(Path dir, List<String> names) {
        try {
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), "tls-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            KeyPair pair = keyPair();
            X509Certificate certificate = certificate(pair, names);
            pem(tmp.resolve(TlsMaterial.CERTIFICATE_FILE), certificate);
            pem(tmp.resolve(TlsMaterial.KEY_FILE), new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null));
            try {
                Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                deleteTree(tmp); // another process won the race; use its pair
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + tmp + " to " + dir + " atomically", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a self-signed certificate into " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new AssertionError("EC P-256 and SHA256withECDSA are always available", e);
        }
    }

    /**
     * Moves the pair in {@code dir} aside, to {@code dir.previous} (replacing an older one there),
     * and writes a new one for {@code names}; returns where the old pair is. The caller holds the
     * lock that keeps other processes from doing the same at once.
     */
    static Path replace(Path dir, List<String> names) {
        Path previous = previous(dir);
        try {
            if (Files.exists(previous)) {
                deleteTree(previous);
            }
            Files.move(dir, previous, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the outdated self-signed certificate in " + dir + " aside to "
                    + previous, e);
        }
        writeInto(dir, names);
        return previous;
    }

    /** Where the pair in {@code dir} is kept when it is replaced: {@code dir.previous}. */
    static Path previous(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".previous");
    }

    /**
     * Exchanges the pairs in {@code dir} and {@link #previous}: the kept one back in use, the
     * current one kept. Each directory is renamed whole, so neither ever holds halves of two pairs;
     * the caller holds the lock that keeps other processes from doing the same at once.
     */
    static void swapWithPrevious(Path dir) {
        Path previous = previous(dir);
        Path aside = swapping(dir);
        try {
            Files.move(dir, aside, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.move(previous, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.move(aside, previous, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot exchange the self-signed certificates in " + dir + " and "
                    + previous, e);
        }
    }

    /**
     * Puts back a pair a {@link #swapWithPrevious} cut short (the process killed between its
     * renames) left in {@code dir.swapping}: into {@code dir} if that is missing, else into
     * {@code dir.previous}, so neither pair is lost or replaced by a new one.
     */
    static void finishSwap(Path dir) {
        Path aside = swapping(dir);
        if (!Files.exists(aside)) {
            return;
        }
        Path into = Files.exists(dir) ? previous(dir) : dir;
        if (Files.exists(into)) {
            return; // no swap leaves this: left for the administrator rather than a pair deleted
        }
        try {
            Files.move(aside, into, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot put the self-signed certificate in " + aside + " back into " + into, e);
        }
    }

    private static Path swapping(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".swapping");
    }

    /** The names a certificate made for {@code names} carries, in words: "a.example, localhost and 127.0.0.1". */
    static String namesInWords(List<String> names) {
        List<String> all = List.copyOf(allNames(names));
        return String.join(", ", all.subList(0, all.size() - 1)) + " and " + all.get(all.size() - 1);
    }

    /** {@code names}, then localhost and 127.0.0.1, each once. */
    private static Set<String> allNames(List<String> names) {
        Set<String> all = new LinkedHashSet<>(names);
        all.add("localhost");
        all.add("127.0.0.1");
        return all;
    }

    /** Whether {@code certificate} is one this class made: self-signed, in Liaison's organisation. */
    static boolean madeBy(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        return java.util.Arrays.stream(subject.getRDNs(BCStyle.O))
                .anyMatch(rdn -> ORGANISATION.equals(IETFUtils.valueToString(rdn.getFirst().getValue())));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(KeyPair pair, List<String> names)
            throws GeneralSecurityException, IOException {
        Instant now = Instant.now();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, names.get(0))
                .addRDN(BCStyle.O, ORGANISATION).build();
        var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(128, new SecureRandom()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(825))), name,
                pair.getPublic());
        Set<String> all = allNames(names);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(all.stream()
                .map(n -> new GeneralName(n.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}|.*:.*") ? GeneralName.iPAddress
                        : GeneralName.dNSName, n))
                .toArray(GeneralName[]::new)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        try {
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
            return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static void pem(Path file, Object object) throws IOException {
        try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(object);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
