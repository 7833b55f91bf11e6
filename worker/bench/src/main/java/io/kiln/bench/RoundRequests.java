package io.kiln.bench;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.Sampler;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/** The requests of a round: one image each, own prompt, seed and guidance, one compatibility key. */
record RoundRequests(String model, int size, int steps) {
    List<GenerationRequest> round(String label, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> GenerationRequest.builder()
                        .jobId(String.format(Locale.ROOT, "bench-%s-%04d", label, i))
                        .model(model)
                        .prompt("a photograph of an astronaut riding a horse, variation " + i)
                        .width(size)
                        .height(size)
                        .numInferenceSteps(steps)
                        .guidanceScale(7.5 + i % 3)
                        .sampler(Sampler.DDIM)
                        .seed(1000L + i)
                        .build())
                .toList();
    }
}
