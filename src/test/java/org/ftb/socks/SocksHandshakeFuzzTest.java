package org.ftb.socks;

import org.ftb.testing.Bytes;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded fuzzing of the pure handshake: random bytes, mutated valid requests and valid requests in
 * random chunks. The seed is in the failure message, so any failure can be replayed.
 */
class SocksHandshakeFuzzTest {
    private static final long SEED = 0x5EED_F7BL;
    private static final int CASES = 12_000;

    private static HandshakeDriver driver(Random random) {
        Set<SocksVersion> versions = random.nextInt(4) == 0 ? Set.of(random.nextBoolean() ? SocksVersion.V4 : SocksVersion.V5)
                : EnumSet.allOf(SocksVersion.class);
        return new HandshakeDriver(new SocksServerHandshake(versions, random.nextBoolean()), auth -> random.nextBoolean());
    }

    /** A valid request of a random kind, possibly followed by payload. */
    private static byte[] validRequest(Random random) {
        String host = randomHost(random);
        int port = 1 + random.nextInt(65535);
        Bytes out = switch (random.nextInt(4)) {
            case 0 -> Bytes.of().then(Bytes.v4(1, new int[]{1 + random.nextInt(254), random.nextInt(256), random.nextInt(256), random.nextInt(256)}, port, "u"));
            case 1 -> Bytes.of().then(Bytes.v4a("user" + random.nextInt(99), host, port));
            case 2 -> Bytes.of(5, 1, 0).then(Bytes.v5Domain(1, host, port));
            default -> Bytes.of(5, 1, 2).then(1, 3).text("abc").then(2).text("pw").then(Bytes.v5Ipv4(1, new int[]{10, 0, 0, 1}, port));
        };
        byte[] payload = new byte[random.nextInt(40)];
        random.nextBytes(payload);
        return out.then(payload).get();
    }

    private static String randomHost(Random random) {
        StringBuilder host = new StringBuilder();
        int length = 1 + random.nextInt(60);
        String chars = "abcdefghijklmnopqrstuvwxyz0123456789-.";
        for (int i = 0; i < length; i++) {
            host.append(chars.charAt(random.nextInt(chars.length())));
        }
        return host.toString();
    }

    @Test
    void randomInputNeverThrowsNorOverfillsTheBuffer() {
        Random seeds = new Random(SEED);
        for (int i = 0; i < CASES; i++) {
            long seed = seeds.nextLong();
            Random random = new Random(seed);
            byte[] input;
            switch (i % 3) {
                case 0 -> {
                    input = new byte[random.nextInt(700)];
                    random.nextBytes(input);
                    if (input.length > 0 && random.nextBoolean()) {
                        input[0] = (byte) (random.nextBoolean() ? 4 : 5); // reach past the version check
                    }
                }
                case 1 -> {
                    input = validRequest(random);
                    int flips = 1 + random.nextInt(4);
                    for (int f = 0; f < flips; f++) {
                        input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                    }
                }
                default -> input = validRequest(random);
            }
            HandshakeDriver driver = driver(random);
            try {
                driver.feed(input, random);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("case " + i + " (seed " + seed + ") failed", e);
            }
            Step last = driver.last();
            assertThat(last).as("case %d seed %d", i, seed)
                    .isInstanceOfAny(Step.NeedMore.class, Step.Reply.class, Step.Connect.class, Step.Refuse.class);
            if (last instanceof Step.Connect connect) {
                assertThat(connect.request().port()).isBetween(1, 65535);
                assertThat(connect.request().host()).isNotEmpty().hasSizeLessThanOrEqualTo(255);
            }
        }
    }

    @Test
    void validRequestsAlwaysConnectOrFailAuthenticationWhateverTheChunking() {
        Random seeds = new Random(SEED + 1);
        for (int i = 0; i < 2_000; i++) {
            long seed = seeds.nextLong();
            Random random = new Random(seed);
            byte[] input = validRequest(random);
            HandshakeDriver whole = new HandshakeDriver(new SocksServerHandshake(EnumSet.allOf(SocksVersion.class), false), a -> true)
                    .feed(input, null);
            HandshakeDriver chunked = new HandshakeDriver(new SocksServerHandshake(EnumSet.allOf(SocksVersion.class), false), a -> true)
                    .feed(input, random);
            assertThat(whole.last()).as("seed %d", seed).isInstanceOf(Step.Connect.class);
            assertThat(((Step.Connect) chunked.last()).request()).as("seed %d", seed).usingRecursiveComparison()
                    .isEqualTo(((Step.Connect) whole.last()).request());
            assertThat(chunked.leftover()).as("seed %d", seed).isEqualTo(whole.leftover());
        }
    }
}
