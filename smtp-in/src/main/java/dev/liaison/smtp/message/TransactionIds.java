package dev.liaison.smtp.message;

import java.security.SecureRandom;

/**
 * Ids of accepted transactions: 100 random bits in base 32 (20 characters, {@code [0-9a-v]}), unique
 * without coordination between gateway nodes; quoted in the 250 reply and {@code Received:}.
 */
final class TransactionIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int LENGTH = 20;

    private TransactionIds() {
    }

    static String next() {
        char[] id = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            id[i] = Character.forDigit(RANDOM.nextInt(32), 32);
        }
        return new String(id);
    }
}
