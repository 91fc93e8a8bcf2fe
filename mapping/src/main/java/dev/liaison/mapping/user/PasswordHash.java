package dev.liaison.mapping.user;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Argon2id password hash in the PHC string format
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), which carries its own parameters so they can
 * be raised later without invalidating stored hashes.
 *
 * <p>Parameters are OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane): about 30 ms of one
 * core here, a cost paid on every IMAP and SMTP login.
 */
public final class PasswordHash {

    private static final int MEMORY_KIB = 19 * 1024;
    private static final int ITERATIONS = 2;
    private static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int MAX_PASSWORD_CHARS = 1024;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,2}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{16,64})\\$([A-Za-z0-9+/]{32,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Verified against when the user does not exist, so timing does not tell which logins exist. */
    private static final PasswordHash DECOY = create("decoy-password".toCharArray());

    private final String encoded;

    private PasswordHash(String encoded) {
        this.encoded = encoded;
    }

    /** Hashes a new password with a fresh random salt. */
    public static PasswordHash create(char[] password) {
        checkLength(password);
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM);
        return new PasswordHash("$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash));
    }

    /** Reads a stored hash; refuses anything not produced by {@link #create}'s format. */
    public static PasswordHash parse(String encoded) {
        if (!PHC.matcher(encoded).matches()) {
            throw new IllegalArgumentException("not an Argon2id PHC string");
        }
        return new PasswordHash(encoded);
    }

    /** Spends the same time as a real verification and always fails. */
    public static boolean verifyDecoy(char[] password) {
        DECOY.verify(password);
        return false;
    }

    /** Whether {@code password} matches, compared in constant time. */
    public boolean verify(char[] password) {
        if (password.length > MAX_PASSWORD_CHARS) {
            return false;
        }
        Matcher m = PHC.matcher(encoded);
        if (!m.matches()) {
            throw new AssertionError("checked in parse");
        }
        byte[] salt = B64D.decode(m.group(4));
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = derive(password, salt, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)));
        return MessageDigest.isEqual(expected, actual);
    }

    public String encoded() {
        return encoded;
    }

    private static byte[] derive(char[] password, byte[] salt, int memoryKib, int iterations, int lanes) {
        var params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(lanes)
                .withSalt(salt)
                .build();
        var generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] secret = utf8(password);
        byte[] out = new byte[HASH_BYTES];
        try {
            generator.generateBytes(secret, out);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        return out;
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer buffer = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        Arrays.fill(buffer.array(), (byte) 0);
        return bytes;
    }

    private static void checkLength(char[] password) {
        if (password.length == 0 || password.length > MAX_PASSWORD_CHARS) {
            throw new InvalidPasswordException("a password must have 1 to " + MAX_PASSWORD_CHARS + " characters");
        }
        for (char c : password) {
            if (!Character.isWhitespace(c)) {
                return;
            }
        }
        // mail clients and SASL libraries trim or drop such a password: the account could never log in
        throw new InvalidPasswordException("a password must not be only white space");
    }

    @Override
    public String toString() {
        return "PasswordHash[<masked>]";
    }
}
