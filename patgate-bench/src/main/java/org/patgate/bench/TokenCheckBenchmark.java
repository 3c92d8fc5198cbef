package org.patgate.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.patgate.core.token.TokenDigest;
import org.patgate.core.token.TokenDigester;
import org.patgate.core.token.TokenFormat;
import org.patgate.core.token.TokenParse;

/**
 * Cost of checking a presented token before any cache or store: format + checksum, then the
 * HMAC digest that is the lookup key. {@link #bareHmacFloor} is the floor: one HMAC-SHA256
 * over the token bytes with a Mac that is already initialised and owned by the thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TokenCheckBenchmark {

    private TokenFormat format;
    private TokenDigester digester;
    private Mac mac;
    private String token;
    private byte[] tokenBytes;

    @Setup
    public void setUp() throws GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        byte[] pepper = new byte[32];
        random.nextBytes(pepper);
        format = TokenFormat.withDefaultPrefix();
        digester = new TokenDigester(pepper);
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(pepper, "HmacSHA256"));
        token = format.generate(random);
        tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public byte[] bareHmacFloor() {
        return mac.doFinal(tokenBytes);
    }

    @Benchmark
    public TokenParse parseAndChecksum() {
        return format.parse(token);
    }

    @Benchmark
    public TokenDigest parseChecksumAndDigest() {
        if (format.parse(token) instanceof TokenParse.Valid valid) {
            return digester.digest(valid.token());
        }
        throw new IllegalStateException("benchmark token must be valid");
    }
}
