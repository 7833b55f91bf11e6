package io.kiln.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SamplerTest {

    @ParameterizedTest
    @EnumSource(Sampler.class)
    void readsBackEveryWireName(Sampler sampler) {
        assertThat(Sampler.fromWireName(sampler.wireName())).isSameAs(sampler);
    }

    @Test
    void refusesAnUnknownNameListingTheKnownOnes() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Sampler.fromWireName("k_lms"))
                .withMessage("unknown sampler \"k_lms\"; expected one of ddim, plms, ddpm, euler, euler_ancestral,"
                        + " dpmpp_2m");
    }
}
