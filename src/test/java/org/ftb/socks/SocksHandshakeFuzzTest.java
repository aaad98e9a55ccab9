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

    /** The handshake's configuration for one case, and the answers its password checker gave. */
    private record Setup(Set<SocksVersion> versions, boolean passwordRequired, java.util.List<Boolean> answers) {
        HandshakeDriver driver(Random random) {
            return new HandshakeDriver(new SocksServerHandshake(versions, passwordRequired), auth -> {
                boolean ok = random.nextBoolean();
                answers.add(ok);
                return ok;
            });
        }
    }

    private static Setup setup(Random random) {
        Set<SocksVersion> versions = random.nextInt(4) == 0 ? Set.of(random.nextBoolean() ? SocksVersion.V4 : SocksVersion.V5)
                : EnumSet.allOf(SocksVersion.class);
        return new Setup(versions, random.nextBoolean(), new java.util.ArrayList<>());
    }

    /** A valid request: its bytes (payload included), its kind (see {@link #validRequest}), its port and its payload. */
    private record Valid(byte[] bytes, int kind, int port, byte[] payload) {
        SocksVersion version() {
            return kind < 2 ? SocksVersion.V4 : SocksVersion.V5;
        }
    }

    /**
     * A valid request of a random kind, followed by payload: 0 SOCKS 4, 1 SOCKS 4a, 2 SOCKS 5 without
     * authentication, 3 SOCKS 5 with RFC 1929 user abc and password pw.
     */
    private static Valid validRequest(Random random) {
        String host = randomHost(random);
        int port = 1 + random.nextInt(65535);
        int kind = random.nextInt(4);
        Bytes out = switch (kind) {
            case 0 -> Bytes.of().then(Bytes.v4(1, new int[]{1 + random.nextInt(254), random.nextInt(256), random.nextInt(256), random.nextInt(256)}, port, "u"));
            case 1 -> Bytes.of().then(Bytes.v4a("user" + random.nextInt(99), host, port));
            case 2 -> Bytes.of(5, 1, 0).then(Bytes.v5Domain(1, host, port));
            default -> Bytes.of(5, 1, 2).then(1, 3).text("abc").then(2).text("pw").then(Bytes.v5Ipv4(1, new int[]{10, 0, 0, 1}, port));
        };
        byte[] payload = new byte[random.nextInt(40)];
        random.nextBytes(payload);
        return new Valid(out.then(payload).get(), kind, port, payload);
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
        // How often each outcome was checked: a check that never runs proves nothing.
        java.util.Map<String, Integer> seen = new java.util.TreeMap<>();
        for (int i = 0; i < CASES; i++) {
            long seed = seeds.nextLong();
            Random random = new Random(seed);
            byte[] input;
            Valid valid = null;
            switch (i % 3) {
                case 0 -> {
                    input = new byte[random.nextInt(700)];
                    random.nextBytes(input);
                    if (input.length > 0 && random.nextBoolean()) {
                        input[0] = (byte) (random.nextBoolean() ? 4 : 5); // reach past the version check
                    }
                }
                case 1 -> {
                    input = validRequest(random).bytes();
                    int flips = 1 + random.nextInt(4);
                    for (int f = 0; f < flips; f++) {
                        input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                    }
                }
                default -> {
                    valid = validRequest(random);
                    input = valid.bytes();
                }
            }
            Setup setup = setup(random);
            HandshakeDriver driver = setup.driver(random);
            try {
                driver.feed(input, random);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("case " + i + " (seed " + seed + ") failed", e);
            }
            Step last = driver.last();
            boolean decided = last instanceof Step.Connect || last instanceof Step.Refuse;
            // Strict: the handshake is over exactly when its last step decided (a connect or a refusal);
            // otherwise it is still waiting for more, at most after a reply.
            assertThat(driver.handshake.isDone()).as("case %d seed %d: done, with last step %s", i, seed, last).isEqualTo(decided);
            if (!decided) {
                assertThat(last).as("case %d seed %d", i, seed).isInstanceOfAny(Step.NeedMore.class, Step.Reply.class);
            }
            seen.merge(last.getClass().getSimpleName() + (valid == null ? "" : " (intact request)"), 1, Integer::sum);
            if (last instanceof Step.Refuse refuse) {
                // A client that spoke SOCKS 4 or 5 is always told it is refused; anything else gets no reply.
                boolean spokeSocks = input.length > 0 && (input[0] == 4 || input[0] == 5);
                assertThat(refuse.reply().length > 0).as("case %d seed %d: refusal %s has a reply", i, seed, refuse.reason())
                        .isEqualTo(spokeSocks);
            }
            if (last instanceof Step.Connect connect) {
                assertThat(connect.request().port()).isBetween(1, 65535);
                assertThat(connect.request().host()).isNotEmpty().hasSizeLessThanOrEqualTo(255);
            }
            if (valid != null) {
                // An intact request connects unless its version is off, its method is not acceptable, or its password was refused.
                boolean methodOk = valid.kind() != 2 || !setup.passwordRequired();
                boolean passwordOk = valid.kind() != 3 || !setup.passwordRequired() || setup.answers().equals(java.util.List.of(true));
                boolean connects = setup.versions().contains(valid.version()) && methodOk && passwordOk;
                assertThat(last).as("case %d seed %d: %s with %s", i, seed, valid.kind(), setup)
                        .isInstanceOf(connects ? Step.Connect.class : Step.Refuse.class);
                if (last instanceof Step.Connect connect) {
                    assertThat(connect.request().version()).as("case %d seed %d", i, seed).isEqualTo(valid.version());
                    assertThat(connect.request().port()).as("case %d seed %d", i, seed).isEqualTo(valid.port());
                    assertThat(driver.leftover()).as("case %d seed %d: payload after the request", i, seed).isEqualTo(valid.payload());
                }
            }
        }
        assertThat(seen).as("outcomes checked").allSatisfy((outcome, count) -> assertThat(count).as(outcome).isGreaterThan(50))
                .containsKeys("NeedMore", "Reply", "Refuse", "Connect", "Refuse (intact request)", "Connect (intact request)");
    }

    @Test
    void validRequestsAlwaysConnectOrFailAuthenticationWhateverTheChunking() {
        Random seeds = new Random(SEED + 1);
        for (int i = 0; i < 2_000; i++) {
            long seed = seeds.nextLong();
            Random random = new Random(seed);
            byte[] input = validRequest(random).bytes();
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
