package io.kiln.engine.random;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Mt19937Test {

    @Test
    void matchesTheCppStandardCheckValue() {
        // [rand.predef]: the 10000th output of a default-constructed std::mt19937 (seed 5489) is 4123659995
        Mt19937 engine = new Mt19937(5489);
        for (int i = 1; i < 10_000; i++) {
            engine.nextInt();
        }

        assertThat(Integer.toUnsignedLong(engine.nextInt())).isEqualTo(4_123_659_995L);
    }

    @Test
    void startsFromTheReferenceImplementationsFirstOutputs() {
        // mt19937ar.c's init_genrand(5489): the first outputs of its genrand_int32()
        Mt19937 engine = new Mt19937(5489);

        assertThat(Integer.toUnsignedLong(engine.nextInt())).isEqualTo(3_499_211_612L);
        assertThat(Integer.toUnsignedLong(engine.nextInt())).isEqualTo(581_869_302L);
        assertThat(Integer.toUnsignedLong(engine.nextInt())).isEqualTo(3_890_346_734L);
    }

    @Test
    void seedsWithTheLow32BitsOnly() {
        Mt19937 low = new Mt19937(42);
        Mt19937 high = new Mt19937(42 + (7L << 32));

        for (int i = 0; i < 1_000; i++) {
            assertThat(high.nextInt()).isEqualTo(low.nextInt());
        }
    }
}
