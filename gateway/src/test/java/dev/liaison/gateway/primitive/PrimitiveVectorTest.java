package dev.liaison.gateway.primitive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.gateway.wire.Bytes;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The primitives as wrapped here reproduce their RFCs' published test vectors. */
class PrimitiveVectorTest {
    private static byte[] hex(String value) {
        return HexFormat.of().parseHex(value);
    }

    @Test
    void hkdfMatchesRfc5869TestCase1() {
        byte[] okm = Kdf.hkdf(hex("000102030405060708090a0b0c"), hex("0b".repeat(22)), hex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
                HexFormat.of().formatHex(okm));
    }

    @Test
    void x25519MatchesRfc7748Section5Point2() {
        byte[] shared = Agreement.agree(Bytes.fromHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                Bytes.fromHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")).orElseThrow();
        assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", HexFormat.of().formatHex(shared));
    }

    @Test
    void x25519RefusesALowOrderPeerKey() {
        assertTrue(Agreement.agree(Bytes.fromHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                Bytes.of(new byte[32])).isEmpty());
    }

    /**
     * The low-order check compares with a list; the agreement itself is the judge: a key is
     * low-order exactly when X25519 with an honest private key gives all zeros. The seven values
     * (and their twins with bit 255 set, which X25519 ignores), their neighbours and random keys.
     */
    @Test
    void lowOrderCheckAgreesWithTheAgreementItself() {
        Bytes honest = Agreement.generate(new SeededEntropy("low-order")).privateKey();
        List<String> lowOrder = List.of(
                "0000000000000000000000000000000000000000000000000000000000000000",
                "0100000000000000000000000000000000000000000000000000000000000000",
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
                "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157");
        for (String hex : lowOrder) {
            byte[] u = hex(hex);
            for (int variant = 0; variant < 4; variant++) {
                byte[] key = u.clone();
                key[31] |= (byte) ((variant & 1) << 7); // bit 255 set
                key[0] += (byte) (variant >> 1); // a neighbour: u + 1
                boolean zeros = Agreement.agree(honest, Bytes.of(key)).isEmpty();
                assertEquals(zeros, Agreement.isLowOrder(Bytes.of(key)), hex + " variant " + variant);
                if (variant < 2) {
                    assertTrue(zeros, hex + " is a low-order point: the agreement gives all zeros");
                }
            }
        }
        Entropy entropy = new SeededEntropy("random keys");
        for (int i = 0; i < 500; i++) {
            Bytes key = Bytes.of(entropy.bytes(32));
            assertEquals(Agreement.agree(honest, key).isEmpty(), Agreement.isLowOrder(key), key.hex());
        }
        assertTrue(Agreement.isLowOrder(Bytes.of(new byte[31])), "not 32 bytes: not a key");
    }

    @Test
    void ed25519MatchesRfc8032Test1() {
        SigningKeyPair key = new SigningKeyPair(
                Bytes.fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"),
                Bytes.fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
        byte[] signature = Signing.sign(key, new byte[0]);
        assertArrayEquals(hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
                + "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"), signature);
        assertTrue(Signing.verify(key.publicKey(), signature, new byte[0]));
        assertFalse(Signing.verify(key.publicKey(), signature, new byte[1]));
    }

    @Test
    void hpkeOpensWhatItSealsAndNothingElse() {
        Entropy entropy = new SeededEntropy("hpke");
        AgreementKeyPair recipient = Agreement.generate(entropy);
        byte[] sealed = Hpke.seal(recipient.publicKey(), "info".getBytes(), "aad".getBytes(), "secret".getBytes(), entropy);
        assertArrayEquals("secret".getBytes(), Hpke.open(recipient, "info".getBytes(), "aad".getBytes(), sealed).orElseThrow());
        assertTrue(Hpke.open(recipient, "other".getBytes(), "aad".getBytes(), sealed).isEmpty());
        assertTrue(Hpke.open(Agreement.generate(entropy), "info".getBytes(), "aad".getBytes(), sealed).isEmpty());
        byte[] lowOrder = sealed.clone();
        java.util.Arrays.fill(lowOrder, 0, 32, (byte) 0);
        assertTrue(Hpke.open(recipient, "info".getBytes(), "aad".getBytes(), lowOrder).isEmpty());
    }
}
